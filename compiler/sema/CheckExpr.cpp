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
#include "parse/ASTUtil.h"

#include "lex/Lexer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Error.h"

using namespace glc;
using constfold::Status;

/// The leftmost position of an expression (gc reports errors there).
llvm::SMLoc glc::startPos(Expr *e) {
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
  case ExprMode::Variable: s += isMapIndex(e) ? "map index expression" : "variable"; break;
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
    return c.r.isZero();
  return false;
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
  if (preChecked.erase(e))
    return; // builtinCall checked it (and each placeholder is checked once)
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
