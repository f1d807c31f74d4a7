#include <gtest/gtest.h>

#include <cmath>

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

TEST(Progress, TaskEtaIsTheMeanTimedTaskTimesTheTasksLeft) {
  TaskEta eta(5);
  EXPECT_TRUE(std::isnan(eta.eta_seconds()));
  EXPECT_EQ(eta.suffix(), "");
  eta.skipped();  // found done by an earlier run: leaves the count, not the mean
  EXPECT_EQ(eta.left(), 4u);
  EXPECT_EQ(eta.suffix(), "");
  eta.finished(10);
  eta.finished(20);
  EXPECT_EQ(eta.left(), 2u);
  EXPECT_DOUBLE_EQ(eta.eta_seconds(), 30.0);  // mean 15 s × 2 left
  EXPECT_EQ(eta.suffix(), " · ETA 30s");
  eta.finished(60);
  eta.finished(30);
  EXPECT_EQ(eta.left(), 0u);
  EXPECT_DOUBLE_EQ(eta.eta_seconds(), 0.0);
  eta.finished(1);  // more tasks than announced: never below zero left
  EXPECT_EQ(eta.left(), 0u);
}

}  // namespace
}  // namespace ttt
