//===- ConstFold.h - constant arithmetic for the type checker ---------------===//
//
// Exact integer arithmetic on ConstValue (512-bit signed, like gc's limit),
// exact rational arithmetic for float constants (go/constant's), representability of a constant
// in a typed basic type (Go spec "Representability"), and gc's printing of a
// constant value in diagnostics (go/constant's String).
//
// These functions know nothing about expressions or positions; the checker
// turns their status codes into diagnostics.
//===----------------------------------------------------------------------===//
#ifndef GLC_SEMA_CONSTFOLD_H
#define GLC_SEMA_CONSTFOLD_H

#include "lex/Token.h"
#include "sema/Constant.h"
#include "sema/Types.h"

#include <optional>
#include <string>

namespace glc::constfold {

enum class Status {
  Ok,
  DivByZero,  // x / 0, x % 0
  Overflow,   // result does not fit 512 bits (untyped) or the typed type
  Truncated,  // a non-integral float where an integer is needed
  Invalid,    // kinds do not fit together (caller already diagnosed)
};

/// go/constant's ToInt: the integer value of an Int, or of a Float that is
/// integral (an approx Float also when it is an integer but for rounding
/// errors in its last 4 bits); any width. nullopt otherwise.
std::optional<llvm::APInt> toIntValue(const ConstValue &x);
/// Integer value of a Float constant if it is integral (toIntValue) and fits
/// the storage width.
bool floatToInt(const ConstValue &x, ConstValue &out);
/// The value as a float constant (Int or Float).
ConstValue toFloat(const ConstValue &x);
/// True if the value is an integer (an Int, or a Float with integral value).
bool isIntegral(const ConstValue &x);

/// x op y for + - * / % & | ^ &^ and string +. `intDiv` selects truncated
/// integer division for `/` (both operands integer-typed).
Status binary(TokKind op, const ConstValue &x, const ConstValue &y, bool intDiv,
              ConstValue &out);
/// x << s, x >> s (x an integer constant).
Status shift(TokKind op, const ConstValue &x, uint64_t s, ConstValue &out);
/// Comparison; both of the same kind.
bool compare(TokKind op, const ConstValue &x, const ConstValue &y);
/// -x, +x, !x, ^x. For ^ on a typed unsigned type, `unsignedBits` is its
/// width (the complement is taken within it); 0 otherwise.
Status unary(TokKind op, const ConstValue &x, unsigned unsignedBits, ConstValue &out);

/// Whether x is representable in the (typed or untyped) basic type `t`;
/// on success `out` is x converted (int<->float, float32 rounding).
Status representable(const ConstValue &x, Type *t, ConstValue &out);

/// The value of a floating-point literal (decimal or hexadecimal, with `_`
/// separators): exact, or 512-bit rounded past go/constant's exponent
/// limit. Invalid if malformed, Overflow past glc's exponent limit.
Status parseFloatLit(const std::string &text, ConstValue &out);

/// gc's spelling of the value: 300, 2.5, 1e+100, "abc", true.
std::string toString(const ConstValue &x);

/// Integer magnitude check used after every untyped operation.
bool fitsUntyped(const llvm::APInt &v);

} // namespace glc::constfold

#endif // GLC_SEMA_CONSTFOLD_H
