//===- CheckExpr.cpp - expressions ------------------------------------------===//
//
// Checks expressions bottom-up, setting Expr::mode/type/constVal. The rules
// and the diagnostics follow go/types (types2 as gc 1.19 configures it):
//
//  - Untyped constants fold exactly (ConstFold.cpp) and stay untyped until
//    a context gives them a type: a typed operand of a binary operation
//    (convertUntyped), an assignment (assignment), or a default type.
//    finalize() then rewrites the types of the untyped subtree, converting
//    constant values, so irgen only sees typed expressions.
//  - An expression with mode Constant is complete in its constVal: irgen
//    must emit the value and not look at the operands (operands of constant
//    comparisons, for example, keep their untyped types).
//  - Error positions are the start of the offending operand (gc's
//    syntax.StartPos), except where gc names another node.
//===----------------------------------------------------------------------===//
#include "sema/CheckerImpl.h"
#include "sema/ExprString.h"

#include "lex/Lexer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Error.h"

using namespace glc;
using constfold::Status;

/// The leftmost position of an expression (gc reports errors there).
static llvm::SMLoc startPos(Expr *e) {
  while (true) {
    switch (e->kind) {
    case ExprKind::Binary:
      e = llvm::cast<BinaryExpr>(e)->x;
      continue;
    case ExprKind::Index:
      e = llvm::cast<IndexExpr>(e)->x;
      continue;
    case ExprKind::Slice:
      e = llvm::cast<SliceExpr>(e)->x;
      continue;
    case ExprKind::Call:
      e = llvm::cast<CallExpr>(e)->fun;
      continue;
    case ExprKind::Selector:
      e = llvm::cast<SelectorExpr>(e)->x;
      continue;
    case ExprKind::TypeAssert:
      e = llvm::cast<TypeAssertExpr>(e)->x;
      continue;
    case ExprKind::KeyValue:
      e = llvm::cast<KeyValueExpr>(e)->key;
      continue;
    case ExprKind::CompositeLit:
      if (auto *t = llvm::cast<CompositeLit>(e)->typeExpr) {
        e = t;
        continue;
      }
      return e->pos;
    default:
      return e->pos;
    }
  }
}

namespace glc {
llvm::SMLoc exprStart(Expr *e) { return startPos(e); }
} // namespace glc

//===----------------------------------------------------------------------===//
// Operand descriptions
//===----------------------------------------------------------------------===//

std::string Checker::desc(Expr *e) {
  if (e->type && e->type->kind == TypeKind::UntypedNil)
    return "nil";
  std::string expr = shortExprString(e);
  std::string s = expr + " (";
  bool hasType = false;
  switch (e->mode) {
  case ExprMode::Invalid:
  case ExprMode::NoValue:
  case ExprMode::Builtin:
  case ExprMode::TypeExpr:
  case ExprMode::Package:
    break;
  default:
    if (e->type) {
      if (e->type->isUntyped()) {
        s += typeStr(e->type) + " ";
        break;
      }
      hasType = true;
    }
  }
  switch (e->mode) {
  case ExprMode::Invalid: s += "invalid operand"; break;
  case ExprMode::NoValue: s += "no value"; break;
  case ExprMode::Builtin: s += "built-in"; break;
  case ExprMode::TypeExpr: s += "type"; break;
  case ExprMode::Constant: s += "constant"; break;
  case ExprMode::Variable: s += "variable"; break;
  case ExprMode::Value: s += "value"; break;
  case ExprMode::CommaOk: s += "comma, ok expression"; break;
  case ExprMode::Package: s += "package"; break;
  }
  if (e->mode == ExprMode::Constant && e->constVal) {
    std::string v = constfold::toString(*e->constVal);
    if (v != expr)
      s += " " + v;
  }
  if (hasType)
    s += " of type " + declaredTypeString(e);
  return s + ")";
}

// gc prints the type of a declared function with its parameter names
// ("func(a int, b ...string) (n int)"); interned FuncTypes have no names,
// so rebuild the spelling from the declaration.
std::string Checker::declaredTypeString(Expr *e) {
  Expr *u = e;
  while (auto *p = llvm::dyn_cast<ParenExpr>(u))
    u = p->x;
  auto *id = llvm::dyn_cast<Ident>(u);
  auto *sig = llvm::dyn_cast_or_null<FuncType>(e->type);
  if (!id || !id->obj || id->obj->kind != ObjKind::Func || !id->obj->funcDecl || !sig)
    return typeStr(e->type);
  FuncTypeExpr *fe = id->obj->funcDecl->sig;
  auto fields = [&](const std::vector<Field *> &fs, const std::vector<Type *> &ts,
                    bool variadic, bool &named) {
    std::string r;
    size_t k = 0;
    named = false;
    for (Field *f : fs) {
      size_t n = f->names.empty() ? 1 : f->names.size();
      for (size_t j = 0; j < n && k < ts.size(); ++j, ++k) {
        if (k)
          r += ", ";
        if (!f->names.empty()) {
          r += f->names[j]->name + " ";
          named = true;
        }
        if (variadic && k + 1 == ts.size())
          r += "..." + typeStr(llvm::cast<SliceType>(ts[k])->elem);
        else
          r += typeStr(ts[k]);
      }
    }
    return r;
  };
  bool named;
  std::string r = "func(" + fields(fe->params, sig->params, sig->variadic, named) + ")";
  std::string res = fields(fe->results, sig->results, false, named);
  if (sig->results.size() == 1 && !named)
    r += " " + res;
  else if (!sig->results.empty())
    r += " (" + res + ")";
  return r;
}

