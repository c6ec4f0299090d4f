// Webhook URLs as endpoint creation checks them (webhooks/endpoint_service.h checkUrl) and the
// address parsing behind it (webhooks/address_policy.h): any bytes, no crash; a host that both
// inet_pton and inet_aton read is the same address to both; and a URL accepted with private
// addresses refused never names a loopback, private or link-local IPv4 address in any spelling.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

#include "storage/database.h"
#include "storage/webhook_endpoint_repository.h"
#include "webhooks/address_policy.h"
#include "webhooks/endpoint_service.h"
#include "webhooks/secret_box.h"

namespace {

namespace webhooks = aisafe::webhooks;

constexpr std::size_t kMaxInputBytes = 4096;  // URLs over 2048 bytes are refused unread

void require(bool ok) {
  if (!ok) {
    std::abort();
  }
}

// checkUrl reads nothing from the database; the service needs one to exist.
struct Services {
  std::unique_ptr<aisafe::storage::Database> db;
  std::unique_ptr<aisafe::storage::WebhookEndpointRepository> repo;
  webhooks::SecretBox box{std::string(32, 'k')};
  std::unique_ptr<webhooks::EndpointService> strict;
  std::unique_ptr<webhooks::EndpointService> lenient;
};

const Services& services() {
  static const Services* s = [] {
    auto* out = new Services;
    auto db = aisafe::storage::Database::open("sqlite://:memory:", 1);
    require(db.isOk());
    out->db = std::move(*db);
    out->repo = std::make_unique<aisafe::storage::WebhookEndpointRepository>(*out->db);
    out->strict = std::make_unique<webhooks::EndpointService>(*out->repo, out->box,
                                                              webhooks::EndpointOptions{});
    out->lenient = std::make_unique<webhooks::EndpointService>(
        *out->repo, out->box, webhooks::EndpointOptions{.allow_http = true, .allow_private = true});
    return out;
  }();
  return *s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInputBytes) {
    return -1;
  }
  const std::string input(reinterpret_cast<const char*>(data), size);

  // The host parsers on their own.
  const auto aton = webhooks::parseInetAton(input);
  (void)webhooks::isInternalName(input);
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(input, ec);
  if (!ec) {
    (void)webhooks::isPublicAddress(address);
    if (aton && address.is_v4()) {
      require(address.to_v4() == *aton);
    }
  }
  if (aton) {
    (void)webhooks::isPublicAddress(*aton);
  }

  // The whole check, as creation runs it.
  const auto& s = services();
  (void)s.lenient->checkUrl(input);
  const auto strict = s.strict->checkUrl(input);
  if (strict.isOk()) {
    auto url = boost::urls::parse_absolute_uri(input);
    require(static_cast<bool>(url));
    // The host as a client would use it: percent-decoded, lower case, no trailing dot.
    std::string host = url->host();
    while (!host.empty() && host.back() == '.') {
      host.pop_back();
    }
    for (auto& c : host) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (const auto v4 = webhooks::parseInetAton(host)) {
      require(webhooks::isPublicAddress(*v4));
    }
  }
  return 0;
}
