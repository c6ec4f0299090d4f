#include "telemetry/logging.h"

#include <atomic>
#include <chrono>

#include <boost/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/clock.h"

namespace aisafe::telemetry {
namespace {

std::atomic<bool> json_format{true};

spdlog::level::level_enum toSpd(LogLevel l) {
  switch (l) {
    case LogLevel::kTrace:
      return spdlog::level::trace;
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
    case LogLevel::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

}  // namespace

void setupLogging(const std::string& level, const std::string& format) {
  auto logger = spdlog::stderr_logger_mt("aisafe");
  logger->set_pattern("%v");  // lines are formatted here, so JSON stays one object per line
  logger->set_level(spdlog::level::from_str(level == "warn" ? "warning" : level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  json_format = format != "text";
}

bool logEnabled(LogLevel level) { return spdlog::default_logger_raw()->should_log(toSpd(level)); }

namespace detail {
void reportLoggedError(std::string_view message, const boost::json::object& fields);
}

// By value: the JSON line takes the fields' values by move.
// NOLINTNEXTLINE(performance-unnecessary-value-param)
void log(LogLevel level, std::string_view message, boost::json::object fields) {
  // Errors go to the error reporter (Sentry) whatever the log level lets through.
  if (level == LogLevel::kError) {
    detail::reportLoggedError(message, fields);
  }
  auto logger = spdlog::default_logger_raw();
  const auto spd = toSpd(level);
  if (!logger->should_log(spd)) {
    return;
  }
  const std::string time = clock::toRfc3339(clock::nowMs());
  const auto spd_name = spdlog::level::to_string_view(spd);
  const std::string_view level_name(spd_name.data(), spd_name.size());
  if (json_format) {
    boost::json::object line;
    line["time"] = time;
    line["level"] = std::string(level_name.data(), level_name.size());
    line["message"] = message;
    for (auto& [k, v] : fields) {
      line[k] = std::move(v);
    }
    logger->log(spd, "{}", boost::json::serialize(line));
  } else {
    std::string text =
        time + " " + std::string(level_name.data(), level_name.size()) + " " + std::string(message);
    for (const auto& [k, v] : fields) {
      text += " " + std::string(k) + "=" + boost::json::serialize(v);
    }
    logger->log(spd, "{}", text);
  }
}

}  // namespace aisafe::telemetry
