//===- ConstFold.cpp - constant arithmetic ---------------------------------===//
//
// Integer constants are computed at twice the storage width and then checked
// to fit gc's precision (magnitude below 2^512; ConstValue stores 1024 bits,
// so values are always exact); the caller reports "constant ... overflow"
// otherwise.
// Float constants are exact rationals (BigRat) with go/constant's switch to
// 512-bit floats for huge components (see Constant.h); float32 and float64
// targets round the exact value once, to nearest even.
//===----------------------------------------------------------------------===//
#include "sema/ConstFold.h"

#include "llvm/ADT/SmallString.h"

#include <cmath>
#include <cstdio>

using namespace glc;
using namespace glc::constfold;

static constexpr unsigned kWide = ConstValue::kIntBits * 2;

// go/constant's limits: an exact value whose numerator or denominator
// reaches kMaxExp bits becomes a kFloatPrec-bit float (makeRat).
static constexpr unsigned kMaxExp = 4096;
static constexpr unsigned kFloatPrec = 512;
// glc's own limit (gc's big.Float exponent is 32-bit): an untyped float
// whose magnitude reaches 2^kMaxBinExp, or a nonzero one below
// 2^-kMaxBinExp, is reported as an overflow (the rational would need that
// many bits).
static constexpr int64_t kMaxBinExp = 1 << 17;

// A Float constant from r: rounded to kFloatPrec bits when approx or when
// its components grew too large (gc's makeRat/makeFloat). There is no
// negative zero: BigRat has none.
static Status makeFloatVal(BigRat r, bool approx, ConstValue &out) {
  if (!r.isZero()) {
    int64_t lg = r.ilog2();
    if (lg >= kMaxBinExp || lg <= -kMaxBinExp)
      return Status::Overflow;
  }
  if (!approx && r.componentBits() >= kMaxExp)
    approx = true;
  if (approx)
    r = r.rounded(kFloatPrec);
  out = ConstValue::makeFloat(std::move(r));
  out.approx = approx;
  return Status::Ok;
}

double ConstValue::asDouble() const {
  switch (kind) {
  case Float:
    return r.toDouble().value_or(r.isNegative() ? -HUGE_VAL : HUGE_VAL);
  case Int:
    return BigRat::fromInt(i).toDouble().value_or(i.isNegative() ? -HUGE_VAL : HUGE_VAL);
  default:
    return 0;
  }
}

llvm::APFloat ConstValue::asAPFloat(const llvm::fltSemantics &sem) const {
  BigRat v = kind == Float ? r : kind == Int ? BigRat::fromInt(i) : BigRat();
  if (&sem == &llvm::APFloat::IEEEsingle())
    return llvm::APFloat(v.toFloat().value_or(v.isNegative() ? -HUGE_VALF : HUGE_VALF));
  return llvm::APFloat(v.toDouble().value_or(v.isNegative() ? -HUGE_VAL : HUGE_VAL));
}

bool constfold::fitsUntyped(const llvm::APInt &v) {
  // Magnitude of at most kPrecBits bits (+1 for the sign).
  return v.getSignificantBits() <= ConstValue::kPrecBits + 1;
}

static ConstValue makeIntFrom(const llvm::APInt &wide) {
  ConstValue c;
  c.kind = ConstValue::Int;
  c.i = llvm::APSInt(wide.sextOrTrunc(ConstValue::kIntBits), false);
  return c;
}

static llvm::APInt widen(const ConstValue &x) { return x.i.sext(kWide); }

ConstValue constfold::toFloat(const ConstValue &x) {
  if (x.kind == ConstValue::Float)
    return x;
  return ConstValue::makeFloat(BigRat::fromInt(x.i));
}

