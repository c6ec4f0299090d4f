// Structured logs: one JSON object per line (time, level, message, then fields) or a plain text
// line, through spdlog. Callers pass fields explicitly; never a raw prompt or a secret unless the
// policy allows it.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace aisafe::telemetry {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

// Configures the process logger (stderr). `level`: trace|debug|info|warn|error|off;
// `format`: json|text.
void setupLogging(const std::string& level, const std::string& format);

void log(LogLevel level, std::string_view message, boost::json::object fields = {});
// Whether a line at `level` would be written: lets hot paths skip building its fields.
bool logEnabled(LogLevel level);
inline void logInfo(std::string_view m, boost::json::object f = {}) {
  log(LogLevel::kInfo, m, std::move(f));
}
inline void logWarn(std::string_view m, boost::json::object f = {}) {
  log(LogLevel::kWarn, m, std::move(f));
}
inline void logError(std::string_view m, boost::json::object f = {}) {
  log(LogLevel::kError, m, std::move(f));
}

}  // namespace aisafe::telemetry
