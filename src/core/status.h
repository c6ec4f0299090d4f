// Status and Result<T>: errors as values. Used on every hot path instead of exceptions;
// code that throws (SOCI, parsers) is wrapped at its module edge and turned into a Status.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace aisafe {

// Error codes double as the `code` of JSON error bodies, so each maps to one HTTP status.
enum class StatusCode {
  kOk,
  kInvalidArgument,   // the caller sent something wrong (400)
  kUnprocessable,     // well-formed but semantically invalid, e.g. a policy (422)
  kNotFound,          // (404)
  kConflict,          // (409)
  kUnauthenticated,   // missing, invalid or expired credentials (401)
  kPermissionDenied,  // valid credentials without the right (403)
  kTooManyRequests,   // throttled; retry later (429)
  kUnavailable,       // a dependency is down (503)
  kInternal,          // a bug or an unexpected failure (500)
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  // `reason`: a stable machine-readable refinement of the code ("token_expired"), used as the
  // JSON error code when set.
  Status(StatusCode code, std::string message, std::string reason)
      : code_(code), message_(std::move(message)), reason_(std::move(reason)) {}

  static Status ok() { return {}; }
  bool isOk() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& reason() const { return reason_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string reason_;
};

inline Status invalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status unprocessable(std::string m) { return {StatusCode::kUnprocessable, std::move(m)}; }
inline Status notFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status internalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status unauthenticated(std::string reason, std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m), std::move(reason)};
}
inline Status permissionDenied(std::string reason, std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m), std::move(reason)};
}

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).isOk() && "a Result built from a Status must carry an error");
  }

  bool isOk() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return isOk(); }
  const Status& status() const {
    static const Status kOkStatus;
    return isOk() ? kOkStatus : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace aisafe

#define AISAFE_CONCAT_INNER(a, b) a##b
#define AISAFE_CONCAT(a, b) AISAFE_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is not ok.
#define AISAFE_RETURN_IF_ERROR(expr)                   \
  do {                                                 \
    ::aisafe::Status aisafe_status_ = (expr);          \
    if (!aisafe_status_.isOk()) return aisafe_status_; \
  } while (0)

// AISAFE_TRY(auto x, makeX()); binds the value or returns the error.
#define AISAFE_TRY(decl, expr) AISAFE_TRY_IMPL(AISAFE_CONCAT(aisafe_result_, __LINE__), decl, expr)
// `tmp` and `decl` are names and a declaration, not expressions: they cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define AISAFE_TRY_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                     \
  if (!tmp.isOk()) return tmp.status();  \
  decl = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
