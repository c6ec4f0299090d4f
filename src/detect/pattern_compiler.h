// Compiling pattern rules into vectorscan databases. A compiled database is immutable and shared
// by all threads; each thread brings its own scratch (ScanScratch).
#pragma once

#include <memory>
#include <string>
#include <string_view>
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

// `pattern` with every counted repeat of kWideRepeat or more opened ("{1,16}" becomes "{1,}"), for
// finding where a match starts. Attack rules bound their gaps ("\\s{1,16}") because vectorscan
// scans bounded patterns several times faster, but tracking the leftmost start through wide
// bounded repeats makes databases too large to compile. The opened pattern matches everything
// the bounded one does, so the start it finds for a match's end is the bounded match's start or
// lies before it.
constexpr unsigned kWideRepeat = 16;
std::string openWideRepeats(std::string_view pattern);

// True when no match of `pattern` can hold ASCII white space, nor depend on what precedes its
// start (no "^", "\\A", look-behind): the start of a match ending at some offset then lies after
// the last white space before it. Decided from the pattern's text alone and conservatively:
// anything outside literals, positive classes, \\d, \\w, \\b and escaped punctuation answers no.
bool staysInOneToken(std::string_view pattern);

// Compiles all `rules` into one block-mode database; pattern i gets id i. Errors name the rule.
Result<HsDatabase> compileRules(const std::vector<const PatternRule*>& rules, bool som = true);

}  // namespace aisafe::detect
