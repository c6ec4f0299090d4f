#include "detect/pipeline.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <numeric>
#include <tuple>

#include <hs/hs.h>

#include "detect/decoders.h"
#include "detect/deobfuscate.h"
#include "detect/pattern_compiler.h"

namespace aisafe::detect {
namespace {

// The longest a match of `rule` can be, in bytes; 0 when unbounded.
std::size_t maxWidth(const PatternRule& rule) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_expression_info(rule.pattern.c_str(), flagsFor(rule.pattern, rule.caseless, /*som=*/false),
                         &info, &err) != HS_SUCCESS) {
    hs_free_compile_error(err);
    return 0;
  }
  const unsigned w = info->max_width;
  std::free(info);
  return w == UINT_MAX ? 0 : w;
}

int onMatch(unsigned id, unsigned long long from, unsigned long long to, unsigned /*flags*/,
            void* ctx) {
  auto* scratch = static_cast<ScanScratch*>(ctx);
  if (id >= scratch->marker_base) {
    scratch->markers.add(id - scratch->marker_base);
    return 0;
  }
  if (scratch->matches.size() >= Pipeline::kMaxRawMatches) {
    scratch->matches_truncated = true;
    return 1;  // stop scanning
  }
  scratch->matches.push_back({id, from, to});
  return 0;
}

}  // namespace

Result<std::shared_ptr<const Pipeline>> Pipeline::build(
    std::vector<std::unique_ptr<const Detector>> detectors) {
  std::shared_ptr<Pipeline> p(new Pipeline());
  p->detectors_ = std::move(detectors);
  // The shipped rules go into one database scanned without start positions; the policy's own
  // (custom lists, small) into a second one with them.
  Group shipped, own;
  shipped.som = false;
  for (const auto& d : p->detectors_) {
    if (d->remoteChecker() != nullptr) {
      p->remote_.push_back(d.get());
    }
    if (d->textScanner() != nullptr) {
      p->scanners_.push_back(d.get());
    }
    const PatternSource* source = d->patternSource();
    if (source == nullptr) {
      continue;
    }
    Group& g = source->patternsPerPolicy() ? own : shipped;
    for (const auto& rule : source->patterns()) {
      g.rules.push_back(&rule);
      g.owners.push_back(d.get());
      g.sources.push_back(source);
    }
  }
  // The survey's markers ride along with the shipped rules: adding them costs the scan nothing
  // measurable, and looking every word up costs the survey a third of its time.
  p->marker_rules_ = markerRules();
  shipped.marker_base = static_cast<unsigned>(shipped.rules.size());
  for (const PatternRule& marker : p->marker_rules_) {
    shipped.rules.push_back(&marker);
    shipped.owners.push_back(nullptr);
    shipped.sources.push_back(nullptr);
  }
  for (Group* g : {&shipped, &own}) {
    if (g->rules.empty()) {
      continue;
    }
    AISAFE_TRY(g->db, sharedDatabase(g->rules, g->som));
    if (!g->som) {
      for (std::size_t id = 0; id < std::min<std::size_t>(g->rules.size(), g->marker_base); ++id) {
        const PatternRule* rule = g->rules[id];
        PatternRule opened = *rule;
        opened.pattern = openWideRepeats(rule->pattern);
        AISAFE_TRY(auto locator, sharedDatabase({&opened}, true));
        g->locators.push_back(std::move(locator));
        g->max_widths.push_back(maxWidth(*rule));
        g->token_local.push_back(staysInOneToken(rule->pattern));
      }
    }
    p->groups_.push_back(std::move(*g));
  }
  return std::shared_ptr<const Pipeline>(std::move(p));
}

std::size_t Pipeline::patternCount() const {
  std::size_t n = 0;
  for (const auto& g : groups_) {
    n += std::min<std::size_t>(g.rules.size(), g.marker_base);
  }
  return n;
}

