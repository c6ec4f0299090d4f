// The "pii" detector: personal data (email, phone, payment cards, US SSN, IBAN, IP addresses),
// confirmed by validators. Its patterns are data in rules/pii.json; this folder only names them and
// says what it scans.
#pragma once

#include <memory>

#include "detect/detector.h"

namespace aisafe::detectors {

Result<std::unique_ptr<detect::DetectorFactory>> makePiiFactory(const detect::RuleSource& rules);

}  // namespace aisafe::detectors