bool Checker::isConstZero(Expr *e) {
  if (e->mode != ExprMode::Constant || !e->constVal)
    return false;
  auto &c = *e->constVal;
  if (c.kind == ConstValue::Int)
    return c.i.isZero();
  if (c.kind == ConstValue::Float)
    return c.f.isZero();
  return false;
}

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
    Type *t = target;
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

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

bool Checker::singleValue(Expr *e) {
  switch (e->mode) {
  case ExprMode::Invalid:
    return false;
  case ExprMode::NoValue:
    error(startPos(e), desc(e) + " used as value");
    break;
  case ExprMode::Builtin:
    error(startPos(e), desc(e) + " must be called");
    break;
  case ExprMode::TypeExpr:
    error(startPos(e), desc(e) + " is not an expression");
    break;
  case ExprMode::Package:
    error(startPos(e), "use of package " + shortExprString(e) + " without selector");
    break;
  default:
    if (e->type && e->type->kind == TypeKind::Tuple) {
      error(startPos(e), "multiple-value " + desc(e) + " in single-value context");
      break;
    }
    return true;
  }
  e->mode = ExprMode::Invalid;
  return false;
}

void Checker::expr(Expr *e, Type *hint) {
  rawExpr(e, hint);
  singleValue(e);
}

void Checker::multiExpr(Expr *e) {
  rawExpr(e, nullptr);
  if (e->mode == ExprMode::Invalid)
    return;
  if (e->type && e->type->kind == TypeKind::Tuple)
    return;
  singleValue(e);
}

// An operand that may be a type (x in x.f, x[i], *x, x(...)): gc words a
// call with no value there as "used as value or type". Every caller then
// sees Invalid and stops, instead of selecting from a missing type.
void Checker::exprOrType(Expr *e) {
  rawExpr(e, nullptr);
  if (e->mode == ExprMode::NoValue) {
    error(startPos(e), desc(e) + " used as value or type");
    e->mode = ExprMode::Invalid;
  }
}

void Checker::rawExpr(Expr *e, Type *hint) {
  e->mode = ExprMode::Invalid;
  e->constVal.reset();
  switch (e->kind) {
  case ExprKind::Bad:
    return;
  case ExprKind::Ident:
    ident(llvm::cast<Ident>(e));
    return;
  case ExprKind::BasicLit:
    basicLit(llvm::cast<BasicLit>(e));
    return;
  case ExprKind::CompositeLit:
    compositeLit(llvm::cast<CompositeLit>(e), hint);
    return;
  case ExprKind::FuncLit:
    funcLit(llvm::cast<FuncLit>(e));
    return;
  case ExprKind::Paren: {
    auto *p = llvm::cast<ParenExpr>(e);
    rawExpr(p->x, hint);
    p->mode = p->x->mode;
    p->type = p->x->type;
    p->constVal = p->x->constVal;
    return;
  }
  case ExprKind::Selector:
    selector(llvm::cast<SelectorExpr>(e));
    return;
  case ExprKind::Index:
    indexExpr(llvm::cast<IndexExpr>(e));
    return;
  case ExprKind::Slice:
    sliceExpr(llvm::cast<SliceExpr>(e));
    return;
  case ExprKind::TypeAssert:
    typeAssert(llvm::cast<TypeAssertExpr>(e));
    return;
  case ExprKind::Call:
    call(llvm::cast<CallExpr>(e), hint);
    return;
  case ExprKind::Star:
    star(llvm::cast<StarExpr>(e));
    return;
  case ExprKind::Unary:
    unary(llvm::cast<UnaryExpr>(e));
    return;
  case ExprKind::Binary: {
    auto *b = llvm::cast<BinaryExpr>(e);
    binary(b, b->x, b->y, b->op);
    return;
  }
  case ExprKind::KeyValue:
    error(e->pos, "unexpected key:value expression");
    return;
  case ExprKind::ArrayType:
  case ExprKind::FuncType:
  case ExprKind::ChanType:
  case ExprKind::MapType:
  case ExprKind::StructType:
  case ExprKind::InterfaceType:
  case ExprKind::Ellipsis:
    if (Type *t = typeExpr(e)) {
      e->mode = ExprMode::TypeExpr;
      e->type = t;
    } else {
      e->mode = ExprMode::Invalid;
    }
    return;
  }
}