Status Pipeline::scanGroup(const Group& g, std::string_view ntext, ScanScratch& scratch) const {
  scratch.matches.clear();
  if (ntext.empty()) {
    return Status::ok();
  }
  AISAFE_TRY(hs_scratch * hs, scratch.forDatabase(g.db->get(), g.db->serial()));
  scratch.marker_base = g.marker_base;
  const hs_error_t rc = hs_scan(g.db->get(), ntext.data(), static_cast<unsigned>(ntext.size()), 0,
                                hs, onMatch, &scratch);
  if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
    return internalError("vectorscan scan failed with code " + std::to_string(rc));
  }
  return Status::ok();
}

// Longest confirmed end per (rule, start); then per rule, no overlapping findings.
void Pipeline::confirmMatches(const Group& g, const NormalizedText& norm, Surface surface,
                              ScanScratch& scratch, Findings& out) const {
  const std::string_view ntext = norm.text();
  auto& m = scratch.matches;
  std::sort(m.begin(), m.end(), [](const RawMatch& a, const RawMatch& b) {
    if (a.id != b.id) {
      return a.id < b.id;
    }
    if (a.from != b.from) {
      return a.from < b.from;
    }
    return a.to > b.to;
  });
  for (std::size_t i = 0; i < m.size();) {
    const unsigned id = m[i].id;
    const PatternRule& rule = *g.rules[id];
    const Detector& owner = *g.owners[id];
    const bool applies = owner.surfaces().covers(surface);
    unsigned long long accepted_end = 0;
    bool have_accepted = false;
    while (i < m.size() && m[i].id == id) {
      const unsigned long long from = m[i].from;
      std::size_t j = i;
      bool confirmed = false;
      unsigned long long end = 0;
      for (std::size_t tried = 0; j < m.size() && m[j].id == id && m[j].from == from; ++j) {
        if (confirmed || !applies || tried >= kMaxEndsTried) {
          continue;
        }
        if (have_accepted && from < accepted_end) {
          continue;
        }
        ++tried;
        if (m[j].to <= from) {
          continue;
        }
        if (g.sources[id]->confirm(rule, ntext.substr(from, m[j].to - from))) {
          confirmed = true;
          end = m[j].to;
        }
      }
      if (confirmed) {
        out.push_back(makeFinding(owner, rule, norm, from, end));
        accepted_end = end;
        have_accepted = true;
      }
      i = j;
    }
  }
}

Finding Pipeline::makeFinding(const Detector& owner, const PatternRule& rule,
                              const NormalizedText& norm, std::size_t from, std::size_t to) {
  auto [ostart, oend] = norm.toOriginal(from, to);
  Finding f;
  f.detector = std::string(owner.name());
  f.rule_id = rule.id;
  f.category = rule.category;
  f.type = rule.type;
  f.severity = rule.severity;
  f.score = rule.score;
  f.start = ostart;
  f.end = oend;
  f.message = rule.description;
  f.redact_as = rule.redact_as;
  f.layer = "text";
  return f;
}

namespace {

// Finds the leftmost start of a match that ends exactly at `end` (relative to the scanned text).
struct LocateState {
  unsigned long long end;
  unsigned long long start;
  bool found;
};

int onLocate(unsigned /*id*/, unsigned long long from, unsigned long long to, unsigned /*flags*/,
             void* ctx) {
  auto* st = static_cast<LocateState*>(ctx);
  if (to == st->end && (!st->found || from < st->start)) {
    st->start = from;
    st->found = true;
  }
  return to > st->end ? 1 : 0;
}

// Where the token holding byte end - 1 starts: just after the last ASCII white space before
// `end`, or 0. npos when that is more than `limit` bytes back (a long token is located the
// ordinary way).
std::size_t tokenStart(std::string_view text, std::size_t end, std::size_t limit) {
  const std::size_t stop = end > limit ? end - limit : 0;
  for (std::size_t i = end; i > stop; --i) {
    const char c = text[i - 1];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      return i;
    }
  }
  return stop == 0 ? 0 : std::string_view::npos;
}

