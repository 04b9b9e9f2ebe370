//===- ConstFold.cpp - constant arithmetic ---------------------------------===//
//
// Integer constants are computed at twice the storage width and then checked
// to fit gc's precision (magnitude below 2^512; ConstValue stores 1024 bits,
// so values are always exact); the caller reports "constant ... overflow"
// otherwise.
// Float constants use IEEE double (ConstValue's documented simplification):
// float32 targets round through IEEE single.
//===----------------------------------------------------------------------===//
#include "sema/ConstFold.h"

#include "llvm/ADT/SmallString.h"

#include <cstdio>

using namespace glc;
using namespace glc::constfold;

static constexpr unsigned kWide = ConstValue::kIntBits * 2;

// Go's constants are exact numbers: there is no negative zero. IEEE
// arithmetic makes one from -0.0, 0.0 * -1, -1e-400 and the like, so every
// float result is normalised here before it becomes a constant.
static void noNegZero(llvm::APFloat &f) {
  if (f.isZero() && f.isNegative())
    f = llvm::APFloat::getZero(f.getSemantics(), /*Negative=*/false);
}

double ConstValue::asDouble() const {
  switch (kind) {
  case Float:
    return f.convertToDouble();
  case Int:
    return constfold::toFloat(*this).f.convertToDouble();
  default:
    return 0;
  }
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
  ConstValue c;
  c.kind = ConstValue::Float;
  c.f = llvm::APFloat(llvm::APFloat::IEEEdouble());
  c.f.convertFromAPInt(x.i, /*IsSigned=*/true, llvm::APFloat::rmNearestTiesToEven);
  return c;
}

bool constfold::floatToInt(const ConstValue &x, ConstValue &out) {
  if (x.kind == ConstValue::Int) {
    out = x;
    return true;
  }
  if (x.kind != ConstValue::Float || !x.f.isFinite())
    return false;
  llvm::APSInt r(ConstValue::kIntBits, /*isUnsigned=*/false);
  bool exact = false;
  auto st = x.f.convertToInteger(r, llvm::APFloat::rmTowardZero, &exact);
  if (st != llvm::APFloat::opOK || !exact)
    return false;
  out = ConstValue();
  out.kind = ConstValue::Int;
  out.i = r;
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
    llvm::APFloat r = fx.f;
    auto rm = llvm::APFloat::rmNearestTiesToEven;
    switch (op) {
    case TokKind::Add: r.add(fy.f, rm); break;
    case TokKind::Sub: r.subtract(fy.f, rm); break;
    case TokKind::Mul: r.multiply(fy.f, rm); break;
    case TokKind::Quo:
      if (fy.f.isZero())
        return Status::DivByZero;
      r.divide(fy.f, rm);
      break;
    default:
      return Status::Invalid;
    }
    if (!r.isFinite())
      return Status::Overflow;
    noNegZero(r);
    out = ConstValue();
    out.kind = ConstValue::Float;
    out.f = r;
    return Status::Ok;
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
    auto r = fx.f.compare(fy.f);
    if (r == llvm::APFloat::cmpUnordered)
      return op == TokKind::Neq;
    c = r == llvm::APFloat::cmpLessThan ? -1 : r == llvm::APFloat::cmpEqual ? 0 : 1;
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
      out.f.changeSign();
      noNegZero(out.f);
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
    if (!floatToInt(x, xi))
      return Status::Truncated;
    if (k == TypeKind::UntypedInt || k == TypeKind::UntypedRune) {
      out = xi;
      return Status::Ok;
    }
    bool isSigned;
    unsigned bits = intBits(k, isSigned);
    if (isSigned) {
      if (xi.i.getSignificantBits() > bits)
        return Status::Overflow;
    } else {
      if (xi.i.isNegative() || xi.i.getActiveBits() > bits)
        return Status::Overflow;
    }
    out = xi;
    return Status::Ok;
  }
  if (t->isFloat()) {
    if (x.kind != ConstValue::Int && x.kind != ConstValue::Float)
      return Status::Invalid;
    ConstValue xf = toFloat(x);
    if (!xf.f.isFinite())
      return Status::Overflow;
    if (k == TypeKind::Float32) {
      llvm::APFloat s = xf.f;
      bool lost = false;
      s.convert(llvm::APFloat::IEEEsingle(), llvm::APFloat::rmNearestTiesToEven, &lost);
      if (!s.isFinite())
        return Status::Overflow;
      s.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven, &lost);
      noNegZero(s); // a tiny negative constant rounds to zero, not -0
      xf.f = s;
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
    if (x.f.isInfinity())
      return x.f.isNegative() ? "-Inf" : "+Inf";
    char buf[64];
    snprintf(buf, sizeof buf, "%.6g", x.f.convertToDouble());
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
