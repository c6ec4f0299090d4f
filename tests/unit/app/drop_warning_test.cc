#include "app/drop_warning.h"

#include <gtest/gtest.h>

namespace aisafe::app {
namespace {

// The warning reads the running total only when it writes a line: once per interval, however
// many records are dropped meanwhile (a full queue drops one per request).
TEST(DropWarningTest, WarnsOncePerIntervalHoweverManyDrops) {
  int lines = 0;
  DropWarning warning("records dropped", [&lines] {
    ++lines;
    return std::uint64_t{1000};
  });
  for (int i = 0; i < 1000; ++i) {
    warning.dropped();
  }
  EXPECT_EQ(lines, 1);
}

}  // namespace
}  // namespace aisafe::app
