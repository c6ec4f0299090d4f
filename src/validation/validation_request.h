// What every entry point hands the validation service (validation_service.h): who asks, under
// which policy, and one or more texts, each with the surface it comes from. The validate routes
// send one text; a model proxy sends a conversation's messages, each by role.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/monotonic_resource.hpp>

#include "detect/detector.h"
#include "telemetry/span.h"

namespace aisafe::validation {

// The caller, as the audit trail and the events name it.
struct Caller {
  std::string organization_id;
  std::string request_id;
  std::string api_key_id;  // empty unless an API key authenticated the request
  std::string user_id;     // empty unless a user (or a key owned by one) did
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// One text to check. `field` names it in the answer's evidence ("prompt", "response", or a
// message's path for a proxy), `surface` says which detectors read it.
struct TextInput {
  std::string_view text;
  detect::Surface surface = detect::Surface::kInput;
  std::string field = "prompt";
};

// Runs blocking work (a remote detector's call) off the I/O thread and resumes the request;
// co_returns false, without running it, when that lane is full. Empty: run it inline (tools,
// tests).
using Offload = std::function<boost::asio::awaitable<bool>(std::function<void()> work)>;

struct ValidationRequest {
  Caller caller;
  std::string policy_id;  // empty: the organization's default policy
  std::vector<TextInput> texts;
  // The system prompt the answers must not repeat (output texts only); never logged or stored.
  std::string_view system_prompt;
  Offload offload;
  telemetry::RequestTrace trace;  // default: not traced
  // Where rendered answers are allocated (the request's memory); null: the default resource.
  boost::json::monotonic_resource* memory = nullptr;
  // False: the decisions are not reported to the sinks (audit, events, metrics). A streamed
  // answer is scanned window by window as it flows; only its last scan, or the one that blocks
  // it, is the decision on record.
  bool report = true;
};

}  // namespace aisafe::validation
