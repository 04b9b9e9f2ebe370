//===- CheckUntyped.cpp - untyped conversion, assignability -----------------===//
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
// Untyped conversion
//===----------------------------------------------------------------------===//

Type *Checker::defaultOf(Type *t) {
  if (!t)
    return t;
  switch (t->kind) {
  case TypeKind::UntypedBool: return tc.basic(TypeKind::Bool);
  case TypeKind::UntypedInt: return tc.basic(TypeKind::Int);
  case TypeKind::UntypedRune: return tc.basic(TypeKind::Int32);
  case TypeKind::UntypedFloat: return tc.basic(TypeKind::Float64);
  case TypeKind::UntypedString: return tc.basic(TypeKind::String);
  default: return t;
  }
}

bool Checker::hasNil(Type *t) {
  switch (t->underlying()->kind) {
  case TypeKind::Slice:
  case TypeKind::Func:
  case TypeKind::Chan:
  case TypeKind::Map:
  case TypeKind::Pointer:
  case TypeKind::Interface:
  case TypeKind::UnsafePointer:
  case TypeKind::UntypedNil:
    return true;
  default:
    return false;
  }
}

bool Checker::comparable(Type *t) {
  Type *u = t->underlying();
  switch (u->kind) {
  case TypeKind::Slice:
  case TypeKind::Func:
  case TypeKind::Map:
  case TypeKind::UntypedNil:
  case TypeKind::Tuple:
    return false;
  case TypeKind::Array:
    return comparable(llvm::cast<ArrayType>(u)->elem);
  case TypeKind::Struct:
    for (auto &f : llvm::cast<StructType>(u)->fields)
      if (!comparable(f.type))
        return false;
    return true;
  default:
    return true;
  }
}

static int untypedRank(TypeKind k) {
  switch (k) {
  case TypeKind::UntypedInt: return 1;
  case TypeKind::UntypedRune: return 2;
  case TypeKind::UntypedFloat: return 3;
  default: return 0;
  }
}

Checker::Conv Checker::implicitType(Expr *e, Type *target, Type *&result) {
  result = e->type;
  if (!e->type || !e->type->isUntyped() || !target)
    return Conv::Ok;
  if (target->isUntyped()) {
    // Both untyped: the "larger" numeric kind.
    if (e->type == target) {
      result = target;
      return Conv::Ok;
    }
    int a = untypedRank(e->type->kind), b = untypedRank(target->kind);
    if (a && b) {
      result = a >= b ? e->type : target;
      return Conv::Ok;
    }
    return Conv::Invalid;
  }
  Type *u = target->underlying();
  if (u->isBasic() && u->kind != TypeKind::UnsafePointer) {
    if (e->mode == ExprMode::Constant && e->constVal) {
      ConstValue out;
      switch (constfold::representable(*e->constVal, target, out)) {
      case Status::Ok:
        break;
      case Status::Overflow:
        return Conv::Overflow;
      case Status::Truncated:
        return Conv::Truncated;
      default:
        return Conv::Invalid;
      }
      // A numeric constant can only become a numeric type, etc.
      bool ok = (e->type->isNumeric() && target->isNumeric()) ||
                (e->type->isString() && target->isString()) ||
                (e->type->isBoolean() && target->isBoolean());
      if (!ok)
        return Conv::Invalid;
      result = target;
      return Conv::Ok;
    }
    switch (e->type->kind) {
    case TypeKind::UntypedBool:
      if (!target->isBoolean())
        return Conv::Invalid;
      break;
    case TypeKind::UntypedInt:
    case TypeKind::UntypedRune:
    case TypeKind::UntypedFloat:
      if (!target->isNumeric())
        return Conv::Invalid;
      break;
    case TypeKind::UntypedString:
      if (!target->isString())
        return Conv::Invalid;
      break;
    default:
      return Conv::Invalid; // nil
    }
    result = target;
    return Conv::Ok;
  }
  switch (u->kind) {
  case TypeKind::Slice:
  case TypeKind::Func:
  case TypeKind::Chan:
  case TypeKind::Map:
  case TypeKind::Pointer:
    if (e->type->kind != TypeKind::UntypedNil)
      return Conv::Invalid;
    result = target;
    return Conv::Ok;
  case TypeKind::Interface:
    // A constant's default type has no methods: it implements only
    // empty interfaces (types2's "cannot assign untyped values to
    // non-empty interfaces").
    if (e->type->kind != TypeKind::UntypedNil && !llvm::cast<InterfaceType>(u)->methods.empty())
      return Conv::Invalid;
    result = e->type->kind == TypeKind::UntypedNil ? target : defaultOf(e->type);
    return Conv::Ok;
  default:
    return Conv::Invalid;
  }
}

bool Checker::convertUntyped(Expr *e, Type *target) {
  Type *r = nullptr;
  Conv c = implicitType(e, target, r);
  if (c != Conv::Ok) {
    Type *t = target->underlying() ? target->underlying() : target; // as types2
    switch (c) {
    case Conv::Overflow:
      error(startPos(e), desc(e) + " overflows " + typeStr(t));
      break;
    case Conv::Truncated:
      error(startPos(e), desc(e) + " truncated to " + typeStr(t));
      break;
    default:
      error(startPos(e), "cannot convert " + desc(e) + " to " + typeStr(t));
      break;
    }
    e->mode = ExprMode::Invalid;
    return false;
  }
  if (r != e->type)
    finalize(e, r);
  return true;
}

