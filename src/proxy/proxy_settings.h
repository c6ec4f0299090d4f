// The model proxy's configuration (docs/configuration.md, "Model proxy"), read from the
// environment by core/config and handed over by src/app. Immutable after start.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace aisafe::proxy {

struct ProxySettings {
  std::string upstream_url = "https://api.openai.com/v1";   // PROXY_UPSTREAM_URL, no trailing /
  std::string upstream_api_key;                             // PROXY_UPSTREAM_API_KEY; never logged
  std::string anthropic_url = "https://api.anthropic.com";  // PROXY_ANTHROPIC_URL, no trailing /
  std::string anthropic_api_key;  // PROXY_ANTHROPIC_API_KEY, sent as x-api-key; never logged
  // PROXY_PASSTHROUGH_AUTH: a caller's X-Upstream-Authorization goes upstream as Authorization.
  bool passthrough_auth = false;
  std::size_t stream_holdback_bytes = 256;  // PROXY_STREAM_HOLDBACK_BYTES
  // PROXY_STREAM_USAGE: ask streamed chat completions for their usage (decision 0026). Off for
  // an OpenAI-compatible upstream that refuses stream_options; its streams then count no tokens.
  bool ask_stream_usage = true;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds first_byte_timeout{120'000};  // a long answer is computed first
  std::chrono::milliseconds idle_timeout{60'000};         // between two pieces of an answer
  // Answers are read whole before they are scanned; a chat completion is a few KB.
  std::size_t max_response_bytes = std::size_t{16} << 20;
};

}  // namespace aisafe::proxy
