//===- CheckOperator.cpp - unary, binary, comparison, shift -----------------===//
//
// Part of the expression checker; the rules it follows are described at the
// top of CheckExpr.cpp.
//===----------------------------------------------------------------------===//
#include "sema/CheckerImpl.h"
#include "parse/ASTUtil.h"

#include "lex/Lexer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Error.h"

using namespace glc;
using constfold::Status;

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

void Checker::unary(UnaryExpr *e) {
  if (e->op == TokKind::And) {
    addressOf(e);
    return;
  }
  expr(e->x);
  Expr *x = e->x;
  if (x->mode == ExprMode::Invalid)
    return;
  if (e->op == TokKind::Arrow) {
    auto *ct = llvm::dyn_cast<ChanType>(x->type->underlying());
    if (!ct) {
      error(startPos(x), "invalid operation: cannot receive from non-channel " + desc(x));
      return;
    }
    if (ct->dir == ChanDir::Send) {
      error(startPos(x), "invalid operation: cannot receive from send-only channel " + desc(x));
      return;
    }
    e->mode = ExprMode::CommaOk;
    e->type = ct->elem;
    return;
  }
  bool ok = false;
  switch (e->op) {
  case TokKind::Add:
  case TokKind::Sub:
    ok = x->type->isNumeric();
    break;
  case TokKind::Xor:
    ok = x->type->isInteger();
    break;
  case TokKind::Not:
    ok = x->type->isBoolean();
    break;
  default:
    break;
  }
  if (!ok) {
    error(startPos(x), "invalid operation: operator " + opString(e->op) + " not defined on " +
                           desc(x));
    return;
  }
  e->type = x->type;
  if (x->mode == ExprMode::Constant) {
    unsigned ubits = 0;
    if (e->op == TokKind::Xor && x->type->isUnsigned())
      ubits = (unsigned)x->type->size() * 8;
    ConstValue out;
    Status st = constfold::unary(e->op, *x->constVal, ubits, out);
    if (st != Status::Ok) {
      error(e->pos, "constant " + std::string(e->op == TokKind::Sub ? "subtraction" : "operation") +
                        " overflow");
      return;
    }
    e->mode = ExprMode::Constant;
    e->constVal = std::make_shared<ConstValue>(out);
    if (!x->type->isUntyped()) {
      ConstValue r;
      Status rs = constfold::representable(out, x->type, r);
      if (rs != Status::Ok) {
        error(startPos(e), desc(e) + " overflows " + typeStr(x->type));
        e->mode = ExprMode::Invalid;
        return;
      }
      e->constVal = std::make_shared<ConstValue>(r);
    }
    return;
  }
  e->mode = ExprMode::Value;
}

static bool isComparisonOp(TokKind op) {
  return op == TokKind::Eql || op == TokKind::Neq || op == TokKind::Lss ||
         op == TokKind::Leq || op == TokKind::Gtr || op == TokKind::Geq;
}

static const char *opName(TokKind op) {
  switch (op) {
  case TokKind::Add: return "addition";
  case TokKind::Sub: return "subtraction";
  case TokKind::Xor: return "bitwise XOR";
  case TokKind::Mul: return "multiplication";
  case TokKind::Shl: return "shift";
  default: return "operation";
  }
}

std::string glc::kindString(Type *t) {
  switch (t->underlying()->kind) {
  case TypeKind::Array: return "array";
  case TypeKind::Slice: return "slice";
  case TypeKind::Struct: return "struct";
  case TypeKind::Pointer: return "pointer";
  case TypeKind::Func: return "func";
  case TypeKind::Interface: return "interface";
  case TypeKind::Map: return "map";
  case TypeKind::Chan: return "chan";
  default: return typeString(t);
  }
}

