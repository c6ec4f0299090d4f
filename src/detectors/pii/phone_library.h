// libphonenumber behind one small seam: is a number, as written, a valid phone number of one
// of the configured regions? Used for what the shape alone cannot tell ("Tom 4155550132",
// "Lisa: 612 345 678"). Each region the number could belong to by its length and prefix
// (national number with or without the trunk prefix, or a country code typed without its '+':
// "44 20 7946 0958") is checked with IsValidNumber on the number as that region would read it
// (~5 µs); the first region that takes it is confirmed by PhoneNumberMatcher with leniency
// VALID over the number's own bytes (~25 µs), which also parses it the library's way. Regions
// whose national numbers are not simply trunk prefix + number (Argentina's "15") go to the
// matcher directly. Callers pre-filter (number_spans.h, phone_shape.h) and pass a budget.
// Built once at start; immutable and thread-safe afterwards (libphonenumber's PhoneNumberUtil
// is a thread-safe singleton). Debian's package and the ABI it needs: decision 0016.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace aisafe::detectors::pii {

// The regions tried when PII_PHONE_REGIONS is not set: North America, Europe, and the largest
// countries of Latin America, Asia, Africa and Oceania (61, in this order). Luxembourg is left
// out: its open numbering plan takes most digit strings of 6 to 11 digits as valid.
// Even so, about 90% of random 7-11 digit strings are valid in at least one of these regions:
// for a bare run of digits, validity is weak evidence (number_finder.h weighs it so).
const std::vector<std::string>& defaultPhoneRegions();

class PhoneLibrary {
 public:
  // Loads libphonenumber's metadata (tens of milliseconds, once) and learns each region's
  // calling code, trunk prefix and number lengths. `regions`: ISO 3166-1 alpha-2 codes in the
  // order to try them; empty: defaultPhoneRegions(). Fails naming codes libphonenumber lacks.
  static Result<std::shared_ptr<const PhoneLibrary>> create(std::vector<std::string> regions);

  struct Valid {
    std::size_t begin = 0;  // bytes of the number given, what libphonenumber matched
    std::size_t end = 0;
    std::string region;  // the region it is valid in, e.g. "ES"
  };

  // What the checks cost from a budget: a direct validity check, and a matcher call.
  static constexpr int kCheckCost = 1;
  static constexpr int kMatcherCost = 5;

  // `number`: ASCII digits with separators and an optional leading '+' or '(' (a span from
  // number_spans.h). The first configured region in which it is a valid number, or nullopt.
  // Each check takes its cost from `budget`; when a check no longer fits it stops (nullopt).
  std::optional<Valid> findValid(std::string_view number, int& budget) const;

  const std::vector<std::string>& regions() const { return codes_; }

 private:
  struct Region {
    std::string code;
    int calling_code = 0;
    std::string calling_digits;  // "44"
    std::string trunk;           // national (trunk) prefix, "0"; empty when none
    bool trunk_written =
        false;                  // national format shows the trunk prefix ("030 ..." vs "(201) ...")
    std::uint32_t lengths = 0;  // bit n: n-digit national significant numbers are possible
    bool transforms = false;    // its national format is not trunk + national number
  };
  PhoneLibrary() = default;

  std::vector<std::string> codes_;
  std::vector<Region> regions_;
};

}  // namespace aisafe::detectors::pii
