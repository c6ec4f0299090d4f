// The "pii" detector: personal data in prompts and answers. Email addresses, US SSNs, IBANs
// and IP addresses are pattern rules (rules/pii.json) confirmed by validators; phone and card
// numbers are found by number_finder.h over the normalized text, because telling "612 345 678"
// from an amount takes libphonenumber's metadata and the words around it, not a pattern.
// Findings keep the shape policies know: category "pii", types "email", "phone",
// "credit_card", "us_ssn", "iban", "ipv4", "ipv6"; redacted as [PHONE], [CREDIT_CARD], ...
// Built once at start (libphonenumber loads its metadata then); immutable and thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "detect/detector.h"

namespace aisafe::detectors {

// `phone_regions`: the regions whose national numbers are recognized (PII_PHONE_REGIONS, ISO
// 3166-1 alpha-2); empty: pii::defaultPhoneRegions(). Fails on a bad rule file or an unknown
// region.
Result<std::unique_ptr<detect::DetectorFactory>> makePiiFactory(
    const detect::RuleSource& rules, const std::vector<std::string>& phone_regions = {});

}  // namespace aisafe::detectors
