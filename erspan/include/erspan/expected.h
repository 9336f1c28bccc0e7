// Expected<T, E>: std::expected where the standard library has it (g++ 12 with -std=c++23), and a
// minimal stand-in where it does not (clang 14 on libstdc++ 12, used by the libFuzzer build).
#pragma once

#include <type_traits>
#include <utility>
#if __has_include(<expected>)
#include <expected>
#endif

namespace ovse::erspan {

#if defined(__cpp_lib_expected)

/// The codec's result type: exactly `std::expected<T, E>` on compilers that provide it.
template <class T, class E>
using Expected = std::expected<T, E>;

/// The error half of an Expected: exactly `std::unexpected<E>`.
template <class E>
using Unexpected = std::unexpected<E>;

#else

/// Minimal std::unexpected stand-in: holds an error value.
template <class E>
class Unexpected {
 public:
  constexpr explicit Unexpected(E e) noexcept : error_(e) {}
  [[nodiscard]] constexpr const E& error() const noexcept { return error_; }

 private:
  E error_;
};

/// Minimal std::expected stand-in, limited to the trivially copyable value and error types the
/// codec returns. Offers the subset of std::expected the project uses.
template <class T, class E>
class Expected {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_copyable_v<E>);

 public:
  using value_type = T;
  using error_type = E;
  constexpr Expected(const T& v) noexcept : value_(v), has_value_(true) {}
  constexpr Expected(const Unexpected<E>& u) noexcept : error_(u.error()), has_value_(false) {}
  /// Constructs the value in place from `args` (as std::expected's in_place constructor).
  template <class... Args>
  constexpr explicit Expected(std::in_place_t, Args&&... args) noexcept
      : value_(std::forward<Args>(args)...), has_value_(true) {}
  constexpr Expected& operator=(const Unexpected<E>& u) noexcept {
    error_ = u.error();
    has_value_ = false;
    return *this;
  }
  [[nodiscard]] constexpr bool has_value() const noexcept { return has_value_; }
  constexpr explicit operator bool() const noexcept { return has_value_; }
  [[nodiscard]] constexpr const T& value() const& noexcept { return value_; }
  [[nodiscard]] constexpr T& value() & noexcept { return value_; }
  [[nodiscard]] constexpr const E& error() const noexcept { return error_; }
  constexpr const T& operator*() const& noexcept { return value_; }
  constexpr T& operator*() & noexcept { return value_; }
  constexpr const T* operator->() const noexcept { return &value_; }
  constexpr T* operator->() noexcept { return &value_; }
  template <class U>
  [[nodiscard]] constexpr T value_or(U&& other) const noexcept {
    return has_value_ ? value_ : static_cast<T>(std::forward<U>(other));
  }

 private:
  union {
    T value_;
    E error_;
  };
  bool has_value_;
};

#endif

/// Wraps `e` as the error alternative of an Expected.
template <class E>
[[nodiscard]] constexpr Unexpected<E> makeUnexpected(E e) noexcept {
  return Unexpected<E>(e);
}

}  // namespace ovse::erspan
