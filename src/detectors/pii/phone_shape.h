// How much a digit span looks like a phone number by the way it is written, before any
// metadata is consulted: "+44 20 7946 0958" and "(415) 555-0132" are phones whatever their
// digits; "06-10446904" is likely one; "612 345 678" or "4155550132" could be a phone or an
// amount or an order number (libphonenumber or a context word decides); "2024-05-01",
// "192.168.1.20", "1.2.3456", "536-22-1847" and "2023 2024 2025" are never phones here (dates,
// addresses, versions, SSNs and years have rules or no business being redacted).
// Pure function; thread-safe.
#pragma once

#include <string_view>

#include "detectors/pii/number_spans.h"

namespace aisafe::detectors::pii {

enum class PhoneShape {
  kNone,            // not a phone: too few or many digits, a date, an address, a version, ...
  kInternational,   // a '+' or 00/011 dialling prefix and enough digits: "+49 30 123456"
  kAreaInParens,    // an area code in parentheses: "(415) 555-0132", "8 (912) 345-67-89"
  kGrouped,         // three or more groups as phone numbers are grouped: "0660 565 36 45"
  kTrunkPair,       // a trunk-0 area code and a subscriber number: "030 1234567", "06-10446904"
  kAmbiguous,       // two groups, one run, or thousands-like groups: "785 8949", "612 345 678";
                    // a valid number of a configured region (libphonenumber) or a phone word
  kNeedsPhoneWord,  // could be a phone number, but more often is an amount, a range or a code:
                    // "22 338 618", "734 000 000", "1600-1800", "40.14.050"; only a phone word
                    // makes it one (libphonenumber would call many of them valid)
};

// Confidence of each shape on its own, before context and libphonenumber (decision: a finding
// is reported from kReportScore; shapes below it need a phone word or a valid number).
double shapeScore(PhoneShape shape);

// The shape of `span` (a span of `text` from findNumberSpans or a part of one).
PhoneShape phoneShape(std::string_view text, const NumberSpan& span);

}  // namespace aisafe::detectors::pii
