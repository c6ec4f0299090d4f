// EndpointService::checkUrl, the check a webhook URL passes when it is stored (issue 22): the
// disguised inward URLs are refused with a clear message, ordinary public ones pass.
#include <memory>

#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/webhook_endpoint_repository.h"
#include "webhooks/endpoint_service.h"
#include "webhooks/secret_box.h"

namespace aisafe::webhooks {
namespace {

class CheckUrlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::Database::open("sqlite://:memory:", 1);  // checkUrl reads nothing
    ASSERT_TRUE(db.isOk()) << db.status().message();
    db_ = std::move(*db);
    repo_ = std::make_unique<storage::WebhookEndpointRepository>(*db_);
    service_ = std::make_unique<EndpointService>(*repo_, box_, EndpointOptions{.allow_http = true});
  }

  std::string check(const std::string& url) {
    const Status st = service_->checkUrl(url);
    return st.isOk() ? "ok" : st.message();
  }

  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::WebhookEndpointRepository> repo_;
  SecretBox box_{std::string(32, 'k')};
  std::unique_ptr<EndpointService> service_;
};

TEST_F(CheckUrlTest, PublicUrlsPass) {
  EXPECT_EQ(check("https://hooks.example.com/aisafe"), "ok");
  EXPECT_EQ(check("https://93.184.216.34:8443/hook?x=1"), "ok");
}

TEST_F(CheckUrlTest, DisguisedInwardUrlsAreRefused) {
  for (const char* url : {"http://2130706433/", "http://0x7f000001/", "http://017700000001/",
                          "http://127.1/", "http://ip6-localhost/",
                          "http://metadata.google.internal/", "https://[::ffff:127.0.0.1]/"}) {
    EXPECT_NE(check(url), "ok") << url;
  }
}

// WHATWG clients decode the host before reading it as an address: "%31%32%37.0.0.1" is
// 127.0.0.1 to them, and "93.%2e" is 0.0.0.93 (found by tests/fuzz/webhook_url_fuzz.cc).
TEST_F(CheckUrlTest, PercentEncodedHostsAreRefused) {
  EXPECT_EQ(check("https://%31%32%37.0.0.1/"), "url: a percent-encoded host name is not allowed");
  EXPECT_EQ(check("https://93.%2e/hk?x=1"), "url: a percent-encoded host name is not allowed");
  EXPECT_NE(check("https://[fe80::1%25eth0]/"), "ok");
}

}  // namespace
}  // namespace aisafe::webhooks