void Checker::ident(Ident *id) {
  if (id->name == "_") {
    error(id->pos, "cannot use _ as value");
    return;
  }
  Object *o = lookup(id->name);
  if (!o) {
    error(id->pos, "undefined: " + id->name);
    return;
  }
  id->obj = o;
  objDecl(o);
  switch (o->kind) {
  case ObjKind::Package:
    importUsed[o] = true;
    id->mode = ExprMode::Package;
    return;
  case ObjKind::Var:
    recordUse(o);
    if (!o->type)
      return; // erroneous declaration (or initialisation loop)
    id->mode = ExprMode::Variable;
    id->type = o->type;
    return;
  case ObjKind::Const:
    if (o->name == "iota" && o == tc.lookupUniverse("iota")) {
      if (iota < 0) {
        error(id->pos, "cannot use iota outside constant declaration");
        return;
      }
      id->mode = ExprMode::Constant;
      id->type = o->type;
      id->constVal = std::make_shared<ConstValue>(ConstValue::makeInt(iota));
      return;
    }
    if (!o->type || !o->constVal)
      return;
    id->mode = ExprMode::Constant;
    id->type = o->type;
    id->constVal = o->constVal;
    return;
  case ObjKind::TypeName:
    if (!o->type)
      return;
    if (o->type->kind == TypeKind::Interface) {
      unsupported(id->pos, "interface types");
      return;
    }
    if (o->type->kind == TypeKind::Complex64 || o->type->kind == TypeKind::Complex128) {
      unsupported(id->pos, "complex numbers");
      return;
    }
    id->mode = ExprMode::TypeExpr;
    id->type = o->type;
    return;
  case ObjKind::Func:
    recordUse(o);
    if (!o->type)
      return;
    id->mode = ExprMode::Value;
    id->type = o->type;
    return;
  case ObjKind::Builtin:
    id->mode = ExprMode::Builtin;
    return;
  case ObjKind::Nil:
    id->mode = ExprMode::Value;
    id->type = tc.basic(TypeKind::UntypedNil);
    return;
  case ObjKind::Label:
    error(id->pos, "undefined: " + id->name);
    return;
  }
}

static bool parseIntLit(llvm::StringRef text, llvm::APInt &out) {
  std::string digits;
  for (char c : text)
    if (c != '_')
      digits += c;
  llvm::StringRef s(digits);
  unsigned radix = 10;
  if (s.size() > 1 && s[0] == '0') {
    char p = s[1] | 0x20;
    if (p == 'x') {
      radix = 16;
      s = s.drop_front(2);
    } else if (p == 'b') {
      radix = 2;
      s = s.drop_front(2);
    } else if (p == 'o') {
      radix = 8;
      s = s.drop_front(2);
    } else {
      radix = 8;
      s = s.drop_front(1);
    }
  }
  if (s.empty())
    return false;
  // Enough bits for any literal that could fit; checked by the caller.
  unsigned bits = std::max<unsigned>(ConstValue::kIntBits * 2, s.size() * 4 + 8);
  llvm::APInt v(bits, 0);
  if (s.getAsInteger(radix, v))
    return false;
  out = v.zextOrTrunc(std::max(bits, v.getBitWidth()));
  return true;
}