std::optional<llvm::APInt> constfold::toIntValue(const ConstValue &x) {
  if (x.kind == ConstValue::Int)
    return llvm::APInt(x.i);
  if (x.kind != ConstValue::Float)
    return std::nullopt;
  const BigRat &r = x.r;
  unsigned bits = r.componentBits() + 2;
  if (r.isInt())
    return r.toInt(bits);
  if (!x.approx || r.isZero())
    return std::nullopt;
  // go/constant's ToInt on a big.Float: only within +-2^maxExp; a value that
  // becomes an integer when rounded to 4 bits less precision (toward zero,
  // then away from zero) is taken to be that integer, its fraction being a
  // rounding error of earlier operations.
  int64_t n = r.ilog2() + 1;
  if (n <= -(int64_t)kMaxExp || n >= (int64_t)kMaxExp)
    return std::nullopt;
  int64_t sh = n - (int64_t)(kFloatPrec - 4); // ulp of the rounded value: 2^sh
  BigRat a = r.isNegative() ? -r : r;
  BigRat scaled = a * BigRat::pow2(-sh);
  bool exact = false;
  auto q = scaled.toInt(bits + 8, &exact);
  if (!q)
    return std::nullopt;
  for (int away = 0; away < 2; ++away) {
    BigRat cand = BigRat::fromInt(*q + (away && !exact ? 1 : 0)) * BigRat::pow2(sh);
    if (cand.isInt()) {
      auto v = (r.isNegative() ? -cand : cand).toInt(cand.componentBits() + 2);
      if (v)
        return v;
    }
  }
  return std::nullopt;
}

bool constfold::floatToInt(const ConstValue &x, ConstValue &out) {
  if (x.kind == ConstValue::Int) {
    out = x;
    return true;
  }
  auto v = toIntValue(x);
  if (!v || v->getSignificantBits() > ConstValue::kIntBits)
    return false;
  out = ConstValue();
  out.kind = ConstValue::Int;
  out.i = llvm::APSInt(v->sext(ConstValue::kIntBits), false);
  return true;
}

bool constfold::isIntegral(const ConstValue &x) {
  ConstValue tmp;
  return floatToInt(x, tmp);
}

Status constfold::binary(TokKind op, const ConstValue &x, const ConstValue &y, bool intDiv,
                         ConstValue &out) {
  if (x.kind == ConstValue::String && y.kind == ConstValue::String) {
    if (op != TokKind::Add)
      return Status::Invalid;
    out = ConstValue::makeString(x.s + y.s);
    return Status::Ok;
  }
  if (x.kind == ConstValue::Bool && y.kind == ConstValue::Bool) {
    if (op == TokKind::LAnd)
      out = ConstValue::makeBool(x.b && y.b);
    else if (op == TokKind::LOr)
      out = ConstValue::makeBool(x.b || y.b);
    else
      return Status::Invalid;
    return Status::Ok;
  }
  if (x.kind == ConstValue::Int && y.kind == ConstValue::Int) {
    llvm::APInt a = widen(x), b = widen(y), r;
    switch (op) {
    case TokKind::Add: r = a + b; break;
    case TokKind::Sub: r = a - b; break;
    case TokKind::Mul:
      // Operands are below 2^512, so the product fits kWide bits.
      r = a * b;
      break;
    case TokKind::Quo:
      if (b.isZero())
        return Status::DivByZero;
      if (!intDiv) {
        ConstValue fx = toFloat(x), fy = toFloat(y);
        return binary(op, fx, fy, false, out);
      }
      r = a.sdiv(b);
      break;
    case TokKind::Rem:
      if (b.isZero())
        return Status::DivByZero;
      r = a.srem(b);
      break;
    case TokKind::And: r = a & b; break;
    case TokKind::Or: r = a | b; break;
    case TokKind::Xor: r = a ^ b; break;
    case TokKind::AndNot: r = a & ~b; break;
    default:
      return Status::Invalid;
    }
    if (!fitsUntyped(r))
      return Status::Overflow;
    out = makeIntFrom(r);
    return Status::Ok;
  }
  if ((x.kind == ConstValue::Int || x.kind == ConstValue::Float) &&
      (y.kind == ConstValue::Int || y.kind == ConstValue::Float)) {
    ConstValue fx = toFloat(x), fy = toFloat(y);
    // gc's match(): with one operand a big.Float, both are (SetRat rounds).
    bool approx = fx.approx || fy.approx;
    BigRat a = approx ? fx.r.rounded(kFloatPrec) : fx.r;
    BigRat b = approx ? fy.r.rounded(kFloatPrec) : fy.r;
    BigRat r;
    switch (op) {
    case TokKind::Add: r = a + b; break;
    case TokKind::Sub: r = a - b; break;
    case TokKind::Mul: r = a * b; break;
    case TokKind::Quo:
      if (b.isZero())
        return Status::DivByZero;
      r = a / b;
      break;
    default:
      return Status::Invalid;
    }
    return makeFloatVal(std::move(r), approx, out);
  }
  return Status::Invalid;
}

