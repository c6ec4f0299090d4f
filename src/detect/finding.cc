#include "detect/finding.h"

namespace aisafe::detect {

std::string_view toString(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "medium";
}

std::optional<Severity> parseSeverity(std::string_view s) {
  if (s == "low") {
    return Severity::kLow;
  }
  if (s == "medium") {
    return Severity::kMedium;
  }
  if (s == "high") {
    return Severity::kHigh;
  }
  if (s == "critical") {
    return Severity::kCritical;
  }
  return std::nullopt;
}

}  // namespace aisafe::detect
