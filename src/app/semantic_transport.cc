#include "app/semantic_transport.h"

#include "http/outbound_client.h"

namespace aisafe::app {
namespace {

class HttpSemanticTransport final : public detectors::semantic::Transport {
 public:
  Result<detectors::semantic::TransportResponse> post(
      const detectors::semantic::TransportRequest& in) const override {
    http::OutboundRequest request;
    request.method = "POST";
    request.url = in.url;
    request.headers = in.headers;
    request.body = in.body;
    request.connect_timeout = in.connect_timeout;
    request.timeout = in.timeout;
    request.max_response_bytes = in.max_response_bytes;
    AISAFE_TRY(http::OutboundResponse response, pool_.send(request));
    return detectors::semantic::TransportResponse{response.status, std::move(response.body)};
  }

 private:
  // The pool is thread-safe; post() is const because sending changes no observable state.
  mutable http::OutboundPool pool_;
};

}  // namespace

std::unique_ptr<const detectors::semantic::Transport> makeHttpSemanticTransport() {
  return std::make_unique<HttpSemanticTransport>();
}

}  // namespace aisafe::app