void Checker::binary(BinaryExpr *e, Expr *x, Expr *y, TokKind op, Expr *lhsForMsg) {
  // e is null for op-assignments (x += y); lhsForMsg is then x.
  Expr *res = e ? (Expr *)e : x;
  expr(x);
  expr(y);
  if (x->mode == ExprMode::Invalid || y->mode == ExprMode::Invalid) {
    if (e)
      e->mode = ExprMode::Invalid;
    return;
  }
  if (op == TokKind::Shl || op == TokKind::Shr) {
    shift(e, x, y, op);
    return;
  }
  auto isNil = [](Expr *z) { return z->type && z->type->kind == TypeKind::UntypedNil; };
  bool canMix = x->type->isBoolean() == y->type->isBoolean() &&
                x->type->isString() == y->type->isString() && !(isNil(x) && !hasNil(y->type)) &&
                !(isNil(y) && !hasNil(x->type));
  if (canMix) {
    if (!convertUntyped(x, y->type)) {
      if (e)
        e->mode = ExprMode::Invalid;
      return;
    }
    if (!convertUntyped(y, x->type)) {
      if (e)
        e->mode = ExprMode::Invalid;
      return;
    }
  }
  if (isComparisonOp(op)) {
    comparison(e, x, y, op);
    return;
  }
  if (x->type != y->type) {
    if (e)
      error(startPos(x), "invalid operation: " + shortExprString(e) + " (mismatched types " +
                             typeStr(x->type) + " and " + typeStr(y->type) + ")");
    else
      error(startPos(x), "invalid operation: " + shortExprString(x) + " " + opString(op) + "= " +
                             shortExprString(y) + " (mismatched types " + typeStr(x->type) + " and " +
                             typeStr(y->type) + ")");
    if (e)
      e->mode = ExprMode::Invalid;
    return;
  }
  bool ok = false;
  Type *t = x->type;
  switch (op) {
  case TokKind::Add: ok = t->isNumeric() || t->isString(); break;
  case TokKind::Sub: case TokKind::Mul: case TokKind::Quo: ok = t->isNumeric(); break;
  case TokKind::Rem: case TokKind::And: case TokKind::Or: case TokKind::Xor:
  case TokKind::AndNot: ok = t->isInteger(); break;
  case TokKind::LAnd: case TokKind::LOr: ok = t->isBoolean(); break;
  default: break;
  }
  if (!ok) {
    error(startPos(x), "invalid operation: operator " + opString(op) + " not defined on " + desc(x));
    if (e)
      e->mode = ExprMode::Invalid;
    return;
  }
  if ((op == TokKind::Quo || op == TokKind::Rem) &&
      (x->mode == ExprMode::Constant || t->isInteger()) && isConstZero(y)) {
    error(startPos(y), "invalid operation: division by zero");
    if (e)
      e->mode = ExprMode::Invalid;
    return;
  }
  if (!e)
    return;
  e->type = t;
  if (x->mode == ExprMode::Constant && y->mode == ExprMode::Constant) {
    ConstValue out;
    Status st = constfold::binary(op, *x->constVal, *y->constVal, t->isInteger(), out);
    if (st == Status::DivByZero) {
      error(startPos(y), "invalid operation: division by zero");
      e->mode = ExprMode::Invalid;
      return;
    }
    if (st != Status::Ok) {
      error(e->opPos.isValid() ? e->opPos : e->pos,
            std::string("constant ") + opName(op) + " overflow");
      e->mode = ExprMode::Invalid;
      return;
    }
    e->mode = ExprMode::Constant;
    e->constVal = std::make_shared<ConstValue>(out);
    if (!t->isUntyped()) {
      ConstValue r;
      Status rs = constfold::representable(out, t, r);
      if (rs != Status::Ok) {
        error(startPos(e), desc(e) + " overflows " + typeStr(t));
        e->mode = ExprMode::Invalid;
        return;
      }
      e->constVal = std::make_shared<ConstValue>(r);
    } else if (out.kind == ConstValue::Float && t->kind == TypeKind::UntypedInt) {
      // 1 / 2.0 style promotion already made t untyped float; nothing to do.
    }
    return;
  }
  e->mode = ExprMode::Value;
  (void)res;
}

void Checker::comparison(Expr *e, Expr *x, Expr *y, TokKind op, bool switchCase) {
  Expr *errOp = x;
  std::string cause;
  auto isNil = isNilExpr;
  bool ok = assignableTo(x, y->type) || assignableTo(y, x->type);
  if (!ok) {
    errOp = y;
    cause = "mismatched types " + typeStr(x->type) + " and " + typeStr(y->type);
  } else if (op == TokKind::Eql || op == TokKind::Neq) {
    if (isNil(x) || isNil(y)) {
      Type *t = isNil(x) ? y->type : x->type;
      if (!hasNil(t)) {
        errOp = y;
        ok = false;
      }
    } else if (!comparable(x->type)) {
      errOp = x;
      ok = false;
      cause = incomparableCause(x->type);
    } else if (!comparable(y->type)) {
      errOp = y;
      ok = false;
      cause = incomparableCause(y->type);
    }
  } else {
    if (!x->type->isOrdered()) {
      errOp = x;
      ok = false;
    } else if (!y->type->isOrdered()) {
      errOp = y;
      ok = false;
    }
  }
  if (!ok) {
    if (cause.empty())
      cause = "operator " + opString(op) + " not defined on " + kindString(errOp->type);
    if (switchCase)
      error(startPos(x), "invalid case " + shortExprString(x) + " in switch on " + shortExprString(y) +
                             " (" + cause + ")");
    else
      error(startPos(errOp), "invalid operation: " + shortExprString(x) + " " + opString(op) + " " +
                                 shortExprString(y) + " (" + cause + ")");
    if (e)
      e->mode = ExprMode::Invalid;
    return;
  }
  // An interface compared with a non-interface value: the value is
  // converted to the interface type (Go spec "Comparison operators"). In
  // a switch, y is the tag, shared by every case: a concrete tag compared
  // with an interface case is converted per case by irgen (genSwitch).
  if (!isNil(x) && !isNil(y) && x->type != y->type) {
    if (x->type->underlying()->kind == TypeKind::Interface && y->type->underlying()->kind != TypeKind::Interface) {
      if (switchCase)
        return;
      defaultType(y);
      markIfaceConv(y, x->type);
    } else if (y->type->underlying()->kind == TypeKind::Interface &&
               x->type->underlying()->kind != TypeKind::Interface) {
      defaultType(x);
      markIfaceConv(x, y->type);
    }
  }
  if (!e)
    return;
  if (x->mode == ExprMode::Constant && y->mode == ExprMode::Constant) {
    e->mode = ExprMode::Constant;
    e->constVal =
        std::make_shared<ConstValue>(ConstValue::makeBool(constfold::compare(op, *x->constVal, *y->constVal)));
  } else {
    e->mode = ExprMode::Value;
    defaultType(x);
    defaultType(y);
    // nil == nil-able: give nil the other operand's type.
    if (isNil(x) && !isNil(y))
      x->type = y->type;
    if (isNil(y) && !isNil(x))
      y->type = x->type;
  }
  e->type = tc.basic(TypeKind::UntypedBool);
}