// Every match of one rule over a whole text, as (end, leftmost start) pairs.
struct AllStarts {
  std::vector<std::pair<unsigned long long, unsigned long long>> spans;
  bool truncated = false;
};

int onCollect(unsigned /*id*/, unsigned long long from, unsigned long long to, unsigned /*flags*/,
              void* ctx) {
  auto* all = static_cast<AllStarts*>(ctx);
  if (all->spans.size() >= Pipeline::kMaxRawMatches) {
    all->truncated = true;
    return 1;
  }
  all->spans.emplace_back(to, from);
  return 0;
}

// The tokens a rule's hits end in, copied into one buffer one '\n' apart and scanned at once
// with the rule's start-tracking database. Token-local rules never match white space, so no
// match spans two tokens, and the byte before and after each token reads as white space (or
// the edge of the text), as in the text: each token yields what scanning it alone yields.
struct TokenWindow {
  std::size_t hit;                 // which of the rule's ends
  unsigned long long token;        // where the token starts in the text
  unsigned long long batch_begin;  // where it starts in the buffer
  unsigned long long batch_end;    // where the hit ends in the buffer
  unsigned long long start = 0;    // leftmost start in the buffer of a match ending there
  bool found = false;
};

struct TokenBatch {
  std::string bytes;
  std::vector<TokenWindow> windows;  // in buffer order: batch_end ascending
};

int onTokenMatch(unsigned /*id*/, unsigned long long from, unsigned long long to,
                 unsigned /*flags*/, void* ctx) {
  auto& windows = static_cast<TokenBatch*>(ctx)->windows;
  const auto it = std::lower_bound(
      windows.begin(), windows.end(), to,
      [](const TokenWindow& w, unsigned long long offset) { return w.batch_end < offset; });
  if (it != windows.end() && it->batch_end == to && (!it->found || from < it->start)) {
    it->start = from;
    it->found = true;
  }
  return 0;
}

}  // namespace