void Checker::finalize(Expr *e, Type *t) {
  if (!e || e->mode == ExprMode::Invalid || !t)
    return;
  Type *old = e->type;
  if (!old || !old->isUntyped())
    return;
  switch (e->kind) {
  case ExprKind::Paren:
    finalize(llvm::cast<ParenExpr>(e)->x, t);
    break;
  case ExprKind::Unary: {
    auto *u = llvm::cast<UnaryExpr>(e);
    if (u->op != TokKind::Arrow)
      finalize(u->x, t);
    break;
  }
  case ExprKind::Binary: {
    auto *b = llvm::cast<BinaryExpr>(e);
    switch (b->op) {
    case TokKind::Eql: case TokKind::Neq: case TokKind::Lss:
    case TokKind::Leq: case TokKind::Gtr: case TokKind::Geq:
      break; // operands already have their final types
    case TokKind::Shl: case TokKind::Shr:
      if (e->mode != ExprMode::Constant && !t->isUntyped() && !t->isInteger()) {
        error(startPos(b->x), "invalid operation: shifted operand " + shortExprString(b->x) +
                                  " (type " + typeStr(t) + ") must be integer");
        e->mode = ExprMode::Invalid;
        return;
      }
      finalize(b->x, t);
      break;
    default:
      finalize(b->x, t);
      finalize(b->y, t);
      break;
    }
    break;
  }
  default:
    break;
  }
  e->type = t;
  if (e->mode == ExprMode::Constant && e->constVal && t->underlying()->isBasic()) {
    ConstValue out;
    if (constfold::representable(*e->constVal, t, out) == Status::Ok)
      e->constVal = std::make_shared<ConstValue>(out);
  }
}

void Checker::defaultType(Expr *e) {
  if (e->mode == ExprMode::Invalid || !e->type || !e->type->isUntyped())
    return;
  if (e->type->kind == TypeKind::UntypedNil)
    return;
  Type *d = defaultOf(e->type);
  if (e->mode == ExprMode::Constant) {
    Type *r;
    Conv c = implicitType(e, d, r);
    if (c == Conv::Overflow) {
      error(startPos(e), "cannot use " + desc(e) + " as " + typeStr(d) +
                             " value in assignment (overflows)");
      e->mode = ExprMode::Invalid;
      return;
    }
  }
  finalize(e, d);
}

bool Checker::assignableTo(Expr *e, Type *t) {
  Type *v = e->type;
  if (!v || !t)
    return true; // already reported
  if (v == t)
    return true;
  Type *vu = v->underlying(), *tu = t->underlying();
  if (v->isUntyped()) {
    Type *r;
    return implicitType(e, t, r) == Conv::Ok;
  }
  (void)vu;
  (void)tu;
  return assignableType(v, t);
}

/// Named (defined) types in Go's sense: declared types and the predeclared
/// basic types.
static bool isDefined(Type *t) { return t->isNamed() || (t->isBasic() && !t->isUntyped()); }

bool Checker::assignableType(Type *v, Type *t) {
  if (!v || !t || v == t)
    return true;
  Type *vu = v->underlying(), *tu = t->underlying();
  if (vu == tu && (!isDefined(v) || !isDefined(t)))
    return true;
  if (auto *vc = llvm::dyn_cast<ChanType>(vu))
    if (auto *tcn = llvm::dyn_cast<ChanType>(tu))
      if (vc->dir == ChanDir::Both && vc->elem == tcn->elem && (!isDefined(v) || !isDefined(t)))
        return true;
  if (tu && tu->kind == TypeKind::Interface && v->kind != TypeKind::Tuple)
    return implements(v, t);
  return false;
}

bool Checker::assignment(Expr *e, Type *t, const std::string &context) {
  return assignment(e, t, llvm::function_ref<std::string()>([&] { return context; }));
}

// The context text ("argument to f") is built only for an error: for a
// call chain f()()()... it is the whole callee's text, and building it for
// every call made checking quadratic in the chain's length.
bool Checker::assignment(Expr *e, Type *t, llvm::function_ref<std::string()> context) {
  if (e->mode == ExprMode::Invalid)
    return false;
  if (!singleValue(e))
    return false;
  if (e->type && e->type->isUntyped()) {
    Type *target = t;
    if (!t || t->underlying()->kind == TypeKind::Interface) {
      if (e->type->kind == TypeKind::UntypedNil) {
        if (!t) {
          error(startPos(e), "use of untyped nil in " + context());
          e->mode = ExprMode::Invalid;
          return false;
        }
      } else {
        target = defaultOf(e->type);
      }
    }
    Type *r = nullptr;
    Conv c = implicitType(e, target, r);
    if (c != Conv::Ok) {
      std::string msg = "cannot use " + desc(e) + " as " + typeStr(target) + " value in " + context();
      if (c == Conv::Truncated)
        msg += " (truncated)";
      else if (c == Conv::Overflow)
        msg += " (overflows)";
      error(startPos(e), msg);
      e->mode = ExprMode::Invalid;
      return false;
    }
    finalize(e, r);
  }
  if (!t)
    return true;
  if (!assignableTo(e, t)) {
    std::string msg = "cannot use " + desc(e) + " as type " + typeStr(t) + " in " + context();
    if (auto *it = llvm::dyn_cast_or_null<InterfaceType>(t->underlying()); it && e->type)
      if (std::string cause = missingMethodCause(e->type, it); !cause.empty())
        msg += ":\n\t" + typeStr(e->type) + " does not implement " + typeStr(t) + " " + cause;
    error(startPos(e), msg);
    return false;
  }
  markIfaceConv(e, t);
  return true;
}

// A value assigned to an interface type it does not already have is
// converted there (irgen: genExpr applies Expr::ifaceConv).
void Checker::markIfaceConv(Expr *e, Type *t) {
  if (!t || !e->type || e->type == t || e->type->kind == TypeKind::UntypedNil ||
      e->type->kind == TypeKind::Tuple)
    return;
  if (t->underlying() && t->underlying()->kind == TypeKind::Interface)
    e->ifaceConv = t;
}
