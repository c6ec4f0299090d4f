// The OpenTelemetry GenAI attributes a proxied request's server span gets from its model call.
#include "proxy/model_call.h"

#include <vector>

#include <gtest/gtest.h>

namespace aisafe::proxy {
namespace {

class CollectingSink final : public telemetry::SpanSink {
 public:
  void submit(telemetry::SpanData&& span) override { spans.push_back(std::move(span)); }
  std::vector<telemetry::SpanData> spans;
};

const telemetry::AttributeValue* attribute(const telemetry::SpanData& span, std::string_view key) {
  for (const auto& a : span.attributes) {
    if (a.key == key) {
      return &a.value;
    }
  }
  return nullptr;
}

TEST(ModelCallTest, TheServerSpanCarriesTheGenAiAttributes) {
  CollectingSink sink;
  const telemetry::Tracer tracer(telemetry::TracerOptions{.enabled = true, .sampling_ratio = 1.0},
                                 &sink);
  {
    telemetry::Span server = tracer.start("POST /v1/chat/completions", telemetry::SpanKind::kServer,
                                          telemetry::SpanContext{});
    http::RequestContext ctx;
    ctx.trace.tracer = &tracer;
    ctx.trace.server = &server;
    setGenAiAttributes(ctx,
                       ModelCall{.provider = "openai",
                                 .operation = "chat",
                                 .request_model = "gpt-4o",
                                 .response_model = "gpt-4o-2024-08-06",
                                 .status = 200,
                                 .first_byte_seconds = 0.2,
                                 .usage = TokenUsage{.prompt_tokens = 12, .completion_tokens = 5}});
  }
  ASSERT_EQ(sink.spans.size(), 1u);
  const auto& span = sink.spans[0];
  EXPECT_EQ(std::get<std::string>(*attribute(span, "gen_ai.system")), "openai");
  EXPECT_EQ(std::get<std::string>(*attribute(span, "gen_ai.operation.name")), "chat");
  EXPECT_EQ(std::get<std::string>(*attribute(span, "gen_ai.request.model")), "gpt-4o");
  EXPECT_EQ(std::get<std::string>(*attribute(span, "gen_ai.response.model")), "gpt-4o-2024-08-06");
  EXPECT_EQ(std::get<std::int64_t>(*attribute(span, "gen_ai.usage.input_tokens")), 12);
  EXPECT_EQ(std::get<std::int64_t>(*attribute(span, "gen_ai.usage.output_tokens")), 5);
}

TEST(ModelCallTest, NoUsageNoTokenAttributesAndNoSpanNoWork) {
  CollectingSink sink;
  const telemetry::Tracer tracer(telemetry::TracerOptions{.enabled = true, .sampling_ratio = 1.0},
                                 &sink);
  {
    telemetry::Span server =
        tracer.start("POST /v1/embeddings", telemetry::SpanKind::kServer, telemetry::SpanContext{});
    http::RequestContext ctx;
    ctx.trace.server = &server;
    setGenAiAttributes(ctx, ModelCall{.provider = "openai", .operation = "embeddings"});
  }
  ASSERT_EQ(sink.spans.size(), 1u);
  EXPECT_NE(attribute(sink.spans[0], "gen_ai.system"), nullptr);
  EXPECT_EQ(attribute(sink.spans[0], "gen_ai.usage.input_tokens"), nullptr);
  EXPECT_EQ(attribute(sink.spans[0], "gen_ai.request.model"), nullptr);

  http::RequestContext untraced;  // tracing off: nothing to set, nothing fails
  setGenAiAttributes(untraced, ModelCall{.provider = "anthropic"});
}

}  // namespace
}  // namespace aisafe::proxy
