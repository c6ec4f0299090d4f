#include "detectors/pii/phone_library.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumbermatch.h>
#include <phonenumbers/phonenumbermatcher.h>
#include <phonenumbers/phonenumberutil.h>

// Debian's libphonenumber8 is built with the POSIX lock and singleton (its symbols:
// Singleton<...>::once_control_, pthread_mutex_*). These headers pick the same unless told
// otherwise; anything else would give the library and us two different singletons and locks.
#if defined(I18N_PHONENUMBERS_USE_BOOST) || defined(I18N_PHONENUMBERS_USE_STDMUTEX)
#error "libphonenumber8 (Debian) uses the POSIX lock; see docs/decisions/0016"
#endif

namespace aisafe::detectors::pii {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberMatch;
using i18n::phonenumbers::PhoneNumberMatcher;
using i18n::phonenumbers::PhoneNumberUtil;

// National significant numbers are at most 17 digits (ITU-T E.164 allows 15 with the code).
constexpr int kMaxNationalLength = 17;

std::string digitsOf(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      d.push_back(c);
    }
  }
  return d;
}

bool has(std::uint32_t lengths, std::size_t n) {
  return n < 32 && (lengths & (std::uint32_t{1} << n)) != 0;
}

}  // namespace

const std::vector<std::string>& defaultPhoneRegions() {
  static const std::vector<std::string> kRegions = {
      "US", "CA", "GB", "IE", "DE", "AT", "CH", "FR", "BE", "NL", "ES", "PT", "IT",
      "DK", "SE", "NO", "FI", "IS", "PL", "CZ", "SK", "HU", "RO", "BG", "GR", "HR",
      "SI", "RS", "UA", "RU", "TR", "IL", "AE", "SA", "EG", "ZA", "NG", "KE", "MA",
      "IN", "PK", "BD", "CN", "HK", "TW", "JP", "KR", "SG", "MY", "TH", "ID", "PH",
      "VN", "AU", "NZ", "BR", "AR", "MX", "CO", "CL", "PE"};
  return kRegions;
}