void Checker::basicLit(BasicLit *lit) {
  switch (lit->litKind) {
  case TokKind::Int: {
    llvm::APInt v;
    if (!parseIntLit(lit->text, v)) {
      error(lit->pos, "malformed constant: " + lit->text);
      return;
    }
    if (v.getActiveBits() > ConstValue::kPrecBits) {
      error(lit->pos, "constant overflow");
      return;
    }
    ConstValue c;
    c.kind = ConstValue::Int;
    c.i = llvm::APSInt(v.trunc(ConstValue::kIntBits), false);
    lit->constVal = std::make_shared<ConstValue>(c);
    lit->type = tc.basic(TypeKind::UntypedInt);
    break;
  }
  case TokKind::Float: {
    std::string t;
    for (char ch : lit->text)
      if (ch != '_')
        t += ch;
    llvm::APFloat f(llvm::APFloat::IEEEdouble());
    auto st = f.convertFromString(t, llvm::APFloat::rmNearestTiesToEven);
    if (!st) {
      llvm::consumeError(st.takeError());
      error(lit->pos, "malformed constant: " + lit->text);
      return;
    }
    ConstValue c;
    c.kind = ConstValue::Float;
    c.f = f;
    // An integral float literal stays a float constant (1e3 is untyped float).
    lit->constVal = std::make_shared<ConstValue>(c);
    lit->type = tc.basic(TypeKind::UntypedFloat);
    break;
  }
  case TokKind::Imag:
    unsupported(lit->pos, "complex numbers");
    return;
  case TokKind::Char: {
    uint32_t r = 0;
    if (!unquoteChar(lit->text, r)) {
      error(lit->pos, "malformed constant: " + lit->text);
      return;
    }
    lit->constVal = std::make_shared<ConstValue>(ConstValue::makeInt(r));
    lit->type = tc.basic(TypeKind::UntypedRune);
    break;
  }
  case TokKind::String: {
    std::string s;
    if (!unquoteString(lit->text, s)) {
      error(lit->pos, "malformed constant: " + lit->text);
      return;
    }
    lit->constVal = std::make_shared<ConstValue>(ConstValue::makeString(std::move(s)));
    lit->type = tc.basic(TypeKind::UntypedString);
    break;
  }
  default:
    return;
  }
  lit->mode = ExprMode::Constant;
}

void Checker::funcLit(FuncLit *f) {
  FuncType *sig = funcType(f->sig);
  if (!sig || !f->body)
    return;
  FuncCtx *parent = fn ? fn : &globFn;
  int n = ++parent->closures;
  FuncCtx ctx;
  ctx.info = &f->info;
  ctx.name = parent->topLevel ? parent->name + ".func" + std::to_string(n)
                              : parent->name + "." + std::to_string(n);
  f->info.name = ctx.name;
  FuncCtx *saved = fn;
  fn = parent;
  funcBody(ctx, f->sig, sig, f->body);
  fn = saved;
  f->mode = ExprMode::Value;
  f->type = sig;
}

void Checker::compositeLit(CompositeLit *c, Type *hint) {
  Type *t = nullptr;
  bool openArray = false;
  if (c->typeExpr) {
    auto *at = llvm::dyn_cast<ArrayTypeExpr>(c->typeExpr);
    if (at && at->dots) {
      Type *elem = typeExpr(at->elem);
      if (!elem) {
        for (Expr *e : c->elts)
          rawExpr(e, nullptr);
        return;
      }
      openArray = true;
      t = tc.arrayOf(elem, 0); // placeholder; the length comes from the elements
    } else {
      t = typeExpr(c->typeExpr);
    }
  } else if (hint) {
    t = hint;
    // [](*T){{...}}: an elided &T{...}.
    if (auto *p = llvm::dyn_cast<PointerType>(hint->underlying())) {
      TypeKind k = p->elem->underlying()->kind;
      if (k == TypeKind::Struct || k == TypeKind::Array || k == TypeKind::Slice ||
          k == TypeKind::Map) {
        compositeLit(c, p->elem);
        if (c->mode != ExprMode::Invalid)
          c->type = hint; // irgen: a literal of pointer type is an implicit &T{...}
        return;
      }
    }
  } else {
    error(c->pos, "invalid composite literal type: missing type");
    return;
  }
  if (!t) {
    for (Expr *e : c->elts)
      if (!llvm::isa<KeyValueExpr>(e))
        rawExpr(e, nullptr);
    return;
  }
  Type *u = t->underlying();
  Type *elem = nullptr;
  int64_t length = -1;
  if (auto *a = llvm::dyn_cast<ArrayType>(u)) {
    elem = a->elem;
    if (!openArray)
      length = a->len;
  } else if (auto *s = llvm::dyn_cast<SliceType>(u)) {
    elem = s->elem;
  } else if (auto *st = llvm::dyn_cast<StructType>(u)) {
    structLit(c, t, st);
    return;
  } else {
    if (u->kind == TypeKind::Map)
      unsupported(c->pos, "map literals");
    else
      error(c->pos, "invalid composite literal type " + typeStr(t));
    return;
  }
  int64_t index = 0, maxIndex = 0;
  llvm::DenseMap<int64_t, bool> seen;
  bool ok = true;
  for (Expr *e : c->elts) {
    Expr *val = e;
    if (auto *kv = llvm::dyn_cast<KeyValueExpr>(e)) {
      int64_t v = -1;
      if (checkIndex(kv->key, length, false, &v)) {
        if (kv->key->mode == ExprMode::Constant) {
          index = v;
        } else {
          error(startPos(kv->key), "index " + shortExprString(kv->key) + " must be integer constant");
          ok = false;
        }
      } else {
        ok = false;
      }
      val = kv->value;
    } else if (length >= 0 && index >= length) {
      error(startPos(e), "index " + std::to_string(index) + " is out of bounds (>= " +
                             std::to_string(length) + ")");
      ok = false;
    }
    if (seen.count(index)) {
      // gc reports a duplicate key at the colon (the KeyValue node).
      llvm::SMLoc at = startPos(e);
      if (llvm::isa<KeyValueExpr>(e))
        for (const char *p = at.getPointer(); *p && *p != '\n'; ++p)
          if (*p == ':') {
            at = llvm::SMLoc::getFromPointer(p);
            break;
          }
      error(at, "duplicate index " + std::to_string(index) + " in array or slice literal");
      ok = false;
    }
    seen[index] = true;
    if (auto *inner = llvm::dyn_cast<CompositeLit>(val); inner && !inner->typeExpr)
      compositeLit(inner, elem);
    else
      expr(val, elem);
    if (!assignment(val, elem, "array or slice literal"))
      ok = false;
    ++index;
    maxIndex = std::max(maxIndex, index);
  }
  (void)ok;
  if (openArray) {
    t = tc.arrayOf(elem, maxIndex);
    c->typeExpr->type = t;
    c->typeExpr->mode = ExprMode::TypeExpr;
  }
  c->mode = ExprMode::Value;
  c->type = t;
}

