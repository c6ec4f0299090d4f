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

// True when `pattern` means something else read as UTF-8 than read byte by byte: it holds a
// non-ASCII byte, '.', a negated class (or any '^' in a class), or an escape other than \\d \\w
// \\s \\b \\B \\n \\r \\t \\f and escaped punctuation (\\x.., \\S, \\p{..}, \\Q, ...: each could
// match a byte of a multi-byte character). Decided from the text alone, conservatively.
// Every other pattern matches only ASCII bytes, so reading the text as bytes finds the same
// matches, once the normalizer has folded the two characters UTF-8 caseless mode equates with
// ASCII letters (U+212A KELVIN SIGN, U+017F LONG S). Vectorscan scans such patterns faster
// without UTF-8 mode (the shipped database: about 20%, docs/decisions/0014).
bool readsCodePoints(std::string_view pattern);

// The vectorscan flags a pattern compiles with: UTF-8 where it reads code points
// (readsCodePoints), caseless if asked, and leftmost start of match when `som` (exact spans
// cost about 5x scan speed on the shipped injection rules).
unsigned flagsFor(std::string_view pattern, bool caseless, bool som = true);

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
