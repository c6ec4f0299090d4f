// Small helpers for nullable columns with SOCI, shared by the repositories (internal to storage).
// BIGINT columns read as long long on both backends; a NULL reads as std::nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <soci/soci.h>

namespace aisafe::storage::internal {

inline std::optional<std::int64_t> nullableInt64(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) {
    return std::nullopt;
  }
  return r.get<long long>(i);
}

inline std::optional<int> nullableInt(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) {
    return std::nullopt;
  }
  return r.get<int>(i);
}

inline std::optional<std::string> nullableText(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) {
    return std::nullopt;
  }
  return r.get<std::string>(i);
}

// A value and its indicator, to bind an optional as a parameter: soci::use(b.value, b.ind).
template <typename T>
struct NullableParam {
  explicit NullableParam(const std::optional<T>& v)
      : value(v.value_or(T{})), ind(v ? soci::i_ok : soci::i_null) {}
  T value;
  soci::indicator ind;
};

// Runs a prepared statement and answers how many rows it changed.
inline long long executeCountingRows(soci::statement& st) {
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace aisafe::storage::internal