// Matches without start positions: per rule, take ends from the last one down; locate each
// end's start with the rule's own database; ends inside a located span are the same hit.
// Locating an end rescans a window before it (the rule's longest match, or kLocateWindow); when
// a rule has so many ends that their windows add up to more than the text, one scan of the whole
// text with the rule's database yields every start at once (a long prompt full of addresses is
// then redacted whole, not only its first kMaxLocates hits).
Status Pipeline::locateMatches(const Group& g, const NormalizedText& norm, Surface surface,
                               ScanScratch& scratch, Findings& out) const {
  const std::string_view ntext = norm.text();
  auto& m = scratch.matches;
  std::sort(m.begin(), m.end(), [](const RawMatch& a, const RawMatch& b) {
    return a.id != b.id ? a.id < b.id : a.to > b.to;
  });
  std::size_t locates = 0;
  std::vector<unsigned long long> ends;
  AllStarts all;
  for (std::size_t i = 0; i < m.size();) {
    const unsigned id = m[i].id;
    const PatternRule& rule = *g.rules[id];
    const Detector& owner = *g.owners[id];
    const bool applies = owner.surfaces().covers(surface);
    ends.clear();
    for (; i < m.size() && m[i].id == id; ++i) {
      if (applies && m[i].to != 0 && (ends.empty() || ends.back() != m[i].to)) {
        ends.push_back(m[i].to);  // distinct, from the last one down
      }
    }
    if (ends.empty()) {
      continue;
    }
    const std::size_t width = g.max_widths[id];
    const unsigned long long back = width != 0 ? width : kLocateWindow;
    const CompiledDatabase& locator = *g.locators[id];
    AISAFE_TRY(hs_scratch * hs, scratch.forDatabase(locator.get(), locator.serial()));
    const auto scan_window = [&](unsigned long long begin, unsigned long long end,
                                 LocateState& st) -> Status {
      st = LocateState{end - begin, 0, false};
      const hs_error_t rc = hs_scan(locator.get(), ntext.data() + begin,
                                    static_cast<unsigned>(end - begin), 0, hs, onLocate, &st);
      if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
        return internalError("vectorscan scan failed with code " + std::to_string(rc));
      }
      if (st.found) {
        st.start += begin;
      }
      return Status::ok();
    };
    // A token-local rule rescans only the token each hit ends in (TokenBatch), within a budget
    // of twice the text; a hit in a token longer than `back`, or past the budget, is located as
    // below.
    thread_local TokenBatch batch;
    batch.bytes.clear();
    batch.windows.clear();
    if (g.token_local[id]) {
      std::size_t token_budget = 2 * ntext.size() + 4096;
      for (std::size_t k = 0; k < ends.size(); ++k) {
        const unsigned long long end = ends[k];
        const std::size_t token = tokenStart(ntext, end, back);
        if (token == std::string_view::npos || token >= end || end - token > token_budget) {
          continue;
        }
        token_budget -= end - token;
        const std::size_t batch_begin = batch.bytes.size();
        batch.bytes.append(ntext.substr(token, end - token));
        batch.windows.push_back({k, token, batch_begin, batch.bytes.size()});
        batch.bytes.push_back('\n');
      }
      if (!batch.windows.empty()) {
        const hs_error_t rc =
            hs_scan(locator.get(), batch.bytes.data(), static_cast<unsigned>(batch.bytes.size()), 0,
                    hs, onTokenMatch, &batch);
        if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
          return internalError("vectorscan scan failed with code " + std::to_string(rc));
        }
      }
    }
    int whole_text = -1;               // decided at the first hit located the ordinary way
    unsigned long long limit = ~0ULL;  // ends above this lie inside the last accepted hit
    const std::size_t rule_first = out.size();
    std::size_t next_window = 0;
    for (std::size_t k = 0; k < ends.size(); ++k) {
      const unsigned long long end = ends[k];
      const TokenWindow* window = nullptr;
      if (next_window < batch.windows.size() && batch.windows[next_window].hit == k) {
        window = &batch.windows[next_window++];
      }
      if (end > limit) {
        continue;
      }
      LocateState st{end, 0, false};
      if (window != nullptr) {
        st.found = window->found;
        st.start = window->token + (window->start - window->batch_begin);
      } else {
        if (whole_text < 0) {
          whole_text = ends.size() > 1 && ends.size() * back > ntext.size() ? 1 : 0;
          if (whole_text == 1) {
            if (locates >= kMaxLocates) {
              scratch.matches_truncated = true;
              break;
            }
            ++locates;
            all.spans.clear();
            all.truncated = false;
            const hs_error_t rc =
                hs_scan(locator.get(), ntext.data(), static_cast<unsigned>(ntext.size()), 0, hs,
                        onCollect, &all);
            if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
              return internalError("vectorscan scan failed with code " + std::to_string(rc));
            }
            if (all.truncated) {
              scratch.matches_truncated = true;
            }
            // By end, and for one end its leftmost start first.
            std::sort(all.spans.begin(), all.spans.end());
          }
        }
        if (whole_text == 1) {
          auto it = std::lower_bound(all.spans.begin(), all.spans.end(), std::pair{end, 0ULL});
          if (it != all.spans.end() && it->first == end) {
            st = LocateState{end, it->second, true};
          }
        } else {
          if (locates >= kMaxLocates) {
            scratch.matches_truncated = true;
            continue;
          }
          ++locates;
          for (unsigned long long begin : {end > back ? end - back : 0ULL, 0ULL}) {
            AISAFE_RETURN_IF_ERROR(scan_window(begin, end, st));
            if (st.found) {
              break;
            }
            if (begin == 0 || width != 0) {
              break;  // a bounded rule's start cannot be further back
            }
          }
        }
      }
      if (!st.found || st.start >= end) {
        continue;
      }
      if (!g.sources[id]->confirm(rule, ntext.substr(st.start, end - st.start))) {
        continue;
      }
      out.push_back(makeFinding(owner, rule, norm, st.start, end));
      limit = st.start;
    }
    // Found from the last one down: put them in text order, as the final sort wants them.
    std::reverse(out.begin() + static_cast<std::ptrdiff_t>(rule_first), out.end());
  }
  return Status::ok();
}

