//===- BigRat.cpp - exact rational numbers ----------------------------------===//
//
// Magnitudes are unsigned llvm::APInts; every helper first brings its
// operands to one width large enough for the exact result and trims the
// result back to its active bits (APInt operations need equal widths).
//===----------------------------------------------------------------------===//
#include "sema/BigRat.h"

#include "llvm/ADT/SmallString.h"

#include <algorithm>
#include <cmath>

using namespace glc;
using llvm::APInt;

static APInt trim(const APInt &a) {
  return a.zextOrTrunc(std::max(1u, a.getActiveBits()));
}

static unsigned bitsOf(const APInt &a) { return a.getActiveBits(); }

static APInt mulU(const APInt &a, const APInt &b) {
  unsigned w = bitsOf(a) + bitsOf(b) + 1;
  return trim(a.zextOrTrunc(w) * b.zextOrTrunc(w));
}

static APInt addU(const APInt &a, const APInt &b) {
  unsigned w = std::max(bitsOf(a), bitsOf(b)) + 1;
  return trim(a.zextOrTrunc(w) + b.zextOrTrunc(w));
}

// a - b for a >= b.
static APInt subU(const APInt &a, const APInt &b) {
  unsigned w = std::max({bitsOf(a), bitsOf(b), 1u});
  return trim(a.zextOrTrunc(w) - b.zextOrTrunc(w));
}

static int cmpU(const APInt &a, const APInt &b) {
  unsigned w = std::max({bitsOf(a), bitsOf(b), 1u});
  APInt x = a.zextOrTrunc(w), y = b.zextOrTrunc(w);
  return x.ult(y) ? -1 : x == y ? 0 : 1;
}

static void divremU(const APInt &a, const APInt &b, APInt &q, APInt &r) {
  unsigned w = std::max({bitsOf(a), bitsOf(b), 1u});
  APInt::udivrem(a.zextOrTrunc(w), b.zextOrTrunc(w), q, r);
  q = trim(q);
  r = trim(r);
}

static APInt shlU(const APInt &a, uint64_t k) {
  unsigned w = bitsOf(a) + (unsigned)k + 1;
  return trim(a.zextOrTrunc(w).shl((unsigned)k));
}

static APInt pow2U(uint64_t k) { return APInt::getOneBitSet((unsigned)k + 1, (unsigned)k); }

BigRat::BigRat(bool neg, APInt n, APInt d) : neg(neg), num(std::move(n)), den(std::move(d)) {
  normalize();
}

void BigRat::normalize() {
  num = trim(num);
  den = trim(den);
  if (num.isZero()) {
    neg = false;
    den = APInt(1, 1);
    return;
  }
  if (den.isOne())
    return;
  // Powers of two first (cheap; they are the common factor of binary values).
  unsigned tz = std::min(num.countr_zero(), den.countr_zero());
  if (tz) {
    num = trim(num.lshr(tz));
    den = trim(den.lshr(tz));
  }
  unsigned w = std::max(num.getBitWidth(), den.getBitWidth());
  APInt g = llvm::APIntOps::GreatestCommonDivisor(num.zext(w), den.zext(w));
  if (!g.isOne()) {
    APInt r;
    divremU(num, g, num, r);
    divremU(den, g, den, r);
  }
}

BigRat BigRat::fromInt(const APInt &v, bool isSigned) {
  bool n = isSigned && v.isNegative();
  return BigRat(n, n ? -v : v, APInt(1, 1));
}

BigRat BigRat::fromInt64(int64_t v) { return fromInt(APInt(64, (uint64_t)v, true)); }

BigRat BigRat::fromBinary(bool neg, const APInt &m, int64_t e) {
  if (e >= 0)
    return BigRat(neg, shlU(m, (uint64_t)e), APInt(1, 1));
  return BigRat(neg, m, pow2U((uint64_t)-e));
}

BigRat BigRat::pow2(int64_t k) { return fromBinary(false, APInt(1, 1), k); }

BigRat BigRat::pow10(int64_t k) {
  uint64_t n = k < 0 ? (uint64_t)-k : (uint64_t)k;
  APInt r(1, 1), b(4, 10);
  while (n) {
    if (n & 1)
      r = mulU(r, b);
    n >>= 1;
    if (n)
      b = mulU(b, b);
  }
  return k < 0 ? BigRat(false, APInt(1, 1), r) : BigRat(false, r, APInt(1, 1));
}

unsigned BigRat::componentBits() const { return std::max(bitsOf(num), bitsOf(den)); }

