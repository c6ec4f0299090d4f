// Token usage of one proxied model call (issue 23, "Tokens, cost and limits"): what the upstream
// reported in its answer's `usage`, read for each provider's shape, and the one change the proxy
// makes to a streamed chat request so that the upstream reports it at all.
//
// Not here: counting it (the ModelCallSink given to the Proxy, wired in src/app) nor limits.
// Pure functions over parsed JSON; no I/O, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

namespace aisafe::proxy {

struct TokenUsage {
  std::int64_t prompt_tokens = 0;      // OpenAI prompt_tokens, Anthropic input_tokens
  std::int64_t completion_tokens = 0;  // OpenAI completion_tokens, Anthropic output_tokens
};

// OpenAI's `usage` of a chat completion, an embeddings answer (no completion_tokens: 0) or a
// stream's usage chunk. nullopt when the answer has no usage object or its prompt_tokens is not
// a non-negative integer: an upstream that reports nothing is recorded as reporting nothing.
std::optional<TokenUsage> openAiUsage(const boost::json::object& answer);

// OpenAI's `usage` read from an answer's raw bytes when it is the top-level object's last
// member, as OpenAI writes it, without parsing the rest: an embeddings answer is mostly floats
// (megabytes for a batch) that the proxy passes through as bytes, and parsing them all only to
// count tokens would cost more than the rest of the request. nullopt when the last member is
// not `usage` or does not parse; the caller then parses the whole answer.
std::optional<TokenUsage> trailingOpenAiUsage(std::string_view answer);

// Anthropic's `usage` of a message: input_tokens and output_tokens.
std::optional<TokenUsage> anthropicUsage(const boost::json::object& answer);

// The answer's "model" (the model that answered, which may name a dated version of the one
// asked for); empty when absent or not a string.
std::string modelOf(const boost::json::object& body);

// What askForStreamUsage() did to a streamed chat request.
enum class StreamUsageAsk {
  kCallerAsked,  // include_usage was already true (or a value the upstream refuses): unchanged
  kAddedOptions,  // there was no stream_options: {"include_usage": true} was added
  kSetInOptions,  // stream_options lacked include_usage or had it false: it was set to true
};

// Makes a streamed chat request ask for the usage chunk: `stream_options.include_usage` is set
// to true unless the caller set it already (or set a non-boolean, which the upstream refuses as
// the caller wrote it; a `stream_options` that is not an object is left alone the same way).
// Unless the answer is kCallerAsked, the relay removes the usage chunk and the `usage` field of
// the other chunks from what the caller sees, so the caller gets the stream it asked for.
// Call it after the request was scanned: it adds a member to `request`.
StreamUsageAsk askForStreamUsage(boost::json::object& request);

// The caller's raw body with `"stream_options":{"include_usage":true},` inserted right after its
// opening brace, every other byte as received: the forwarded body stays the scanned one plus
// that member (the one documented exception to "the bytes forwarded are the bytes received").
// `raw` is a JSON object with at least one member and no stream_options (kAddedOptions).
std::string withStreamUsageOption(std::string_view raw);

// Takes out of a streamed chunk what include_usage put there, for a caller that did not ask for
// it: true when the whole chunk is the usage-only one (`choices` empty and `usage` an object,
// which OpenAI sends last, before [DONE]) and is to be dropped; otherwise the chunk's `usage`
// member (OpenAI adds `"usage": null` to every other chunk) is erased and false returned.
bool removeStreamUsage(boost::json::object& chunk);

}  // namespace aisafe::proxy
