#include "detect/detector.h"

#include <hs/hs.h>

namespace aisafe::detect {

ScanScratch::~ScanScratch() {
  if (hs_ != nullptr) {
    hs_free_scratch(hs_);
  }
}

Result<hs_scratch*> ScanScratch::forDatabase(const hs_database* db, std::uint64_t serial) {
  for (std::uint64_t s : sized_for_) {
    if (s == serial) {
      return hs_;
    }
  }
  // Grows the scratch when needed and never shrinks it, so it keeps fitting every database it
  // was sized for: one scratch per thread serves every policy.
  if (hs_alloc_scratch(db, &hs_) != HS_SUCCESS) {
    return internalError("cannot allocate vectorscan scratch space");
  }
  if (sized_for_.size() >= 256) {
    sized_for_.clear();  // bounded; a re-check is cheap
  }
  sized_for_.push_back(serial);
  return hs_;
}

bool PatternSource::confirm(const PatternRule& rule, std::string_view matched) const {
  return rule.validator == nullptr || rule.validator(matched);
}

}  // namespace aisafe::detect