int64_t BigRat::ilog2() const {
  // 2^(k-1) <= num/den... : with k = bits(num) - bits(den), num/den lies in
  // (2^(k-1), 2^(k+1)); it is >= 2^k iff num >= den * 2^k.
  int64_t k = (int64_t)bitsOf(num) - (int64_t)bitsOf(den);
  int c = k >= 0 ? cmpU(num, shlU(den, (uint64_t)k)) : cmpU(shlU(num, (uint64_t)-k), den);
  return c >= 0 ? k : k - 1;
}

BigRat BigRat::operator-() const {
  BigRat r = *this;
  if (!r.isZero())
    r.neg = !r.neg;
  return r;
}

BigRat BigRat::operator+(const BigRat &y) const {
  bool same = cmpU(den, y.den) == 0;
  APInt a = same ? num : mulU(num, y.den);
  APInt b = same ? y.num : mulU(y.num, den);
  APInt d = same ? den : mulU(den, y.den);
  if (neg == y.neg)
    return BigRat(neg, addU(a, b), d);
  if (cmpU(a, b) >= 0)
    return BigRat(neg, subU(a, b), d);
  return BigRat(y.neg, subU(b, a), d);
}

BigRat BigRat::operator-(const BigRat &y) const { return *this + (-y); }

BigRat BigRat::operator*(const BigRat &y) const {
  return BigRat(neg != y.neg, mulU(num, y.num), mulU(den, y.den));
}

BigRat BigRat::operator/(const BigRat &y) const {
  return BigRat(neg != y.neg, mulU(num, y.den), mulU(den, y.num));
}

int BigRat::compare(const BigRat &y) const {
  if (sign() != y.sign())
    return sign() < y.sign() ? -1 : 1;
  int c = cmpU(mulU(num, y.den), mulU(y.num, den));
  return neg ? -c : c;
}

std::optional<APInt> BigRat::toInt(unsigned bits, bool *exact) const {
  APInt q, r;
  divremU(num, den, q, r);
  if (exact)
    *exact = r.isZero();
  if (bitsOf(q) >= bits && !(neg && q.isPowerOf2() && bitsOf(q) == bits))
    return std::nullopt;
  APInt v = q.zextOrTrunc(bits);
  return neg ? -v : v;
}

bool BigRat::roundTo(unsigned p, std::optional<int64_t> minE, std::optional<int64_t> maxE,
                     APInt &m, int64_t &e) const {
  if (isZero()) {
    m = APInt(p, 0);
    e = minE.value_or(0);
    return true;
  }
  e = ilog2() - (int64_t)(p - 1);
  if (minE && e < *minE)
    e = *minE;
  // q = |x| / 2^e, the remainder deciding the rounding.
  APInt n = num, d = den;
  if (e >= 0)
    d = shlU(d, (uint64_t)e);
  else
    n = shlU(n, (uint64_t)-e);
  APInt q, r;
  divremU(n, d, q, r);
  int half = cmpU(shlU(r, 1), d);
  if (half > 0 || (half == 0 && q[0]))
    q = addU(q, APInt(1, 1));
  if (bitsOf(q) > p) { // rounded up to 2^p
    q = trim(q.lshr(1));
    ++e;
  }
  if (maxE && e > *maxE)
    return false;
  m = q.zextOrTrunc(p);
  return true;
}

BigRat BigRat::rounded(unsigned p) const {
  APInt m;
  int64_t e;
  roundTo(p, std::nullopt, std::nullopt, m, e);
  return fromBinary(neg, m, e);
}

std::optional<double> BigRat::toDouble() const {
  // float64: 53-bit mantissa; m * 2^e with e in [-1074, 971].
  APInt m;
  int64_t e;
  if (!roundTo(53, -1074, 971, m, e))
    return std::nullopt;
  double v = std::ldexp((double)m.getZExtValue(), (int)e); // exact
  return neg ? -v : v;
}

std::optional<float> BigRat::toFloat() const {
  // float32: 24-bit mantissa; e in [-149, 104].
  APInt m;
  int64_t e;
  if (!roundTo(24, -149, 104, m, e))
    return std::nullopt;
  float v = std::ldexp((float)m.getZExtValue(), (int)e); // exact
  return neg ? -v : v;
}

std::string BigRat::str() const {
  llvm::SmallString<64> s;
  if (neg)
    s += "-";
  num.toString(s, 10, false);
  if (!den.isOne()) {
    s += "/";
    den.toString(s, 10, false);
  }
  return std::string(s);
}