Status constfold::shift(TokKind op, const ConstValue &x, uint64_t s, ConstValue &out) {
  ConstValue xi;
  if (!floatToInt(x, xi))
    return Status::Truncated;
  llvm::APInt a = widen(xi);
  if (op == TokKind::Shl) {
    if (a.isZero()) {
      out = makeIntFrom(a);
      return Status::Ok;
    }
    if (s > ConstValue::kPrecBits)
      return Status::Overflow;
    llvm::APInt r = a.shl((unsigned)s);
    if (!fitsUntyped(r) || r.ashr((unsigned)s) != a)
      return Status::Overflow;
    out = makeIntFrom(r);
    return Status::Ok;
  }
  if (s >= kWide)
    s = kWide - 1;
  out = makeIntFrom(a.ashr((unsigned)s));
  return Status::Ok;
}

bool constfold::compare(TokKind op, const ConstValue &x, const ConstValue &y) {
  int c = 0;
  if (x.kind == ConstValue::String && y.kind == ConstValue::String) {
    c = x.s.compare(y.s);
  } else if (x.kind == ConstValue::Bool && y.kind == ConstValue::Bool) {
    c = (int)x.b - (int)y.b;
  } else if (x.kind == ConstValue::Int && y.kind == ConstValue::Int) {
    c = x.i.slt(y.i) ? -1 : (x.i == y.i ? 0 : 1);
  } else {
    ConstValue fx = toFloat(x), fy = toFloat(y);
    if (fx.approx || fy.approx)
      c = fx.r.rounded(kFloatPrec).compare(fy.r.rounded(kFloatPrec));
    else
      c = fx.r.compare(fy.r);
  }
  switch (op) {
  case TokKind::Eql: return c == 0;
  case TokKind::Neq: return c != 0;
  case TokKind::Lss: return c < 0;
  case TokKind::Leq: return c <= 0;
  case TokKind::Gtr: return c > 0;
  case TokKind::Geq: return c >= 0;
  default: return false;
  }
}

Status constfold::unary(TokKind op, const ConstValue &x, unsigned unsignedBits,
                        ConstValue &out) {
  switch (op) {
  case TokKind::Add:
    out = x;
    return Status::Ok;
  case TokKind::Sub:
    if (x.kind == ConstValue::Int) {
      llvm::APInt r = -widen(x);
      if (!fitsUntyped(r))
        return Status::Overflow;
      out = makeIntFrom(r);
      return Status::Ok;
    }
    if (x.kind == ConstValue::Float) {
      out = x;
      out.r = -x.r;
      return Status::Ok;
    }
    return Status::Invalid;
  case TokKind::Not:
    if (x.kind != ConstValue::Bool)
      return Status::Invalid;
    out = ConstValue::makeBool(!x.b);
    return Status::Ok;
  case TokKind::Xor: {
    if (x.kind != ConstValue::Int)
      return Status::Invalid;
    llvm::APInt r = ~widen(x);
    if (unsignedBits) {
      // Complement within the unsigned type's width.
      r = r & llvm::APInt::getLowBitsSet(kWide, unsignedBits);
    }
    out = makeIntFrom(r);
    return Status::Ok;
  }
  default:
    return Status::Invalid;
  }
}

// The exact value of a finite IEEE number (-0 becomes 0).
static BigRat fromIEEE(double d) {
  int e = 0;
  double m = std::frexp(d, &e); // d = m * 2^e, 0.5 <= |m| < 1
  int64_t mi = (int64_t)std::ldexp(m, 53); // 53 bits, exact
  return BigRat::fromInt64(mi) * BigRat::pow2(e - 53);
}

