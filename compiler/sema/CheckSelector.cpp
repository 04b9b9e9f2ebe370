//===- CheckSelector.cpp - selectors, index and slice expressions -----------===//
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
// Selectors, index and slice expressions
//===----------------------------------------------------------------------===//

void Checker::selector(SelectorExpr *s) {
  if (auto *id = llvm::dyn_cast<Ident>(s->x)) {
    Object *o = lookup(id->name);
    if (o && o->kind == ObjKind::Package) {
      id->obj = o;
      id->mode = ExprMode::Package;
      importUsed[o] = true;
      Object *m = tc.lookupPackageMember(o->pkgPath, s->sel->name);
      if (!m && !tc.hasPackage(o->pkgPath))
        return; // unsupported import, already reported
      // gc (types2): "undefined: a.Y" / "x not exported by package a".
      if (!m) {
        error(s->sel->pos, "undefined: " + id->name + "." + s->sel->name);
        return;
      }
      if (s->sel->name.empty() || !llvm::isUpper(s->sel->name[0])) {
        error(s->sel->pos, s->sel->name + " not exported by package " + tc.packageName(o->pkgPath));
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
    // Another package's unexported method m is not this package's m.
    for (size_t k = 0; k < it->methods.size(); ++k)
      if (it->methods[k].name == s->sel->name &&
          (isExportedName(s->sel->name) || it->methods[k].pkgPath == tc.currentPackage())) {
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
  // An unexported method of a type declared in another package cannot be
  // named here (gc: "x.m undefined (type T has no field or method m, but
  // does have M)"), as unexported fields are hidden by the lookup itself.
  // Only at the selector: the type's own package's interfaces still see it.
  auto hiddenMethod = [&](const Selection &sel) {
    return sel.kind == Selection::Method && sel.method && !sel.method->ifaceOwner &&
           sel.method->pkgPath != tc.currentPackage() && !sel.method->name.empty() &&
           !llvm::isUpper(sel.method->name[0]) && (unsigned char)sel.method->name[0] < 0x80;
  };
  Selection found = lookupFieldOrMethod(tc, xt, s->sel->name);
  if (hiddenMethod(found))
    found.kind = Selection::None;
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
  // types2: a name differing only in its first letter's case is hinted at
  // (an unexported field seen from another package: "but does have M").
  std::string hint;
  if (!s->sel->name.empty() && (unsigned char)s->sel->name[0] < 0x80) {
    std::string other = s->sel->name;
    other[0] = llvm::isUpper(other[0]) ? llvm::toLower(other[0]) : llvm::toUpper(other[0]);
    Selection alt = other != s->sel->name ? lookupFieldOrMethod(tc, xt, other) : Selection{};
    if (alt.kind != Selection::None && !hiddenMethod(alt))
      hint = ", but does have " + other;
  }
  error(s->sel->pos, shortExprString(s) + " undefined (type " + typeStr(s->x->type) +
                         " has no field or method " + s->sel->name + hint + ")");
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
  case TypeKind::Map:
    mapIndex(e, llvm::cast<MapType>(u));
    return;
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