Status Pipeline::scanText(std::string_view text, Surface surface, ScanScratch& scratch,
                          Findings& out, Pass pass) const {
  const bool timed = scratch.time_stages;
  auto mark = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  const auto lap = [&](std::string_view stage) {
    if (!timed) {
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    scratch.stage_times.push_back({stage, now - mark});
    mark = now;
    scratch.stage_mark = now;
  };
  normalize(text, scratch.normalized);
  const NormalizedText& norm = scratch.normalized;
  for (const auto& g : groups_) {
    AISAFE_RETURN_IF_ERROR(scanGroup(g, norm.text(), scratch));
    if (g.som) {
      confirmMatches(g, norm, surface, scratch, out);
    } else {
      AISAFE_RETURN_IF_ERROR(locateMatches(g, norm, surface, scratch, out));
    }
  }
  lap("patterns");
  if (pass == Pass::kPatternsOnly) {
    return Status::ok();
  }
  const ScanInput input{text, norm, surface};
  for (const Detector* d : scanners_) {
    if (!d->surfaces().covers(surface)) {
      continue;
    }
    AISAFE_RETURN_IF_ERROR(d->textScanner()->scan(input, scratch, out));
    lap(d->name());
  }
  return Status::ok();
}

namespace {

// Spans first: comparing two integers rejects almost every pair before the strings are looked at.
bool sameFinding(const Finding& a, const Finding& b) {
  return a.start == b.start && a.end == b.end && a.rule_id == b.rule_id;
}

bool alreadyIn(const Findings& out, std::size_t from, const Finding& f) {
  for (std::size_t i = from; i < out.size(); ++i) {
    if (sameFinding(out[i], f)) {
      return true;
    }
  }
  return false;
}

// The de-obfuscated view is a guess; only what the attack rules say about it is worth keeping.
bool isAttack(const Finding& f) {
  return f.category == "prompt_injection" || f.category == "jailbreak";
}

}  // namespace

// Snake_case code and dotted names also open the view: its price is kept to the rules alone,
// over the parts of the view around what changed.
Status Pipeline::scanView(std::string_view text, Surface surface, ScanScratch& scratch,
                          Findings& out) const {
  DeobfuscatedView view;
  if (!deobfuscate(text, view)) {
    return Status::ok();
  }
  Findings part;
  const std::string_view vtext = view.text;
  for (const auto& [a, b] : view.windows(kViewContext)) {
    part.clear();
    AISAFE_RETURN_IF_ERROR(
        scanText(vtext.substr(a, b - a), surface, scratch, part, Pass::kPatternsOnly));
    for (Finding& f : part) {
      if (!isAttack(f) || f.end <= f.start) {
        continue;
      }
      const bool leet = view.hasLeet(f.start + a, f.end + a);
      std::tie(f.start, f.end) = view.toOriginal(f.start + a, f.end + a);
      f.layer = leet ? "leetspeak" : "spacing";
      f.message += leet ? " (after reading leetspeak digits as letters)"
                        : " (after undoing letter spacing and punctuation)";
      out.push_back(std::move(f));
    }
  }
  return Status::ok();
}

namespace {

// True when a finding of the same rule in out[from, to) overlaps `f`: the view found what the
// text itself already showed.
bool overlapsSameRule(const Findings& out, std::size_t from, std::size_t to, const Finding& f) {
  for (std::size_t i = from; i < to; ++i) {
    if (out[i].rule_id == f.rule_id && out[i].start < f.end && f.start < out[i].end) {
      return true;
    }
  }
  return false;
}

}  // namespace

Status Pipeline::scanHidden(std::string_view text, const Survey& survey, Surface surface,
                            ScanScratch& scratch, Findings& out, std::size_t plain_begin) const {
  const std::size_t plain_end = out.size();
  Findings found, viewed;
  if (survey.encoded || survey.rot13 || survey.reversed) {
    std::vector<DecodedLayer> layers;
    decodeLayers(text, survey, layers);
    for (std::size_t i = 0; i < layers.size(); ++i) {
      found.clear();
      AISAFE_RETURN_IF_ERROR(scanText(layers[i].text, surface, scratch, found));
      // A decoded text can be disguised or padded in turn (a long white-space run inside the
      // base64): its view's attack findings count as the layer's.
      if (surveyText(layers[i].text).obfuscated) {
        viewed.clear();
        AISAFE_RETURN_IF_ERROR(scanView(layers[i].text, surface, scratch, viewed));
        const std::size_t layer_end = found.size();
        for (Finding& f : viewed) {
          if (!overlapsSameRule(found, 0, layer_end, f)) {
            found.push_back(std::move(f));
          }
        }
      }
      for (Finding& f : found) {
        if (f.end <= f.start) {
          continue;  // nothing to point at in the original
        }
        std::tie(f.start, f.end) = originalSpan(layers, i, f.start, f.end);
        f.layer = layers[i].path;
        f.message += " (in text decoded from " + layers[i].path + ")";
        if (!alreadyIn(out, plain_begin, f)) {
          out.push_back(std::move(f));
        }
      }
    }
  }
  if (survey.obfuscated) {
    viewed.clear();
    AISAFE_RETURN_IF_ERROR(scanView(text, surface, scratch, viewed));
    for (Finding& f : viewed) {
      // Not what the same rule already matched in these bytes as sent, nor a repeat.
      if (overlapsSameRule(out, plain_begin, plain_end, f) || alreadyIn(out, plain_end, f)) {
        continue;
      }
      out.push_back(std::move(f));
    }
  }
  return Status::ok();
}

namespace {

// out[first..] in order of start, equal starts as found. A finding is large (seven strings) and
// a sort moves each many times, so the order is sorted as indices and each finding moved once;
// findings already in order (one rule's, say) are not moved at all.
void sortByStart(Findings& out, std::size_t first) {
  const auto begin = out.begin() + static_cast<std::ptrdiff_t>(first);
  const auto by_start = [](const Finding& a, const Finding& b) { return a.start < b.start; };
  if (std::is_sorted(begin, out.end(), by_start)) {
    return;
  }
  std::vector<std::size_t> order(out.size() - first);
  std::iota(order.begin(), order.end(), first);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return out[a].start < out[b].start; });
  Findings sorted;
  sorted.reserve(order.size());
  for (const std::size_t i : order) {
    sorted.push_back(std::move(out[i]));
  }
  std::move(sorted.begin(), sorted.end(), begin);
}

}  // namespace