static unsigned intBits(TypeKind k, bool &isSigned) {
  isSigned = true;
  switch (k) {
  case TypeKind::Int8: return 8;
  case TypeKind::Int16: return 16;
  case TypeKind::Int32: return 32;
  case TypeKind::Int: case TypeKind::Int64: return 64;
  case TypeKind::Uint8: isSigned = false; return 8;
  case TypeKind::Uint16: isSigned = false; return 16;
  case TypeKind::Uint32: isSigned = false; return 32;
  case TypeKind::Uint: case TypeKind::Uint64: case TypeKind::Uintptr: isSigned = false; return 64;
  default: return 0;
  }
}

Status constfold::representable(const ConstValue &x, Type *t, ConstValue &out) {
  TypeKind k = t->underlying()->kind;
  if (t->isInteger()) {
    if (x.kind != ConstValue::Int && x.kind != ConstValue::Float)
      return Status::Invalid;
    ConstValue xi;
    // gc: a float constant that does not fit an integer type is
    // "truncated", whatever its value (types2's representation()).
    if (!floatToInt(x, xi))
      return Status::Truncated;
    if (k == TypeKind::UntypedInt || k == TypeKind::UntypedRune) {
      out = xi;
      return Status::Ok;
    }
    bool isSigned;
    unsigned bits = intBits(k, isSigned);
    Status over = x.kind == ConstValue::Float ? Status::Truncated : Status::Overflow;
    if (isSigned) {
      if (xi.i.getSignificantBits() > bits)
        return over;
    } else {
      if (xi.i.isNegative() || xi.i.getActiveBits() > bits)
        return over;
    }
    out = xi;
    return Status::Ok;
  }
  if (t->isFloat()) {
    if (x.kind != ConstValue::Int && x.kind != ConstValue::Float)
      return Status::Invalid;
    ConstValue xf = toFloat(x);
    // float32/float64: the exact value rounded once, to nearest, ties to
    // even (subnormals included); what does not fit the exponent overflows.
    if (k == TypeKind::Float32) {
      auto f = xf.r.toFloat();
      if (!f)
        return Status::Overflow;
      xf = ConstValue::makeFloat(fromIEEE(*f));
    } else if (k == TypeKind::Float64) {
      auto d = xf.r.toDouble();
      if (!d)
        return Status::Overflow;
      xf = ConstValue::makeFloat(fromIEEE(*d));
    }
    out = xf;
    return Status::Ok;
  }
  if (t->isString()) {
    if (x.kind != ConstValue::String)
      return Status::Invalid;
    out = x;
    return Status::Ok;
  }
  if (t->isBoolean()) {
    if (x.kind != ConstValue::Bool)
      return Status::Invalid;
    out = x;
    return Status::Ok;
  }
  return Status::Invalid;
}

static std::string quote(const std::string &s) {
  std::string r = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '\a': r += "\\a"; break;
    case '\b': r += "\\b"; break;
    case '\f': r += "\\f"; break;
    case '\n': r += "\\n"; break;
    case '\r': r += "\\r"; break;
    case '\t': r += "\\t"; break;
    case '\v': r += "\\v"; break;
    case '\\': r += "\\\\"; break;
    case '"': r += "\\\""; break;
    default:
      if (c < 0x20 || c == 0x7f) {
        char buf[8];
        snprintf(buf, sizeof buf, "\\x%02x", c);
        r += buf;
      } else {
        r += (char)c;
      }
    }
  }
  r += "\"";
  return r;
}

std::string constfold::toString(const ConstValue &x) {
  switch (x.kind) {
  case ConstValue::Bool:
    return x.b ? "true" : "false";
  case ConstValue::Int: {
    llvm::SmallString<40> s;
    x.i.toString(s, 10, /*Signed=*/true);
    return std::string(s);
  }
  case ConstValue::Float: {
    // go/constant's floatVal.String: %.6g of the float64 value when that is
    // neither infinite nor a nonzero value's underflow to 0; otherwise a
    // decimal approximation from the binary exponent.
    BigRat v = x.r.rounded(kFloatPrec);
    char buf[64];
    auto d = v.toDouble();
    if (d && (*d == 0) == v.isZero()) {
      snprintf(buf, sizeof buf, "%.6g", *d);
      return buf;
    }
    int64_t exp = v.ilog2() + 1; // v = mant * 2^exp, 0.5 <= |mant| < 1
    double m = (v * BigRat::pow2(-exp)).toDouble().value_or(0);
    double dd = (double)exp * (M_LN2 / M_LN10);
    int64_t e = (int64_t)dd;
    m *= std::pow(10, dd - (double)e);
    double am = std::fabs(m);
    if (am < 1 - 0.5e-6) {
      m *= 10;
      e--;
    } else if (am >= 10) {
      m /= 10;
      e++;
    }
    snprintf(buf, sizeof buf, "%.6ge%+lld", m, (long long)e);
    return buf;
  }
  case ConstValue::String: {
    std::string q = quote(x.s);
    // go/constant shortens long strings to 72 runes with "...".
    size_t runes = 0;
    for (unsigned char c : q)
      runes += (c & 0xC0) != 0x80;
    if (runes <= 72)
      return q;
    size_t i = 0, n = 0;
    while (i < q.size() && n < 69) {
      ++i;
      while (i < q.size() && ((unsigned char)q[i] & 0xC0) == 0x80)
        ++i;
      ++n;
    }
    return q.substr(0, i) + "...";
  }
  }
  return "";
}

