#include <gtest/gtest.h>

#include "ttt/util/progress.h"

namespace ttt {
namespace {

TEST(Progress, DurationsCountsAndBars) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(59.4), "59s");
  EXPECT_EQ(format_duration(121), "2m01s");
  EXPECT_EQ(format_duration(3 * 3600 + 4 * 60 + 5), "3h04m");
  EXPECT_EQ(format_duration(-1), "?");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(-1000), "-1,000");
  EXPECT_EQ(progress_bar(0, 10, 10), "[..........]");
  EXPECT_EQ(progress_bar(5, 10, 10), "[#####.....]");
  EXPECT_EQ(progress_bar(12, 10, 4), "[####]");
  EXPECT_EQ(progress_bar(3, 0, 4), "[....]");
}

}  // namespace
}  // namespace ttt
