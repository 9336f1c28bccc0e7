// JSON text in and out: depth-limited parsing without exceptions, dumping with UTF-8 replacement
// (see json_text.h).
#include "mirror_manager/json_text.h"

namespace ovse::manager {

namespace {

using nlohmann::json;

// nlohmann's DOM builder behind a SAX interface that keeps the depth below the limit (a second
// guard after findTooDeep()) and records a parse error instead of throwing it.
class LimitedDomBuilder {
 public:
  LimitedDomBuilder(json& result, std::size_t max_depth)
      : dom_(result, false), max_depth_(max_depth) {}

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& s) {
    return dom_.number_float(v, s);
  }
  bool string(json::string_t& v) { return dom_.string(v); }
  bool binary(json::binary_t& v) { return dom_.binary(v); }
  bool key(json::string_t& v) { return dom_.key(v); }
  bool start_object(std::size_t n) { return enter() && dom_.start_object(n); }
  bool end_object() {
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t n) { return enter() && dom_.start_array(n); }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& /*token*/, const Exception& e) {
    error_ = JsonParseError{position, reasonOf(e.what()), false};
    return false;
  }

  /// The error that stopped the parse (set whenever sax_parse returned false).
  const JsonParseError& error() const { return error_; }

 private:
  bool enter() {
    if (++depth_ <= max_depth_) return true;
    // Only reachable if findTooDeep() and nlohmann ever disagreed on where strings end.
    error_ =
        JsonParseError{0, "nested deeper than " + std::to_string(max_depth_) + " levels", true};
    return false;
  }

  // nlohmann's text without its "[json.exception.parse_error.101] parse error at line L,
  // column C: " prefix: the position is reported separately.
  static std::string reasonOf(std::string what) {
    if (what.starts_with("[json.exception.")) {
      if (auto end = what.find("] "); end != std::string::npos) what.erase(0, end + 2);
    }
    if (what.starts_with("parse error")) {
      if (auto at = what.find("column "); at != std::string::npos) {
        if (auto colon = what.find(": ", at); colon != std::string::npos) what.erase(0, colon + 2);
      }
    }
    return what;
  }

  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  JsonParseError error_;
};

}  // namespace

std::string JsonParseError::message() const {
  const std::string at = " at byte " + std::to_string(byte);
  if (too_deep) return "JSON " + reason + at;
  return "malformed JSON" + at + ": " + reason;
}

std::size_t findTooDeep(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      // A backslash escapes the next byte; a quote it escapes does not end the string.
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) return i;
        break;
      case ']':
      case '}':
        // Unbalanced closers are nlohmann's to report; never wrap below zero.
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return std::string_view::npos;
}

std::expected<json, JsonParseError> parseJson(std::string_view text, std::size_t max_depth) {
  // Refuse deep documents before nlohmann sees them: its parser is iterative, but copies,
  // comparisons, merge_patch and dump() of the result recurse once per level.
  if (auto at = findTooDeep(text, max_depth); at != std::string_view::npos) {
    return std::unexpected(JsonParseError{
        at + 1, "nested deeper than " + std::to_string(max_depth) + " levels", true});
  }
  json result;
  LimitedDomBuilder builder(result, max_depth);
  if (!json::sax_parse(text.begin(), text.end(), &builder)) {
    return std::unexpected(builder.error());
  }
  return result;
}

std::string dumpJson(const json& j, int indent) {
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace ovse::manager
