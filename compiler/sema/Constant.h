//===- Constant.h - compile-time constant values ---------------------------===//
//
// Go constants are exact: untyped integer constants have at least 256 bits
// (gc: 512), and overflow is an error only when a constant is converted to a
// typed integer that cannot hold it ("cannot use 300 (untyped int constant)
// as int8 value in ... (overflows)"). Floats are kept as APFloat IEEE double
// (not exact rationals; a documented simplification).
//
// Invariant: `kind` says which member is meaningful. An Int value is always
// kept at `kIntBits` bits, signed; its magnitude never exceeds kPrecBits
// bits (gc's limit), so the storage is always exact.
//===----------------------------------------------------------------------===//
#ifndef GLC_SEMA_CONSTANT_H
#define GLC_SEMA_CONSTANT_H

#include "sema/BigRat.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APSInt.h"

#include <string>

namespace glc {

struct ConstValue {
  enum Kind { Bool, Int, Float, String } kind = Int;
  static constexpr unsigned kIntBits = 1024; // storage width
  static constexpr unsigned kPrecBits = 512; // gc's constant precision

  bool b = false;
  llvm::APSInt i{llvm::APInt(kIntBits, 0), /*isUnsigned=*/false};
  BigRat r;           // Float: the value
  bool approx = false; // Float: a 512-bit rounded value (gc's big.Float mode)
  std::string s;

  static ConstValue makeBool(bool v) { ConstValue c; c.kind = Bool; c.b = v; return c; }
  static ConstValue makeInt(int64_t v) {
    ConstValue c; c.kind = Int;
    c.i = llvm::APSInt(llvm::APInt(kIntBits, (uint64_t)v, /*isSigned=*/true), false);
    return c;
  }
  static ConstValue makeFloat(BigRat v) { ConstValue c; c.kind = Float; c.r = std::move(v); return c; }
  static ConstValue makeString(std::string v) { ConstValue c; c.kind = String; c.s = std::move(v); return c; }

  /// For irgen: the value truncated to 64 bits (callers know it fits the type).
  uint64_t asUint64() const { return i.trunc(64).getZExtValue(); }
  int64_t asInt64() const { return i.trunc(64).getSExtValue(); }
  double asDouble() const;
  /// For irgen: a Float or Int value as the nearest IEEE single or double
  /// (the caller knows it is in range).
  llvm::APFloat asAPFloat(const llvm::fltSemantics &sem) const;
};

} // namespace glc

#endif // GLC_SEMA_CONSTANT_H
