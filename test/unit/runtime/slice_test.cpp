// Tests for runtime/slice.cpp: append's capacities must equal go1.19's,
// because programs print cap(). The expected numbers were produced once by
// running go1.19.8 (appending one element at a time to a nil slice and
// printing each new cap; appending n elements at once).
#include "abi.h"
#include "malloc.h"

#include "test_types.h"
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace {

// Distinct capacities seen while appending one element at a time, up to
// 3000 elements, for elements of size es.
std::vector<int64_t> capsequence(int64_t es) {
  std::vector<int64_t> caps;
  void *data = nullptr;
  int64_t len = 0, cap = 0;
  for (int i = 0; i < 3000; i++) {
    if (len + 1 > cap) {
      glrt_pair p = glrt_growslice(data, len, cap, len + 1, glrt_test::typeOf(es));
      data = p.p;
      cap = p.n;
      caps.push_back(cap);
    }
    len++;
  }
  return caps;
}

using V = std::vector<int64_t>;

TEST(GrowsliceTest, OneAtATimeMatchesGo119) {
  EXPECT_EQ(capsequence(1), (V{8, 16, 32, 64, 128, 256, 512, 896, 1408, 2048,
                               3072})); // []byte
  EXPECT_EQ(capsequence(2), (V{4, 8, 16, 32, 64, 128, 256, 512, 896, 1344,
                               2048, 3072})); // []int16
  EXPECT_EQ(capsequence(4), (V{2, 4, 8, 16, 32, 64, 128, 256, 512, 864, 1344,
                               2048, 3072})); // []int32
  EXPECT_EQ(capsequence(8), (V{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 848,
                               1280, 1792, 2560, 3408})); // []int
  EXPECT_EQ(capsequence(12), (V{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 853,
                                1365, 2048, 3413})); // struct{a,b,c int32}
  EXPECT_EQ(capsequence(16), (V{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 848,
                                1280, 1792, 2560, 3584})); // []string
  EXPECT_EQ(capsequence(24), (V{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 853,
                                1365, 2048, 3072})); // struct{3 x int64}
  EXPECT_EQ(capsequence(40), (V{1, 2, 4, 8, 16, 32, 67, 134, 272, 544, 1024,
                                1638, 2252, 3072})); // struct{5 x int64}
}

TEST(GrowsliceTest, ManyAtOnceMatchesGo119) {
  // n, cap(append([]byte(nil), n...)), []int, []struct{3 x int32},
  // and append(make([]int, 5), n...).
  struct {
    int64_t n, b, i, t, x;
  } cases[] = {
      {3, 8, 3, 4, 10},           {5, 8, 6, 5, 10},
      {7, 8, 8, 8, 12},           {9, 16, 10, 9, 14},
      {13, 16, 14, 13, 18},       {17, 24, 18, 17, 22},
      {33, 48, 36, 34, 40},       {100, 112, 112, 106, 112},
      {1000, 1024, 1024, 1024, 1024}, {5000, 5376, 5120, 5461, 5120},
      {40000, 40960, 40960, 40277, 40960},
  };
  for (auto &c : cases) {
    EXPECT_EQ(glrt_growslice(nullptr, 0, 0, c.n, glrt_test::typeOf(1)).n, c.b) << c.n;
    EXPECT_EQ(glrt_growslice(nullptr, 0, 0, c.n, glrt_test::typeOf(8)).n, c.i) << c.n;
    EXPECT_EQ(glrt_growslice(nullptr, 0, 0, c.n, glrt_test::typeOf(12)).n, c.t) << c.n;
    int64_t five[5] = {1, 2, 3, 4, 5};
    EXPECT_EQ(glrt_growslice(five, 5, 5, 5 + c.n, glrt_test::typeOf(8)).n, c.x) << c.n;
  }
}

TEST(GrowsliceTest, CopiesOldElementsAndZeroesTheRest) {
  int64_t old[4] = {10, 20, 30, 40};
  glrt_pair p = glrt_growslice(old, 4, 4, 5, glrt_test::typeOf(8));
  ASSERT_EQ(p.n, 8);
  ASSERT_NE(p.p, static_cast<void *>(old));
  auto *d = static_cast<int64_t *>(p.p);
  EXPECT_EQ(d[0], 10);
  EXPECT_EQ(d[3], 40);
  for (int i = 4; i < 8; i++)
    EXPECT_EQ(d[i], 0) << i;
}

TEST(GrowsliceTest, ZeroSizedElements) {
  glrt_pair p = glrt_growslice(nullptr, 0, 0, 7, glrt_test::typeOf(0));
  EXPECT_EQ(p.n, 7);
  EXPECT_NE(p.p, nullptr);
}

TEST(GrowsliceTest, RoundupsizeUsesGoSizeClasses) {
  EXPECT_EQ(glrt::roundupsize(0), 0u);
  EXPECT_EQ(glrt::roundupsize(1), 8u);
  EXPECT_EQ(glrt::roundupsize(9), 16u);
  EXPECT_EQ(glrt::roundupsize(257), 288u);
  EXPECT_EQ(glrt::roundupsize(3073), 3200u);
  EXPECT_EQ(glrt::roundupsize(32768), 32768u);
  EXPECT_EQ(glrt::roundupsize(32769), 40960u); // pages of 8 KiB above 32 KiB
}

TEST(GrowsliceTest, RoundupcapMatchesGoConversionCaps) {
  // go1.19: cap([]byte(s)) and cap([]rune(s)) for s that escapes, for
  // len(s) = 1, 3, 9, 40 (ASCII): bytes 8 8 16 48, runes 2 4 12 40.
  EXPECT_EQ(glrt_roundupcap(1, 1), 8);
  EXPECT_EQ(glrt_roundupcap(3, 1), 8);
  EXPECT_EQ(glrt_roundupcap(9, 1), 16);
  EXPECT_EQ(glrt_roundupcap(40, 1), 48);
  EXPECT_EQ(glrt_roundupcap(1, 4), 2);
  EXPECT_EQ(glrt_roundupcap(3, 4), 4);
  EXPECT_EQ(glrt_roundupcap(9, 4), 12);
  EXPECT_EQ(glrt_roundupcap(40, 4), 40);
  EXPECT_EQ(glrt_roundupcap(0, 1), 0);
}

TEST(MakesliceDeathTest, GoChecksAndMessages) {
  EXPECT_EXIT(glrt_makeslice(glrt_test::typeOf(8), -1, -1), ::testing::ExitedWithCode(2),
              "^panic: runtime error: makeslice: len out of range\n");
  EXPECT_EXIT(glrt_makeslice(glrt_test::typeOf(8), 10, 5), ::testing::ExitedWithCode(2),
              "^panic: runtime error: makeslice: cap out of range\n");
  EXPECT_EXIT(glrt_makeslice(glrt_test::typeOf(8), int64_t(1) << 60, int64_t(1) << 60),
              ::testing::ExitedWithCode(2),
              "^panic: runtime error: makeslice: len out of range\n");
  EXPECT_EXIT(glrt_makeslice(glrt_test::typeOf(8), 1, int64_t(1) << 60),
              ::testing::ExitedWithCode(2),
              "^panic: runtime error: makeslice: cap out of range\n");
}

TEST(MakesliceTest, ReturnsZeroedMemory) {
  auto *p = static_cast<unsigned char *>(glrt_makeslice(glrt_test::typeOf(8), 10, 100));
  ASSERT_NE(p, nullptr);
  for (int i = 0; i < 800; i++)
    ASSERT_EQ(p[i], 0) << i;
}

} // namespace
