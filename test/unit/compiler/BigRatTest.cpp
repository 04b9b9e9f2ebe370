// BigRat: exact rationals for untyped float constants, and their rounding to
// IEEE float32/float64 (nearest, ties to even, subnormals) checked against
// the host's own correctly rounded conversions.
#include "sema/BigRat.h"
#include "sema/ConstFold.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

using namespace glc;

static BigRat lit(const char *s) {
  ConstValue c;
  EXPECT_EQ(constfold::parseFloatLit(s, c), constfold::Status::Ok) << s;
  return c.r;
}

TEST(BigRat, DecimalFractionsAreExact) {
  EXPECT_EQ(lit("0.1") + lit("0.2"), lit("0.3"));
  BigRat third = BigRat::fromInt64(1) / BigRat::fromInt64(3);
  EXPECT_EQ(third + third + third, BigRat::fromInt64(1));
  EXPECT_EQ((lit("1e1000") / lit("1e990")), lit("1e10"));
  EXPECT_EQ(lit("0x1.8p1"), BigRat::fromInt64(3));
  EXPECT_EQ(lit("1_000.5"), BigRat::fromInt64(2001) / BigRat::fromInt64(2));
}

TEST(BigRat, NoNegativeZero) {
  BigRat z = -lit("0.0");
  EXPECT_TRUE(z.isZero());
  EXPECT_FALSE(z.isNegative());
  EXPECT_FALSE((BigRat::fromInt64(-3) * BigRat()).isNegative());
  EXPECT_FALSE((lit("0.5") - lit("0.5")).isNegative());
}

TEST(BigRat, RoundsTiesToEven) {
  // 2^53+1 and 2^53+3 are ties between doubles.
  EXPECT_EQ(*BigRat::fromInt64((1LL << 53) + 1).toDouble(), 9007199254740992.0);
  EXPECT_EQ(*BigRat::fromInt64((1LL << 53) + 3).toDouble(), 9007199254740996.0);
  EXPECT_EQ(*BigRat::fromInt64((1 << 24) + 1).toFloat(), 16777216.0f);
  EXPECT_EQ(*BigRat::fromInt64((1 << 24) + 3).toFloat(), 16777220.0f);
  // Subnormals and the overflow boundary.
  EXPECT_EQ(*lit("4.9406564584124654e-324").toDouble(), std::ldexp(1.0, -1074));
  EXPECT_EQ(*lit("2.4703282292062328e-324").toDouble(), std::ldexp(1.0, -1074));
  EXPECT_EQ(*lit("2.4703282292062327e-324").toDouble(), 0.0);
  EXPECT_TRUE(lit("0x1.fffffffffffff7p1023").toDouble().has_value());
  EXPECT_FALSE(lit("0x1.fffffffffffff8p1023").toDouble().has_value());
  EXPECT_FALSE(lit("3.5e38").toFloat().has_value());
}

TEST(BigRat, MatchesStrtodOnRandomDecimals) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 20000; ++i) {
    char buf[64];
    int digits = 1 + (int)(rng() % 19);
    uint64_t m = rng() % 10000000000000000000ULL;
    int e = (int)(rng() % 700) - 350;
    snprintf(buf, sizeof buf, "%.*llue%d", digits, (unsigned long long)m, e);
    BigRat r = lit(buf);
    double want = strtod(buf, nullptr);
    if (std::isinf(want)) {
      EXPECT_FALSE(r.toDouble().has_value()) << buf;
      continue;
    }
    EXPECT_EQ(*r.toDouble(), want) << buf;
    float wantf = strtof(buf, nullptr);
    if (!std::isinf(wantf))
      EXPECT_EQ(*r.toFloat(), wantf) << buf;
  }
}

TEST(BigRat, PrintsAsGc) {
  EXPECT_EQ(constfold::toString(ConstValue::makeFloat(lit("1e400"))), "1e+400");
  EXPECT_EQ(constfold::toString(ConstValue::makeFloat(lit("0.3"))), "0.3");
  EXPECT_EQ(constfold::toString(ConstValue::makeFloat(lit("1e-400"))), "1e-400");
  EXPECT_EQ(constfold::toString(ConstValue::makeFloat(-lit("2.5e1000"))), "-2.5e+1000");
}
