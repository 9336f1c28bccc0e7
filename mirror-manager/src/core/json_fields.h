// Private to mirror_manager_core: strict readers for the fields of a JSON object. The first error
// wins: after it every read is a no-op, so a parser reads field after field and checks once.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "mirror_manager/session_json.h"

namespace ovse::manager::detail {

/// `prefix.key`, or `key` at the top level.
std::string joinPath(std::string_view prefix, std::string_view key);

/// `prefix[i]`.
std::string indexPath(std::string_view prefix, std::size_t i);

/// A JSON value as it appears in messages: compact, cut after 60 characters, never throws.
std::string describeJson(const nlohmann::json& v);

/// Collects the first FieldError of a sequence of reads.
class FieldReader {
 public:
  /// True while no read has failed.
  bool ok() const { return !error_; }
  /// The first error; only meaningful when !ok().
  const FieldError& error() const { return *error_; }
  /// Records an error (unless one is already recorded).
  void fail(std::string path, std::string message);

  /// Requires `v` to be an object whose keys are all in `allowed`. `note` is appended to the
  /// "unknown field" message (e.g. " for type local (allowed: port)").
  bool object(const nlohmann::json& v, std::string_view path,
              std::initializer_list<std::string_view> allowed, std::string_view note = {});
  /// Requires `v` to be an array.
  bool array(const nlohmann::json& v, std::string_view path);
  /// Requires `obj` to have `key`.
  bool required(const nlohmann::json& obj, std::string_view path, std::string_view key);

  /// Reads obj[key] into `out` when present; absent leaves `out` as it is.
  void string(const nlohmann::json& obj, std::string_view path, std::string_view key,
              std::string& out);
  /// Reads obj[key] (true or false) into `out` when present.
  void boolean(const nlohmann::json& obj, std::string_view path, std::string_view key, bool& out);
  /// Reads obj[key] (a whole number that fits T) into `out` when present.
  template <typename T>
  void unsignedInt(const nlohmann::json& obj, std::string_view path, std::string_view key, T& out) {
    if (const auto* v = member(obj, key)) {
      if (auto n = toUnsigned(*v, joinPath(path, key), std::numeric_limits<T>::max())) {
        out = static_cast<T>(*n);
      }
    }
  }
  /// As unsignedInt(); a JSON null (or absence) leaves the optional unset.
  template <typename T>
  void optionalUnsigned(const nlohmann::json& obj, std::string_view path, std::string_view key,
                        std::optional<T>& out) {
    const auto* v = member(obj, key);
    if (v == nullptr || v->is_null()) return;
    if (auto n = toUnsigned(*v, joinPath(path, key), std::numeric_limits<T>::max())) {
      out = static_cast<T>(*n);
    }
  }

  /// `v` as an unsigned integer no larger than `max`, or nothing (and an error recorded).
  std::optional<std::uint64_t> toUnsigned(const nlohmann::json& v, const std::string& path,
                                          std::uint64_t max);

  /// obj[key] if present and no error has been recorded yet, else nullptr.
  const nlohmann::json* member(const nlohmann::json& obj, std::string_view key) const;

 private:
  std::optional<FieldError> error_;
};

}  // namespace ovse::manager::detail
