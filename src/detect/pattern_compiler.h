// Compiling pattern rules into vectorscan databases. A compiled database is immutable and shared
// by all threads; each thread brings its own scratch (ScanScratch).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "detect/rule_set.h"

struct hs_database;

namespace aisafe::detect {

struct HsDatabaseDeleter {
  void operator()(hs_database* db) const;
};
using HsDatabase = std::unique_ptr<hs_database, HsDatabaseDeleter>;

// The vectorscan flags a rule compiles with: UTF-8, caseless if asked, and leftmost start of
// match when `som` (exact spans cost about 5x scan speed on the shipped injection rules).
unsigned flagsFor(bool caseless, bool som = true);

// Checks one pattern alone; the error is vectorscan's reason (for 422 answers to policy authors).
Status checkPattern(const std::string& pattern, bool caseless);

// Compiles all `rules` into one block-mode database; pattern i gets id i. Errors name the rule.
Result<HsDatabase> compileRules(const std::vector<const PatternRule*>& rules, bool som = true);

}  // namespace aisafe::detect