void Checker::selector(SelectorExpr *s) {
  if (auto *id = llvm::dyn_cast<Ident>(s->x)) {
    Object *o = lookup(id->name);
    if (o && o->kind == ObjKind::Package) {
      id->obj = o;
      id->mode = ExprMode::Package;
      importUsed[o] = true;
      Object *m = tc.lookupPackageMember(o->pkgPath, s->sel->name);
      if (!m && !TypeContext::isKnownPackage(o->pkgPath))
        return; // unsupported import, already reported
      if (!m) {
        if (!s->sel->name.empty() && llvm::isLower(s->sel->name[0]))
          error(s->sel->pos, "name " + s->sel->name + " not exported by package " + o->pkgPath);
        else // the real package has far more members than glc provides
          unsupported(s->sel->pos, id->name + "." + s->sel->name);
        return;
      }
      s->sel->obj = m;
      s->sel->type = m->type;
      s->type = m->type;
      if (m->kind == ObjKind::Const) {
        s->mode = s->sel->mode = ExprMode::Constant;
        s->constVal = s->sel->constVal = m->constVal;
      } else if (m->kind == ObjKind::TypeName) {
        s->mode = s->sel->mode = ExprMode::TypeExpr;
      } else {
        s->mode = s->sel->mode = ExprMode::Value;
      }
      return;
    }
  }
  exprOrType(s->x);
  if (s->x->mode == ExprMode::Invalid)
    return;
  if (s->x->mode == ExprMode::TypeExpr) {
    methodExpr(s);
    return;
  }
  if (s->x->mode == ExprMode::Builtin) {
    // gc reports at the '.': find it before the selected name (only
    // blanks and newlines may separate them, barring comments).
    const char *q = s->sel->pos.getPointer();
    while (q && q[-1] != '.' && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\n' || q[-1] == '\r'))
      --q;
    llvm::SMLoc dot = q && q[-1] == '.' ? llvm::SMLoc::getFromPointer(q - 1) : s->sel->pos;
    error(dot, "cannot select on " + desc(s->x));
    return;
  }
  if (s->x->type && s->x->type->kind == TypeKind::Tuple) {
    singleValue(s->x); // gc: multiple-value f() (...) in single-value context
    return;
  }
  Type *xt = s->x->type;
  if (auto *it = llvm::dyn_cast_or_null<InterfaceType>(xt->underlying())) {
    for (size_t k = 0; k < it->methods.size(); ++k)
      if (it->methods[k].name == s->sel->name) {
        s->ifaceMethod = (int)k;
        s->type = s->sel->type = it->methods[k].sig;
        s->mode = s->sel->mode = ExprMode::Value;
        return;
      }
    error(s->sel->pos, shortExprString(s) + " undefined (type " + typeStr(xt) +
                           " has no field or method " + s->sel->name + ")");
    return;
  }
  if (auto *p = llvm::dyn_cast_or_null<PointerType>(xt->underlying()))
    if (p->elem->underlying() && p->elem->underlying()->kind == TypeKind::Interface) {
      error(s->sel->pos, shortExprString(s) + " undefined (type " + typeStr(xt) +
                             " is pointer to interface, not interface)");
      return;
    }
  // Selectors see through one pointer (Go spec "Selectors": x.f is
  // (*x).f), for methods only when the pointer type is not a defined type.
  // (A defined pointer type has no methods: only its base's fields.)
  bool viaPtr = llvm::isa<PointerType>(xt->underlying());
  Selection found = lookupFieldOrMethod(tc, xt, s->sel->name);
  switch (found.kind) {
  case Selection::None:
    break;
  case Selection::Ambiguous:
    error(s->sel->pos, "ambiguous selector " + shortExprString(s));
    return;
  case Selection::Method:
    selectMethod(s, found, xt);
    return;
  case Selection::Field:
    s->path = found.path;
    s->sel->type = s->type = found.type;
    s->sel->mode = ExprMode::Variable;
    s->mode = viaPtr || found.indirect || s->x->mode == ExprMode::Variable ? ExprMode::Variable
                                                                           : ExprMode::Value;
    return;
  }
  error(s->sel->pos, shortExprString(s) + " undefined (type " + typeStr(s->x->type) +
                         " has no field or method " + s->sel->name + ")");
}

bool Checker::checkIndex(Expr *idx, int64_t max, bool allowMax, int64_t *value) {
  expr(idx);
  if (idx->mode == ExprMode::Invalid)
    return false;
  if (!convertUntyped(idx, tc.intType()))
    return false;
  if (!idx->type->isInteger()) {
    error(startPos(idx), "invalid argument: index " + desc(idx) + " must be integer");
    idx->mode = ExprMode::Invalid;
    return false;
  }
  if (idx->mode != ExprMode::Constant) {
    if (value)
      *value = -1;
    return true;
  }
  if (idx->constVal->i.isNegative()) {
    error(startPos(idx), "invalid argument: index " + desc(idx) + " must not be negative");
    return false;
  }
  ConstValue out;
  if (constfold::representable(*idx->constVal, tc.intType(), out) != Status::Ok) {
    error(startPos(idx), "invalid argument: index " + desc(idx) + " overflows int");
    return false;
  }
  int64_t v = out.asInt64();
  if (max >= 0 && (allowMax ? v > max : v >= max)) {
    error(startPos(idx), "invalid argument: index " + constfold::toString(out) +
                             " out of bounds [0:" + std::to_string(allowMax ? max + 1 : max) +
                             "]");
    return false;
  }
  if (value)
    *value = v;
  return true;
}

void Checker::indexExpr(IndexExpr *e) {
  exprOrType(e->x);
  Expr *x = e->x;
  if (x->mode == ExprMode::Invalid) {
    expr(e->index);
    return;
  }
  if (x->mode == ExprMode::TypeExpr) {
    error(startPos(x), desc(x) + " is not a generic type");
    return;
  }
  if (!singleValue(x)) {
    return;
  }
  Type *u = x->type->underlying();
  int64_t length = -1;
  switch (u->kind) {
  case TypeKind::String:
  case TypeKind::UntypedString:
    if (x->mode == ExprMode::Constant)
      length = (int64_t)x->constVal->s.size();
    e->type = tc.basic(TypeKind::Uint8);
    e->mode = ExprMode::Value;
    if (x->type->isUntyped())
      finalize(x, tc.stringType());
    break;
  case TypeKind::Array:
    length = llvm::cast<ArrayType>(u)->len;
    e->type = llvm::cast<ArrayType>(u)->elem;
    e->mode = x->mode == ExprMode::Variable ? ExprMode::Variable : ExprMode::Value;
    break;
  case TypeKind::Slice:
    e->type = llvm::cast<SliceType>(u)->elem;
    e->mode = ExprMode::Variable;
    break;
  case TypeKind::Pointer:
    // p[i] with p a *[N]T is (*p)[i].
    if (auto *a = llvm::dyn_cast<ArrayType>(llvm::cast<PointerType>(u)->elem->underlying())) {
      length = a->len;
      e->type = a->elem;
      e->mode = ExprMode::Variable;
      break;
    }
    [[fallthrough]];
  default:
    error(startPos(x), "invalid operation: cannot index " + desc(x));
    expr(e->index);
    e->mode = ExprMode::Invalid;
    return;
  }
  int64_t v;
  if (!checkIndex(e->index, length, false, &v)) {
    e->mode = ExprMode::Invalid;
    return;
  }
  // Indexing a constant string with a constant index is still not a
  // constant (Go spec), but the value is known.
}

void Checker::sliceExpr(SliceExpr *e) {
  expr(e->x);
  Expr *x = e->x;
  if (x->mode == ExprMode::Invalid) {
    for (Expr *i : {e->lo, e->hi, e->max})
      if (i)
        expr(i);
    return;
  }
  Type *u = x->type->underlying();
  int64_t length = -1;
  switch (u->kind) {
  case TypeKind::String:
  case TypeKind::UntypedString:
    if (e->slice3) {
      error(startPos(x), "invalid operation: 3-index slice of string");
      return;
    }
    if (x->mode == ExprMode::Constant)
      length = (int64_t)x->constVal->s.size();
    if (x->type->isUntyped())
      finalize(x, tc.stringType());
    e->type = x->type;
    break;
  case TypeKind::Array:
    if (x->mode != ExprMode::Variable) {
      error(startPos(x), "invalid operation: " + shortExprString(x) +
                             " (slice of unaddressable value)");
      return;
    }
    markAddrTaken(x); // the slice points into x's storage
    length = llvm::cast<ArrayType>(u)->len;
    e->type = tc.sliceOf(llvm::cast<ArrayType>(u)->elem);
    break;
  case TypeKind::Slice:
    e->type = x->type;
    break;
  case TypeKind::Pointer:
    // p[lo:hi] with p a *[N]T is (*p)[lo:hi].
    if (auto *a = llvm::dyn_cast<ArrayType>(llvm::cast<PointerType>(u)->elem->underlying())) {
      length = a->len;
      e->type = tc.sliceOf(a->elem);
      break;
    }
    [[fallthrough]];
  default:
    error(startPos(x), "cannot slice " + desc(x));
    return;
  }
  if (e->slice3 && (!e->hi || !e->max)) {
    error(e->pos, "middle index required in 3-index slice");
    return;
  }
  int64_t vals[3] = {-1, -1, -1};
  Expr *idx[3] = {e->lo, e->hi, e->max};
  for (int i = 0; i < 3; ++i) {
    if (!idx[i])
      continue;
    if (!checkIndex(idx[i], length, true, &vals[i])) {
      e->mode = ExprMode::Invalid;
      return;
    }
  }
  // Constant indices must be non-decreasing.
  for (int i = 0; i < 3; ++i)
    for (int j = i + 1; j < 3; ++j)
      if (vals[i] >= 0 && vals[j] >= 0 && vals[i] > vals[j]) {
        error(startPos(idx[j]), "invalid slice indices: " + std::to_string(vals[j]) + " < " +
                                    std::to_string(vals[i]));
        e->mode = ExprMode::Invalid;
        return;
      }
  e->mode = ExprMode::Value;
}

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

static std::string kindString(Type *t) {
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

/// The predeclared nil (possibly parenthesized); its type may already be
/// the context's after convertUntyped.
static bool isNilExpr(Expr *z) {
  while (auto *p = llvm::dyn_cast<ParenExpr>(z))
    z = p->x;
  auto *id = llvm::dyn_cast<Ident>(z);
  return id && id->obj && id->obj->kind == ObjKind::Nil;
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
  // converted to the interface type (Go spec "Comparison operators").
  if (!isNil(x) && !isNil(y) && x->type != y->type) {
    if (x->type->underlying()->kind == TypeKind::Interface && y->type->underlying()->kind != TypeKind::Interface) {
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

//===----------------------------------------------------------------------===//
// Structs and pointers
//===----------------------------------------------------------------------===//

// types2's incomparableCause: why == is not defined on t ("" = generic).
std::string Checker::incomparableCause(Type *t) {
  Type *u = t->underlying();
  switch (u->kind) {
  case TypeKind::Slice:
  case TypeKind::Func:
  case TypeKind::Map:
    return kindString(t) + " can only be compared to nil";
  case TypeKind::Struct:
    for (auto &f : llvm::cast<StructType>(u)->fields)
      if (!comparable(f.type))
        return "struct containing " + typeStr(f.type) + " cannot be compared";
    return "";
  case TypeKind::Array:
    return typeStr(t) + " cannot be compared";
  default:
    return "";
  }
}

// An unexported field of a struct type declared in another package (the
// built-in packages' time.Timer.r, sync.Mutex's words): invisible to main.
bool Checker::hiddenField(Type *t, const StructField &f) {
  auto *n = llvm::dyn_cast_or_null<NamedType>(t);
  if (!n || n->obj->pkgPath.empty() || n->obj->pkgPath == "main")
    return false;
  return f.name.empty() || !llvm::isUpper(f.name[0]);
}

// The variable whose storage holds the addressable expression e (x for
// x, x.f, x[i] of an array x), or null when e lives elsewhere (behind a
// pointer, in a slice's array). Taking e's address makes that variable
// escape: irgen gives it a heap box, like a variable captured by a closure.
void Checker::markAddrTaken(Expr *e) {
  while (true) {
    if (auto *p = llvm::dyn_cast<ParenExpr>(e)) {
      e = p->x;
    } else if (auto *s = llvm::dyn_cast<SelectorExpr>(e)) {
      if (!s->x->type || s->x->type->underlying()->kind == TypeKind::Pointer)
        return;
      e = s->x;
    } else if (auto *ix = llvm::dyn_cast<IndexExpr>(e)) {
      if (!ix->x->type || ix->x->type->underlying()->kind != TypeKind::Array)
        return;
      e = ix->x;
    } else if (auto *id = llvm::dyn_cast<Ident>(e)) {
      if (id->obj && id->obj->kind == ObjKind::Var && !id->obj->isGlobal)
        id->obj->captured = true;
      return;
    } else {
      return;
    }
  }
}

// &x: x addressable, or a (parenthesized) composite literal.
void Checker::addressOf(UnaryExpr *e) {
  Expr *x = e->x;
  while (auto *p = llvm::dyn_cast<ParenExpr>(x))
    x = p->x;
  if (auto *lit = llvm::dyn_cast<CompositeLit>(x)) {
    rawExpr(e->x, nullptr);
    if (e->x->mode == ExprMode::Invalid)
      return;
    e->type = tc.pointerTo(lit->type);
    e->mode = ExprMode::Value;
    return;
  }
  expr(e->x);
  if (e->x->mode == ExprMode::Invalid)
    return;
  if (e->x->mode != ExprMode::Variable) {
    error(startPos(e->x), "invalid operation: cannot take address of " + desc(e->x));
    return;
  }
  markAddrTaken(e->x);
  e->type = tc.pointerTo(e->x->type);
  e->mode = ExprMode::Value;
}

// *x: a pointer indirection, or the pointer type *T.
void Checker::star(StarExpr *e) {
  exprOrType(e->x);
  Expr *x = e->x;
  if (x->mode == ExprMode::Invalid)
    return;
  if (x->mode == ExprMode::TypeExpr) {
    e->mode = ExprMode::TypeExpr;
    e->type = tc.pointerTo(x->type);
    return;
  }
  if (!singleValue(x))
    return;
  if (x->type->kind == TypeKind::UntypedNil) {
    error(startPos(x), "invalid operation: cannot indirect nil");
    return;
  }
  auto *p = llvm::dyn_cast<PointerType>(x->type->underlying());
  if (!p) {
    error(startPos(x), "invalid operation: cannot indirect " + desc(x));
    return;
  }
  e->type = p->elem;
  e->mode = ExprMode::Variable;
}

// Struct literals, as types2 checks them: all keyed or all positional.
void Checker::structLit(CompositeLit *c, Type *t, StructType *st) {
  auto &fields = st->fields;
  auto colonOf = [](Expr *kv) {
    // gc reports at the KeyValue node, i.e. its colon.
    llvm::SMLoc at = startPos(kv);
    for (const char *p = at.getPointer(); *p && *p != '\n'; ++p)
      if (*p == ':')
        return llvm::SMLoc::getFromPointer(p);
    return at;
  };
  if (!c->elts.empty() && llvm::isa<KeyValueExpr>(c->elts[0])) {
    std::vector<bool> visited(fields.size(), false);
    for (Expr *e : c->elts) {
      auto *kv = llvm::dyn_cast<KeyValueExpr>(e);
      if (!kv) {
        rawExpr(e, nullptr);
        error(startPos(e), "mixture of field:value and value elements in struct literal");
        continue;
      }
      auto *key = llvm::dyn_cast<Ident>(kv->key);
      expr(kv->value);
      if (!key) {
        error(colonOf(kv), "invalid field name " + shortExprString(kv->key) +
                               " in struct literal");
        continue;
      }
      size_t i = 0;
      while (i < fields.size() &&
             (fields[i].name != key->name || key->name == "_" || hiddenField(t, fields[i])))
        ++i;
      if (i == fields.size()) {
        error(key->pos, "unknown field '" + key->name + "' in struct literal of type " +
                            typeStr(t));
        continue;
      }
      key->type = fields[i].type;
      key->mode = ExprMode::Variable;
      if (kv->value->mode != ExprMode::Invalid)
        assignment(kv->value, fields[i].type, "struct literal");
      if (visited[i]) {
        error(colonOf(kv), "duplicate field name " + key->name + " in struct literal");
        continue;
      }
      visited[i] = true;
    }
  } else {
    for (size_t i = 0; i < c->elts.size(); ++i) {
      Expr *e = c->elts[i];
      if (auto *kv = llvm::dyn_cast<KeyValueExpr>(e)) {
        expr(kv->value);
        error(colonOf(kv), "mixture of field:value and value elements in struct literal");
        continue;
      }
      expr(e);
      if (i >= fields.size()) {
        error(startPos(e), "too many values in " + shortExprString(c));
        break;
      }
      if (hiddenField(t, fields[i])) {
        error(startPos(e), "implicit assignment to unexported field " + fields[i].name + " in " +
                               typeStr(t) + " literal");
        continue;
      }
      if (e->mode != ExprMode::Invalid)
        assignment(e, fields[i].type, "struct literal");
    }
    if (!c->elts.empty() && c->elts.size() < fields.size())
      error(c->rbrace.isValid() ? c->rbrace : c->pos, "too few values in " + shortExprString(c));
  }
  c->mode = ExprMode::Value;
  c->type = t;
}
