// Unit tests for crypto/sha256.h: FIPS 180-2 vectors, and threads hashing at once.
#include "crypto/sha256.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace aisafe::crypto {
namespace {

// FIPS 180-2, appendix B.
TEST(Sha256Test, Sha256MatchesPublishedVectors) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256Hex(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, RawDigestIsTheHexDigestsBytes) {
  const Sha256Digest d = sha256("abc");
  EXPECT_EQ(d[0], 0xba);
  EXPECT_EQ(d[31], 0xad);
}

// The method is fetched once, on first use, possibly from several threads at once.
TEST(Sha256Test, ThreadsHashingAtOnceAgree) {
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&got, t] {
      for (int i = 0; i < 1000; ++i) {
        got[t] = sha256Hex("abc");
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (const std::string& g : got) {
    EXPECT_EQ(g, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}

}  // namespace
}  // namespace aisafe::crypto