Status Pipeline::scan(std::string_view text, Surface surface, ScanScratch& scratch,
                      Findings& out) const {
  const std::size_t first_new = out.size();
  scratch.matches_truncated = false;
  scratch.markers = {};
  scratch.stage_times.clear();
  scratch.time_stages = true;
  const Status plain = scanText(text, surface, scratch, out);
  scratch.time_stages = false;
  AISAFE_RETURN_IF_ERROR(plain);
  // The one pass every text pays for; a plain prompt stops here. The scan counted the survey's
  // markers in the bytes it read: they are the text's own when normalizing left it as it was
  // (plain ASCII, where the markers' patterns and the survey read words alike) and the scan
  // was not cut short.
  const auto hidden_start = scratch.stage_mark;  // where the last stage of scanText ended
  const bool counted = !groups_.empty() && groups_.front().marker_base != ~0U &&
                       scratch.normalized.unchanged() && !scratch.matches_truncated;
  const Survey survey = surveyText(text, counted ? &scratch.markers : nullptr);
  if (survey.any()) {
    AISAFE_RETURN_IF_ERROR(scanHidden(text, survey, surface, scratch, out, first_new));
  }
  scratch.stage_times.push_back({"hidden", std::chrono::steady_clock::now() - hidden_start});
  sortByStart(out, first_new);
  return Status::ok();
}

}  // namespace aisafe::detect
