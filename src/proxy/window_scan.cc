#include "proxy/window_scan.h"

#include <algorithm>

#include "proxy/scan_request.h"

namespace aisafe::proxy {
namespace json = boost::json;

std::vector<WindowRedaction> placeholdersOf(std::string_view text, std::string_view sanitized,
                                            std::vector<WindowRedaction> spans) {
  std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) {
    return a.start != b.start ? a.start < b.start : a.end > b.end;
  });
  std::vector<WindowRedaction> merged;
  for (const auto& s : spans) {
    if (!merged.empty() && s.start < merged.back().end) {
      merged.back().end = std::max(merged.back().end, s.end);
    } else {
      merged.push_back(s);
    }
  }
  // The text outside the spans is copied unchanged, so each placeholder starts where the copied
  // text before it ends; placeholders are "[NAME]" (or nothing).
  std::size_t text_pos = 0;
  std::size_t out_pos = 0;
  for (auto& m : merged) {
    if (m.end > text.size() || m.start < text_pos) {
      break;
    }
    out_pos += m.start - text_pos;
    std::size_t len = 0;
    if (out_pos < sanitized.size() && sanitized[out_pos] == '[') {
      const std::size_t close = sanitized.find(']', out_pos);
      len = close == std::string_view::npos ? 0 : close + 1 - out_pos;
    }
    m.placeholder = std::string(sanitized.substr(std::min(out_pos, sanitized.size()), len));
    out_pos += len;
    text_pos = m.end;
  }
  return merged;
}

boost::asio::awaitable<Result<WindowVerdict>> scanWindow(validation::ValidationService& service,
                                                         const http::RequestContext& ctx,
                                                         const std::string& policy_id,
                                                         std::string_view window,
                                                         const std::string& field, bool report) {
  validation::ValidationRequest request = validationRequestOf(ctx, policy_id);
  request.report = report;
  request.texts.push_back({.text = window, .surface = detect::Surface::kOutput, .field = field});
  auto result = co_await service.validate(request);
  if (!result) {
    co_return result.status();
  }
  WindowVerdict out;
  const validation::Verdict& verdict = result->texts.front().verdict;
  if (verdict.decision == "allow") {
    co_return out;
  }
  const json::value* detections = verdict.body.if_contains("detections");
  std::vector<WindowRedaction> spans;
  if (detections != nullptr && detections->is_array()) {
    for (const auto& d : detections->get_array()) {
      const auto& f = d.get_object();
      const auto* action = f.if_contains("action");
      const auto* start = f.if_contains("start");
      const auto* end = f.if_contains("end");
      if (action == nullptr || !action->is_string() || start == nullptr || end == nullptr) {
        continue;
      }
      if (action->get_string() == "block") {
        json::object finding;
        finding["field"] = field;
        for (const char* key : {"detector", "category", "type"}) {
          if (const auto* v = f.if_contains(key)) {
            finding[key] = *v;
          }
        }
        const std::string category = f.contains("category") && f.at("category").is_string()
                                         ? std::string(f.at("category").get_string())
                                         : std::string();
        if (!category.empty() && std::find(out.categories.begin(), out.categories.end(),
                                           category) == out.categories.end()) {
          out.categories.push_back(category);
        }
        out.findings.push_back(std::move(finding));
      } else if (action->get_string() == "redact") {
        spans.push_back({.start = static_cast<std::size_t>(start->to_number<std::int64_t>()),
                         .end = static_cast<std::size_t>(end->to_number<std::int64_t>())});
      }
    }
  }
  if (verdict.decision == "block") {
    out.block = true;
    co_return out;
  }
  const json::value* sanitized = verdict.body.if_contains("sanitized_" + field);
  if (sanitized != nullptr && sanitized->is_string() && !spans.empty()) {
    out.redactions = placeholdersOf(window, sanitized->get_string(), std::move(spans));
  }
  co_return out;
}

}  // namespace aisafe::proxy
