// A streamed chat completion (stream: true) relayed from the upstream to the caller, scanned as
// it flows (issue 23). Each text the answer streams (a choice's content, each tool call's
// arguments) has its own hold-back window (held_text.h): after every delta the window is scanned
// as output, and only text that can no longer be part of an unseen finding leaves. A block ends
// the caller's stream with a chunk whose finish_reason is "content_filter" (and aisafe's
// evidence), then [DONE], and closes the upstream connection; nothing the finding covers was
// sent. PII is redacted in flight. Other chunk fields (role, finish_reason) pass as they are;
// usage is read, and removed when the proxy asked for it on the caller's behalf (usage.h). A caller that disconnects closes the upstream connection at once.
//
// The windows are scanned without reporting; at the end one reported validation of each whole
// text (capped at kMaxAuditedBytes) is the decision on record, so a streamed answer is one audit
// record per text, as a non-streamed one is.
#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "http/outbound_stream.h"
#include "http/request_context.h"
#include "http/response.h"
#include "http/response_stream.h"
#include "proxy/usage.h"
#include "validation/validation_service.h"

namespace aisafe::proxy {

struct StreamRelaySettings {
  std::size_t holdback_bytes = 256;
  std::size_t max_event_bytes = std::size_t{1} << 20;    // one SSE event of the upstream
  std::size_t max_audited_bytes = std::size_t{1} << 20;  // of each text, for the final record
};

// What the relay learned of the stream's usage, and whether the caller is to see it.
struct StreamUsage {
  bool strip = false;  // in: remove the usage-only chunk and every chunk's `usage` field
  std::optional<TokenUsage> tokens;  // out: from the chunk that carried usage
  std::string model;                 // out: the chunks' "model"
};

// Relays `upstream` (a 200 text/event-stream answer) to `out`. The Response returned is for the
// request observer only (the answer has been sent); ctx.decision says allow, redact or block.
boost::asio::awaitable<http::Response> relayChatStream(
    validation::ValidationService& service, http::RequestContext& ctx, const std::string& policy_id,
    http::OutboundStream& upstream, http::ResponseStream& out, const StreamRelaySettings& settings,
    StreamUsage& usage);

}  // namespace aisafe::proxy
