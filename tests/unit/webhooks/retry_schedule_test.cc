// WEBHOOK_RETRY_SCHEDULE parsing: units, and clear refusals.
#include <gtest/gtest.h>

#include "webhooks/delivery_worker.h"

namespace aisafe::webhooks {
namespace {
using namespace std::chrono_literals;

TEST(RetryScheduleTest, ParsesTheDocumentedDefaultAndShortTestSchedules) {
  auto s = parseRetrySchedule("5s,5m,30m,2h,5h,10h,10h");
  ASSERT_TRUE(s.isOk());
  EXPECT_EQ(s->size(), 7u);
  EXPECT_EQ((*s)[0], 5000ms);
  EXPECT_EQ((*s)[3], std::chrono::milliseconds(2h));
  EXPECT_EQ(parseRetrySchedule("1s,1s,2s")->size(), 3u);
  EXPECT_EQ(parseRetrySchedule("250ms")->front(), 250ms);
}

TEST(RetryScheduleTest, RefusesWhatIsNotAWait) {
  for (const char* bad : {"", "5", "5x", "-1s", "0s", "5s,,5s", "8d", "200h", "s"}) {
    EXPECT_FALSE(parseRetrySchedule(bad).isOk()) << bad;
  }
}

}  // namespace
}  // namespace aisafe::webhooks
