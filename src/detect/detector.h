// The detector seam. A detector is a small immutable object built once from configuration by its
// factory and shared by all threads (Envoy's filter shape). It is one or more kinds: a pattern
// source contributes rules to the policy's ONE combined vectorscan database and confirms
// candidate matches; a text scanner reads the whole text (invisible characters, the classifier);
// a remote checker asks a service. Checks of a model's answer that need the request (canaries,
// the system prompt) are output checks (output_check.h).
// Per-request mutable state lives in ScanScratch, one per thread (vectorscan's scratch rule).
// Adding a detector: a folder under src/detectors/<name>/ and one line in registry.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/status.h"
#include "detect/finding.h"
#include "detect/normalizer.h"
#include "detect/rule_set.h"
#include "detect/survey.h"

struct hs_scratch;
struct hs_database;

namespace aisafe::detect {

struct ScanInput {
  std::string_view original;         // the text as sent; finding offsets point into it
  const NormalizedText& normalized;  // what patterns ran over
  Surface surface;
};

struct RawMatch {
  unsigned id;
  unsigned long long from;
  unsigned long long to;
};

// Mutable scan state for one thread. Not thread-safe: keep one per thread (thread_local).
class ScanScratch {
 public:
  ScanScratch() = default;
  ScanScratch(const ScanScratch&) = delete;
  ScanScratch& operator=(const ScanScratch&) = delete;
  ~ScanScratch();

  // vectorscan scratch space large enough for `db` (grown on first use with a new database).
  // `serial` identifies the database for its whole life: addresses can be reused after a free.
  Result<hs_scratch*> forDatabase(const hs_database* db, std::uint64_t serial);

  NormalizedText normalized;
  std::vector<RawMatch> matches;
  bool matches_truncated = false;
  // The survey's marker words (survey.h) met by the combined scan, and the first id of the
  // database being scanned that is a marker rather than a rule (none: the maximum).
  MarkerCounts markers;
  unsigned marker_base = ~0U;

  // Where the last Pipeline::scan() spent its time: "patterns" (normalizing, the combined scan,
  // confirming), each whole-text detector by name, and "hidden" (decoded layers and the
  // de-obfuscated view, when the survey asked for them). For the detector latency metric.
  struct StageTime {
    std::string_view stage;  // a detector's name or a literal: valid as long as the pipeline
    std::chrono::nanoseconds elapsed;
  };
  std::vector<StageTime> stage_times;
  bool time_stages = false;  // set by Pipeline::scan while it scans the text as sent
  // When the last timed stage ended: the next one starts there, without reading the clock again.
  std::chrono::steady_clock::time_point stage_mark;

 private:
  hs_scratch* hs_ = nullptr;
  std::vector<std::uint64_t> sized_for_;  // databases the scratch is known to fit
};

// What a remote detector is asked: the text, the surface, and until when it may take.
struct RemoteCheck {
  std::string_view text;
  Surface surface = Surface::kInput;
  std::chrono::steady_clock::time_point deadline;
  std::string traceparent;       // W3C trace context for the outgoing call; empty: none
  std::string_view text_sha256;  // hex SHA-256 of `text` when the caller has it; empty: none
};

// The kinds of detector, one small interface each. A detector is one or more of them (the pii
// detector is both a pattern source and a text scanner); the pipeline asks each detector which
// it is once, when a policy is compiled.

// Contributes rules to the policy's combined vectorscan database, and confirms each candidate
// match the database finds.
class PatternSource {
 public:
  virtual ~PatternSource() = default;
  virtual const std::vector<PatternRule>& patterns() const = 0;
  // Accepts or rejects a candidate (`matched` is the normalized text of the match). Default:
  // the rule's validator, if any.
  virtual bool confirm(const PatternRule& rule, std::string_view matched) const;
  // True when patterns() differ from policy to policy (custom lists): they are compiled into a
  // small database of the policy's own, so saving a policy never recompiles the shipped rules.
  virtual bool patternsPerPolicy() const { return false; }
};

// Reads the whole text (normalized), beyond patterns: invisible characters, the classifier.
class TextScanner {
 public:
  virtual ~TextScanner() = default;
  // Thread-safe, non-blocking, never throws.
  virtual Status scan(const ScanInput& in, ScanScratch& scratch, Findings& out) const = 0;
};

// Asks a service over the network. The pipeline never runs it: a round trip blocks, so the
// validation service calls check() after the local scan, off the I/O threads and within the
// request's budget, and answers degraded when the service fails.
class RemoteChecker {
 public:
  virtual ~RemoteChecker() = default;
  // Blocking, thread-safe, never throws. Appends findings (a finding's span covers what the
  // service judged). An error means "no verdict": timeout, breaker open, unreadable answer.
  virtual Status check(const RemoteCheck& in, Findings& out) const = 0;
  // Non-blocking: the verdict from this process's memory, when there is one (appends its
  // findings and returns true), so the caller can skip the hop to a thread that may block.
  virtual bool checkCached(const RemoteCheck& /*in*/, Findings& /*out*/) const { return false; }
};

// What every detector is: a name, the surfaces it reads, and the kinds above it implements
// (each accessor returns this detector as that kind, or null).
class Detector {
 public:
  virtual ~Detector() = default;
  virtual std::string_view name() const = 0;
  virtual SurfaceSet surfaces() const = 0;
  virtual const PatternSource* patternSource() const { return nullptr; }
  virtual const TextScanner* textScanner() const { return nullptr; }
  virtual const RemoteChecker* remoteChecker() const { return nullptr; }
};

class DetectorFactory {
 public:
  virtual ~DetectorFactory() = default;
  // The name policies use, e.g. "pii".
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  // Builds a detector from the policy's configuration for it (null when the policy has none).
  // Errors are the policy author's: they say which field is wrong and why.
  virtual Result<std::unique_ptr<const Detector>> create(
      const boost::json::value& config) const = 0;
};

}  // namespace aisafe::detect
