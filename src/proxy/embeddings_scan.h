// Which texts of an OpenAI embeddings request the proxy scans: every input, as a prompt. A text
// sent to be embedded ends up in a vector index that answers later prompts, so an injection or a
// secret stored there comes back as retrieved content; checking it on the way in keeps it out.
//
// Strictness: inputs given as token ids (an array of integers, or of such arrays) cannot be read
// without the model's tokenizer, so they are refused rather than passed unscanned.
#pragma once

#include <boost/json/object.hpp>

#include "core/status.h"
#include "proxy/chat_scan.h"

namespace aisafe::proxy {

// A request body of POST /v1/embeddings. Errors: kInvalidArgument naming the field ("input" is
// required; reason "unscannable_input" for token ids).
Result<ScanPlan> planEmbeddingsRequest(boost::json::object& body);

}  // namespace aisafe::proxy
