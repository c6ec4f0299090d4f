// A Pipeline is what a policy compiles into: its detectors plus ONE vectorscan database holding
// every pattern of the shipped detectors, scanned once over the normalized text (and, only when
// the policy has custom lists, a second small database of its own: see decision 0006). Candidate
// matches are confirmed by their detector (validators), mapped back to byte spans of the original
// text and returned as findings; turning findings into a decision is the policy's job. Immutable
// once built and shared by all threads; swap pipelines with shared_ptr so requests in flight finish
// on the one they started with.
// Attacks that hide: one cheap survey pass (survey.h) decides whether the text may carry encoded
// payloads or spacing/leetspeak tricks; only then are the decoded layers (decoders.h) and the
// de-obfuscated view (deobfuscate.h) scanned by the same rules and detectors, and their findings
// mapped back to the original bytes with `layer` naming the decoding (docs/encoded-attacks.md).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/database_cache.h"
#include "detect/detector.h"
#include "detect/survey.h"

namespace aisafe::detect {

class Pipeline {
 public:
  // Past this many raw matches in one text the scan stops: bounded work per request, whatever
  // the text. Findings up to that point are kept and the report says the scan was truncated.
  static constexpr std::size_t kMaxRawMatches = 100'000;
  // Only the longest few ends of matches sharing a start are offered to validators.
  static constexpr std::size_t kMaxEndsTried = 8;
  // Rules scanned without start positions find their start by rescanning at most this many
  // bytes before the match end with a database of that rule alone (the whole prefix if needed).
  static constexpr std::size_t kLocateWindow = 4096;
  // Bound on such rescans per text and group: an adversarial text full of attack phrases
  // costs at most this many small scans; the decision needs only one.
  static constexpr std::size_t kMaxLocates = 64;

  static Result<std::shared_ptr<const Pipeline>> build(
      std::vector<std::unique_ptr<const Detector>> detectors);

  // Scans valid UTF-8 `text` as `surface`, appending findings (ordered by start offset): those
  // of the text as sent (layer "text"), of its decoded layers ("base64", "hex>base64", ...: the
  // span is the encoded segment) and attack findings of its de-obfuscated view ("spacing",
  // "leetspeak"). Thread-safe; `scratch` must belong to the calling thread. Never throws.
  Status scan(std::string_view text, Surface surface, ScanScratch& scratch, Findings& out) const;

  std::size_t patternCount() const;
  const std::vector<std::unique_ptr<const Detector>>& detectors() const { return detectors_; }
  // The policy's remote detectors (Detector::remoteChecker()): scan() skips them; the caller runs
  // their check() where it may block.
  const std::vector<const Detector*>& remoteDetectors() const { return remote_; }

 private:
  Pipeline() = default;

  // One compiled database and the rules behind its ids.
  struct Group {
    std::vector<const PatternRule*> rules;      // index = vectorscan id
    std::vector<const Detector*> owners;        // index = vectorscan id
    std::vector<const PatternSource*> sources;  // the owners as pattern sources, same index
    std::shared_ptr<const CompiledDatabase> db;
    bool som = true;  // matches carry their leftmost start
    // Ids from here on are the survey's markers (markerRules()), counted, not rules.
    unsigned marker_base = ~0U;
    // Without som: one database per rule, with start positions, to locate a hit's start, and
    // how far back from a hit's end its start can be (0: unbounded).
    std::vector<std::shared_ptr<const CompiledDatabase>> locators;
    std::vector<std::size_t> max_widths;
    // Rules whose matches never hold white space (staysInOneToken): a hit's start is looked
    // for only in the token it ends in (an email address, not the 4 KB before it).
    std::vector<bool> token_local;
  };

  // Which detectors a pass runs: all of them, or only the pattern rules (the de-obfuscated view
  // exists for the attack rules; the whole-text detectors have seen the text as sent).
  enum class Pass { kAll, kPatternsOnly };
  // The text as given (a request's text or a decoded layer): normalize, match, confirm, then the
  // whole-text detectors. Findings carry spans into `text` and layer "text"; not sorted.
  Status scanText(std::string_view text, Surface surface, ScanScratch& scratch, Findings& out,
                  Pass pass = Pass::kAll) const;
  // Decoded layers and the de-obfuscated view of `text`, when the survey saw signs of them.
  // out[plain_begin..] holds what the text itself yielded.
  Status scanHidden(std::string_view text, const Survey& survey, Surface surface,
                    ScanScratch& scratch, Findings& out, std::size_t plain_begin) const;
  // Attack findings of the de-obfuscated view of `text` (the rules only, in windows around what
  // changed), with spans into `text` and layer "leetspeak" or "spacing".
  Status scanView(std::string_view text, Surface surface, ScanScratch& scratch,
                  Findings& out) const;
  Status scanGroup(const Group& g, std::string_view ntext, ScanScratch& scratch) const;
  void confirmMatches(const Group& g, const NormalizedText& norm, Surface surface,
                      ScanScratch& scratch, Findings& out) const;
  Status locateMatches(const Group& g, const NormalizedText& norm, Surface surface,
                       ScanScratch& scratch, Findings& out) const;
  static Finding makeFinding(const Detector& owner, const PatternRule& rule,
                             const NormalizedText& norm, std::size_t from, std::size_t to);

  std::vector<std::unique_ptr<const Detector>> detectors_;
  std::vector<Group> groups_;  // the shipped rules, then the policy's own
  std::vector<const Detector*> remote_;
  std::vector<const Detector*> scanners_;  // the text scanners, in the policy's order
  // Scanned with the shipped rules, so the survey need not look words up (survey.h).
  std::vector<PatternRule> marker_rules_;
};

}  // namespace aisafe::detect
