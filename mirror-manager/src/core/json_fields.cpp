// Strict readers for JSON object fields: type checks with messages naming the value seen.
#include "json_fields.h"

#include <algorithm>

#include "mirror_manager/json_text.h"

namespace ovse::manager::detail {

using nlohmann::json;

std::string joinPath(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  std::string path(prefix);
  path += '.';
  path += key;
  return path;
}

std::string indexPath(std::string_view prefix, std::size_t i) {
  return std::string(prefix) + "[" + std::to_string(i) + "]";
}

std::string describeJson(const json& v) {
  // replace: a json built in memory may hold invalid UTF-8, and dump() must not throw here.
  std::string text = dumpJson(v);
  constexpr std::size_t kMaxChars = 60;
  if (text.size() > kMaxChars) text = text.substr(0, kMaxChars) + "...";
  return text;
}

namespace {

// What a JSON value is, for "expected X, got Y" messages.
const char* kindOf(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::binary:
      return "binary data";
    case json::value_t::discarded:
      return "nothing";
    default:
      return "a number";
  }
}

std::string expected(const char* what, const json& v) {
  std::string got = v.is_object() || v.is_array() ? kindOf(v) : describeJson(v);
  return std::string("expected ") + what + ", got " + got;
}

}  // namespace

void FieldReader::fail(std::string path, std::string message) {
  if (!error_) error_ = FieldError{std::move(path), std::move(message)};
}

const json* FieldReader::member(const json& obj, std::string_view key) const {
  if (error_ || !obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

bool FieldReader::object(const json& v, std::string_view path,
                         std::initializer_list<std::string_view> allowed, std::string_view note) {
  if (error_) return false;
  if (!v.is_object()) {
    fail(std::string(path), expected("an object", v));
    return false;
  }
  // Object keys iterate in sorted order, so the same document always names the same field.
  for (const auto& [key, value] : v.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      fail(joinPath(path, key), "unknown field" + std::string(note));
      return false;
    }
  }
  return true;
}

bool FieldReader::array(const json& v, std::string_view path) {
  if (error_) return false;
  if (!v.is_array()) {
    fail(std::string(path), expected("an array", v));
    return false;
  }
  return true;
}

bool FieldReader::required(const json& obj, std::string_view path, std::string_view key) {
  if (error_) return false;
  if (!obj.contains(key)) {
    fail(joinPath(path, key), "missing (required)");
    return false;
  }
  return true;
}

void FieldReader::string(const json& obj, std::string_view path, std::string_view key,
                         std::string& out) {
  if (const auto* v = member(obj, key)) {
    if (v->is_string()) {
      out = v->get_ref<const std::string&>();
    } else {
      fail(joinPath(path, key), expected("a string", *v));
    }
  }
}

void FieldReader::boolean(const json& obj, std::string_view path, std::string_view key, bool& out) {
  if (const auto* v = member(obj, key)) {
    if (v->is_boolean()) {
      out = v->get<bool>();
    } else {
      fail(joinPath(path, key), expected("true or false", *v));
    }
  }
}

std::optional<std::uint64_t> FieldReader::toUnsigned(const json& v, const std::string& path,
                                                     std::uint64_t max) {
  if (error_) return std::nullopt;
  // A json built in memory may hold a non-negative value as a signed integer.
  if (v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
    auto n = v.get<std::uint64_t>();
    if (n <= max) return n;
    fail(path, std::to_string(n) + " is above " + std::to_string(max));
  } else if (v.is_number_integer()) {
    fail(path, describeJson(v) + " is below 0");
  } else if (v.is_number_float()) {
    fail(path, expected("a whole number", v));
  } else {
    fail(path, expected("a number", v));
  }
  return std::nullopt;
}

}  // namespace ovse::manager::detail
