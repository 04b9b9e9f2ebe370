//===- BigRat.h - exact rational numbers for untyped float constants --------===//
//
// Go's untyped float constants are exact (the spec asks for at least 256-bit
// mantissas; gc keeps go/constant's big.Rat while the numerator and
// denominator stay below 4096 bits, then a 512-bit big.Float). BigRat is the
// exact part: sign and magnitude, num/den with llvm::APInt of whatever width
// the value needs.
//
// Invariants: den >= 1; gcd(num, den) == 1; zero is num == 0, den == 1,
// neg == false (there is no negative zero: -0.0 is an exact 0); every APInt
// is trimmed to its active bits (width >= 1), so widths say how big a value is.
//
// roundTo() gives the correctly rounded (nearest, ties to even) binary
// floating-point value with a p-bit mantissa, optionally within an exponent
// range: IEEE single and double (subnormals included) and gc's 512-bit
// big.Float mode all go through it.
//===----------------------------------------------------------------------===//
#ifndef GLC_SEMA_BIGRAT_H
#define GLC_SEMA_BIGRAT_H

#include "llvm/ADT/APInt.h"

#include <cstdint>
#include <optional>
#include <string>

namespace glc {

class BigRat {
public:
  BigRat() : num(1, 0), den(1, 1) {}
  /// The value of a two's-complement (isSigned) or unsigned integer.
  static BigRat fromInt(const llvm::APInt &v, bool isSigned = true);
  static BigRat fromInt64(int64_t v);
  /// (neg ? -1 : 1) * m * 2^e.
  static BigRat fromBinary(bool neg, const llvm::APInt &m, int64_t e);
  /// 10^k or 2^k (k may be negative).
  static BigRat pow10(int64_t k);
  static BigRat pow2(int64_t k);

  bool isZero() const { return num.isZero(); }
  bool isNegative() const { return neg; }
  bool isInt() const { return den.isOne(); }
  int sign() const { return isZero() ? 0 : neg ? -1 : 1; }
  /// The larger of the numerator's and denominator's bit lengths.
  unsigned componentBits() const;
  /// floor(log2(|x|)) for x != 0.
  int64_t ilog2() const;

  BigRat operator-() const;
  BigRat operator+(const BigRat &y) const;
  BigRat operator-(const BigRat &y) const;
  BigRat operator*(const BigRat &y) const;
  /// x / y; y must not be zero.
  BigRat operator/(const BigRat &y) const;
  /// -1, 0, 1.
  int compare(const BigRat &y) const;
  bool operator==(const BigRat &y) const { return compare(y) == 0; }

  /// The integer value (truncated toward zero) as a signed APInt of `bits`
  /// bits; nullopt if it does not fit. `exact` tells whether x was integral.
  std::optional<llvm::APInt> toInt(unsigned bits, bool *exact = nullptr) const;

  /// Rounds |x| to m * 2^e with m < 2^p (nearest, ties to even). With
  /// minE, e is at least minE (IEEE subnormals: m may then be smaller than
  /// 2^(p-1), or 0). Returns false if e would exceed maxE (overflow).
  bool roundTo(unsigned p, std::optional<int64_t> minE, std::optional<int64_t> maxE,
               llvm::APInt &m, int64_t &e) const;
  /// x rounded to a p-bit mantissa with an unbounded exponent.
  BigRat rounded(unsigned p) const;
  /// The nearest float64 / float32 (ties to even); nullopt on overflow.
  std::optional<double> toDouble() const;
  std::optional<float> toFloat() const;

  /// Decimal integer text of num and den (for tests and debugging).
  std::string str() const;

private:
  BigRat(bool neg, llvm::APInt num, llvm::APInt den);
  void normalize();

  bool neg = false;
  llvm::APInt num; // magnitude, unsigned
  llvm::APInt den; // >= 1, unsigned
};

} // namespace glc

#endif // GLC_SEMA_BIGRAT_H
