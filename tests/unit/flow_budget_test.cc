#include <gtest/gtest.h>

#include "flow/budget.h"

namespace {

using tether::ByteBudget;

TEST(FlowBudget, AdmitsBelowTheHighMarkAndRefusesAtIt) {
  ByteBudget budget(100, 40);
  EXPECT_TRUE(budget.admit());
  budget.add(99);
  EXPECT_TRUE(budget.admit());
  budget.add(1);
  EXPECT_FALSE(budget.admit());
  EXPECT_EQ(budget.peak(), 100u);
}

TEST(FlowBudget, WritableFiresOnceBelowTheLowMarkAndOnlyAfterARefusal) {
  ByteBudget budget(100, 40);
  budget.add(150);
  EXPECT_FALSE(budget.release(140)) << "no producer was refused";
  budget.add(140);
  EXPECT_FALSE(budget.admit());
  EXPECT_FALSE(budget.release(100));  // 50 left: not below the low mark
  EXPECT_TRUE(budget.release(11));    // 39
  EXPECT_FALSE(budget.release(39));   // once
  EXPECT_EQ(budget.used(), 0u);
  EXPECT_EQ(budget.peak(), 150u);
}

TEST(FlowBudget, FitsIsAHardCapWithoutOverflow) {
  ByteBudget budget(100, 100);
  EXPECT_TRUE(budget.fits(100));
  EXPECT_FALSE(budget.fits(101));
  EXPECT_FALSE(budget.fits(UINT64_MAX));
  budget.add(60);
  EXPECT_TRUE(budget.fits(40));
  EXPECT_FALSE(budget.fits(41));
  EXPECT_FALSE(budget.release(1000));
  EXPECT_EQ(budget.used(), 0u);
}

TEST(FlowBudget, LowAboveHighIsClampedToHigh) {
  ByteBudget budget(10, 50);
  EXPECT_EQ(budget.low(), 10u);
}

}  // namespace