Status constfold::parseFloatLit(const std::string &text, ConstValue &out) {
  std::string t;
  for (char ch : text)
    if (ch != '_')
      t += ch;
  size_t i = 0;
  bool hex = t.size() > 1 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X');
  if (hex)
    i = 2;
  unsigned base = hex ? 16 : 10;
  llvm::APInt mant(1, 0);
  int64_t fracDigits = 0;
  bool seenDot = false, anyDigit = false;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c == '.') {
      if (seenDot)
        return Status::Invalid;
      seenDot = true;
      continue;
    }
    unsigned dv;
    if (c >= '0' && c <= '9')
      dv = c - '0';
    else if (hex && c >= 'a' && c <= 'f')
      dv = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F')
      dv = c - 'A' + 10;
    else
      break;
    anyDigit = true;
    unsigned w = mant.getActiveBits() + 5;
    mant = mant.zextOrTrunc(w) * llvm::APInt(w, base) + llvm::APInt(w, dv);
    if (seenDot)
      ++fracDigits;
  }
  if (!anyDigit)
    return Status::Invalid;
  int64_t exp = 0;
  if (i < t.size()) {
    char c = t[i];
    if (hex ? (c != 'p' && c != 'P') : (c != 'e' && c != 'E'))
      return Status::Invalid;
    ++i;
    bool neg = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-'))
      neg = t[i++] == '-';
    if (i >= t.size())
      return Status::Invalid;
    for (; i < t.size(); ++i) {
      if (t[i] < '0' || t[i] > '9')
        return Status::Invalid;
      if (exp < (int64_t)1 << 40)
        exp = exp * 10 + (t[i] - '0');
    }
    if (neg)
      exp = -exp;
  } else if (hex) {
    return Status::Invalid; // a hexadecimal mantissa needs a p exponent
  }
  BigRat m = BigRat::fromInt(mant, /*isSigned=*/false);
  if (m.isZero()) {
    out = ConstValue::makeFloat(BigRat());
    return Status::Ok;
  }
  // Decimal: mant * 10^(exp - fracDigits); hexadecimal: mant * 2^(exp - 4*fracDigits).
  int64_t k = hex ? exp - 4 * fracDigits : exp - fracDigits;
  int64_t bin = m.ilog2() + (hex ? k : (k * 3322) / 1000);
  if (bin >= kMaxBinExp)
    return Status::Overflow;
  if (bin <= -kMaxBinExp) {
    // Far below any float type's smallest value (gc keeps it as a tiny
    // big.Float; every conversion rounds it to 0): an approximate zero,
    // as glc's APFloat literals gave before (fixedbugs/issue7419.go).
    out = ConstValue::makeFloat(BigRat());
    out.approx = true;
    return Status::Ok;
  }
  BigRat v = m * (hex ? BigRat::pow2(k) : BigRat::pow10(k));
  // go/constant: exact while the binary exponent is within +-maxExp,
  // otherwise a 512-bit float.
  int64_t e = v.ilog2() + 1;
  out = ConstValue::makeFloat(std::move(v));
  if (e <= -(int64_t)kMaxExp || e >= (int64_t)kMaxExp) {
    out.r = out.r.rounded(kFloatPrec);
    out.approx = true;
  }
  return Status::Ok;
}