void Checker::shift(Expr *e, Expr *x, Expr *y, TokKind op) {
  auto fail = [&] {
    if (e)
      e->mode = ExprMode::Invalid;
  };
  bool xConstInt = x->mode == ExprMode::Constant && x->type->isUntyped() &&
                   constfold::isIntegral(*x->constVal);
  if (!(x->type->isInteger() || xConstInt)) {
    error(startPos(x), "invalid operation: shifted operand " + desc(x) + " must be integer");
    return fail();
  }
  if (y->mode == ExprMode::Constant) {
    ConstValue yi;
    if (constfold::floatToInt(*y->constVal, yi) && yi.i.isNegative()) {
      error(startPos(y), "invalid operation: negative shift count " + desc(y));
      return fail();
    }
    if (y->type->isUntyped()) {
      if (!convertUntyped(y, tc.basic(TypeKind::Uint)))
        return fail();
    } else if (!y->type->isInteger()) {
      error(startPos(y), "invalid operation: shift count " + desc(y) + " must be integer");
      return fail();
    }
  } else if (y->type->isInteger()) {
    // ok
  } else if (y->type->isUntyped()) {
    if (!convertUntyped(y, tc.basic(TypeKind::Uint)))
      return fail();
  } else {
    error(startPos(y), "invalid operation: shift count " + desc(y) + " must be integer");
    return fail();
  }
  if (!e)
    return;
  if (x->mode == ExprMode::Constant) {
    if (y->mode == ExprMode::Constant) {
      ConstValue yi;
      constfold::floatToInt(*y->constVal, yi);
      uint64_t s = yi.i.getActiveBits() > 63 ? UINT64_MAX : yi.i.getZExtValue();
      const uint64_t shiftBound = 1023 - 1 + 52;
      if (s > shiftBound && !(op == TokKind::Shr)) {
        error(startPos(y), "invalid operation: invalid shift count " + desc(y));
        return fail();
      }
      ConstValue out;
      Status st = constfold::shift(op, *x->constVal, s, out);
      if (st != Status::Ok) {
        auto *b = llvm::dyn_cast<BinaryExpr>(e);
        error(b && b->opPos.isValid() ? b->opPos : e->pos, "constant shift overflow");
        return fail();
      }
      Type *t = x->type;
      if (t->kind == TypeKind::UntypedFloat || t->kind == TypeKind::UntypedRune)
        t = t->kind == TypeKind::UntypedFloat ? tc.basic(TypeKind::UntypedInt) : t;
      if (x->type->kind == TypeKind::UntypedFloat)
        finalize(x, tc.basic(TypeKind::UntypedInt));
      e->type = t;
      e->mode = ExprMode::Constant;
      e->constVal = std::make_shared<ConstValue>(out);
      if (!t->isUntyped()) {
        ConstValue r;
        if (constfold::representable(out, t, r) != Status::Ok) {
          error(startPos(e), desc(e) + " overflows " + typeStr(t));
          return fail();
        }
        e->constVal = std::make_shared<ConstValue>(r);
      }
      return;
    }
    // Non-constant shift of an untyped constant: the result is untyped
    // until the context decides (finalize checks it becomes an integer).
    if (x->type->kind == TypeKind::UntypedFloat)
      finalize(x, tc.basic(TypeKind::UntypedInt));
  }
  e->type = x->type;
  e->mode = ExprMode::Value;
}