Result<std::shared_ptr<const PhoneLibrary>> PhoneLibrary::create(std::vector<std::string> regions) {
  if (regions.empty()) {
    regions = defaultPhoneRegions();
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::set<std::string> supported;
  util.GetSupportedRegions(&supported);
  std::shared_ptr<PhoneLibrary> lib(new PhoneLibrary());
  std::string unknown;
  for (std::string code : regions) {
    std::transform(code.begin(), code.end(), code.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (supported.count(code) == 0) {
      unknown += (unknown.empty() ? "" : ", ") + code;
      continue;
    }
    if (std::find(lib->codes_.begin(), lib->codes_.end(), code) != lib->codes_.end()) {
      continue;
    }
    Region r;
    r.code = code;
    r.calling_code = util.GetCountryCodeForRegion(code);
    r.calling_digits = std::to_string(r.calling_code);
    util.GetNddPrefixForRegion(code, /*strip_non_digits=*/true, &r.trunk);
    for (auto type : {PhoneNumberUtil::FIXED_LINE, PhoneNumberUtil::MOBILE}) {
      PhoneNumber example;
      if (!util.GetExampleNumberForType(code, type, &example)) {
        continue;
      }
      std::string national;
      std::string significant;
      util.Format(example, PhoneNumberUtil::NATIONAL, &national);
      util.GetNationalSignificantNumber(example, &significant);
      std::string digits = digitsOf(national);
      const bool with_trunk = !r.trunk.empty() && digits.rfind(r.trunk, 0) == 0;
      if (type == PhoneNumberUtil::FIXED_LINE) {
        r.trunk_written = with_trunk;
      }
      if (with_trunk) {
        digits.erase(0, r.trunk.size());
      }
      r.transforms = r.transforms || digits != significant;
    }
    // Which lengths the region's numbers may have: libphonenumber answers by length alone.
    std::uint64_t national_number = 1;
    for (int n = 1; n <= kMaxNationalLength; ++n, national_number *= 10) {
      PhoneNumber probe;
      probe.set_country_code(r.calling_code);
      probe.set_national_number(2 * national_number);
      if (util.IsPossibleNumberWithReason(probe) == PhoneNumberUtil::IS_POSSIBLE) {
        r.lengths |= std::uint32_t{1} << n;
      }
    }
    lib->codes_.push_back(code);
    lib->regions_.push_back(std::move(r));
  }
  if (!unknown.empty()) {
    return invalidArgument("PII_PHONE_REGIONS: libphonenumber knows no region " + unknown +
                           " (ISO 3166-1 alpha-2 codes such as US, GB, DE)");
  }
  return std::shared_ptr<const PhoneLibrary>(std::move(lib));
}

std::optional<PhoneLibrary::Valid> PhoneLibrary::findValid(std::string_view number,
                                                           int& budget) const {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const std::string digits = digitsOf(number);
  const bool plus = !number.empty() && number.front() == '+';
  // The matcher reads the number as written; with a country code typed without its '+', it
  // reads it with one put in front.
  const auto confirm = [&](const Region& r, bool add_plus) -> std::optional<Valid> {
    if (budget < kMatcherCost) {
      return std::nullopt;
    }
    budget -= kMatcherCost;
    const std::string text = add_plus ? "+" + std::string(number) : std::string(number);
    PhoneNumberMatcher matcher(util, text, r.code, PhoneNumberMatcher::VALID, /*max_tries=*/1);
    PhoneNumberMatch match;
    if (!matcher.HasNext() || !matcher.Next(&match) ||
        digitsOf(match.raw_string()).size() != digits.size()) {
      return std::nullopt;  // not valid, or valid only in part: the shape decides then
    }
    const std::size_t shift = add_plus ? 1 : 0;
    const auto start = static_cast<std::size_t>(match.start());
    Valid v;
    v.begin = start > shift ? start - shift : 0;
    v.end = static_cast<std::size_t>(match.end()) - shift;
    v.region = r.code;
    return v;
  };
  // Is `national` (digits) a valid number of calling code `cc`? Read as libphonenumber stores
  // it: leading zeros (Italy's 02...) are flagged, not part of the integer.
  const auto valid = [&](int cc, std::string_view national) {
    if (budget < kCheckCost || national.empty() || national.size() > kMaxNationalLength) {
      return false;
    }
    budget -= kCheckCost;
    PhoneNumber n;
    n.set_country_code(cc);
    std::uint64_t value = 0;
    for (char c : national) {
      value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    n.set_national_number(value);
    const std::size_t zeros = national.find_first_not_of('0');
    if (zeros != 0 && zeros != std::string_view::npos) {
      n.set_italian_leading_zero(true);
      n.set_number_of_leading_zeros(static_cast<std::int32_t>(zeros));
    }
    return util.IsValidNumber(n);
  };
  if (plus) {
    // The number names its country: one check per calling code that prefixes it.
    for (const Region& r : regions_) {
      if (digits.rfind(r.calling_digits, 0) == 0 &&
          valid(r.calling_code, std::string_view(digits).substr(r.calling_digits.size()))) {
        return confirm(r, false);
      }
    }
    return std::nullopt;
  }
  // One reading per calling code and kind: regions sharing a code (US, CA) share its plan.
  std::vector<std::pair<int, int>> tried;
  const auto first = [&](int cc, int kind) {
    if (std::find(tried.begin(), tried.end(), std::pair{cc, kind}) != tried.end()) {
      return false;
    }
    tried.emplace_back(cc, kind);
    return true;
  };
  std::vector<const Region*> by_matcher;  // national numbers of regions that transform them
  for (const Region& r : regions_) {
    if (budget < kCheckCost) {
      break;
    }
    // National, with the trunk prefix ("0612345678") or where none is written ("4155550132").
    // A region that rewrites its national numbers ("011 15-2345-6789" is +54 9 11 2345-6789)
    // may change their length by a digit.
    const auto fits = [&](std::size_t n) {
      return has(r.lengths, n) ||
             (r.transforms && (has(r.lengths, n - 1) || has(r.lengths, n + 1)));
    };
    const bool with_trunk =
        !r.trunk.empty() && digits.rfind(r.trunk, 0) == 0 && fits(digits.size() - r.trunk.size());
    const bool without_trunk = !r.trunk_written && fits(digits.size());
    if ((with_trunk || without_trunk) && first(r.calling_code, 0)) {
      if (r.transforms) {
        by_matcher.push_back(&r);
      } else {
        const std::string_view national =
            with_trunk ? std::string_view(digits).substr(r.trunk.size()) : std::string_view(digits);
        if (valid(r.calling_code, national) ||
            (with_trunk && without_trunk && valid(r.calling_code, digits))) {
          if (auto v = confirm(r, false)) {
            return v;
          }
        }
      }
    }
    // A country code typed without its '+' ("44 20 7946 0958").
    if (digits.rfind(r.calling_digits, 0) == 0 &&
        has(r.lengths, digits.size() - r.calling_digits.size()) && first(r.calling_code, 1) &&
        valid(r.calling_code, std::string_view(digits).substr(r.calling_digits.size()))) {
      if (auto v = confirm(r, true)) {
        return v;
      }
    }
  }
  for (const Region* r : by_matcher) {
    if (auto v = confirm(*r, false)) {
      return v;
    }
  }
  return std::nullopt;
}

}  // namespace aisafe::detectors::pii
