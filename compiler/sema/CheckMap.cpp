//===- CheckMap.cpp - map literals, m[k], delete ---------------------------===//
//
// The rules of go/types (types2, go1.19) for maps:
//  - map[K]V requires a comparable K ("invalid map key type K",
//    TypeExpr.cpp);
//  - a map literal's elements are all key: value ("missing key in map
//    literal"); constant keys may not repeat ("duplicate key K in map
//    literal"); a key or value that is itself a composite literal may
//    elide its type (and the & of a pointer key/value type);
//  - m[k] is assignable and usable in `v, ok := m[k]`, but not
//    addressable: &m[k], m[k].f = v and m[k][i] = v are errors.
// m[k] keeps mode Variable (it is an assignment target); isMapIndex tells
// it apart where addressability matters (desc, &, mapElemPart, irgen).
//===----------------------------------------------------------------------===//
#include "sema/CheckerImpl.h"
#include "sema/ConstFold.h"
#include "parse/ASTUtil.h"

#include <map>

namespace glc {

llvm::SMLoc exprStart(Expr *e);

bool Checker::isMapIndex(Expr *e) {
  auto *ix = llvm::dyn_cast_or_null<IndexExpr>(unparen(e));
  return ix && ix->x && ix->x->type && ix->x->type->underlying()->kind == TypeKind::Map;
}

bool Checker::mapElemPart(Expr *lhs) {
  // Walk x.f and x[i] (arrays only: slices and pointers lead elsewhere).
  Expr *e = unparen(lhs);
  bool field = false;
  for (;;) {
    if (auto *s = llvm::dyn_cast<SelectorExpr>(e)) {
      if (!s->x->type || s->x->type->underlying()->kind == TypeKind::Pointer)
        return true;
      field = true;
      e = unparen(s->x);
    } else if (auto *ix = llvm::dyn_cast<IndexExpr>(e)) {
      if (e != unparen(lhs) && isMapIndex(ix)) {
        if (field)
          error(exprStart(lhs), "cannot assign to struct field " + shortExprString(lhs) + " in map");
        else
          error(exprStart(lhs), "cannot assign to " + shortExprString(lhs) + " (value of type " +
                                    typeStr(lhs->type) + ")");
        return false;
      }
      if (!ix->x->type || ix->x->type->underlying()->kind != TypeKind::Array)
        return true;
      e = unparen(ix->x);
    } else {
      return true;
    }
  }
}

void Checker::mapIndex(IndexExpr *e, MapType *mt) {
  Expr *k = e->index;
  if (auto *lit = llvm::dyn_cast<CompositeLit>(k); lit && !lit->typeExpr) {
    error(lit->pos, "invalid composite literal type: missing type");
    return;
  }
  expr(k, mt->key);
  if (k->mode == ExprMode::Invalid)
    return;
  if (!assignment(k, mt->key, "map index"))
    return;
  e->type = mt->value;
  e->mode = ExprMode::Variable;
}

void Checker::mapLit(CompositeLit *c, Type *t, MapType *mt) {
  std::map<std::pair<Type *, std::string>, bool> seen;
  auto sub = [&](Expr *x, Type *want) {
    if (auto *inner = llvm::dyn_cast<CompositeLit>(x); inner && !inner->typeExpr)
      compositeLit(inner, want);
    else
      expr(x, want);
  };
  for (Expr *e : c->elts) {
    auto *kv = llvm::dyn_cast<KeyValueExpr>(e);
    if (!kv) {
      error(exprStart(e), "missing key in map literal");
      rawExpr(e, nullptr);
      continue;
    }
    sub(kv->key, mt->key);
    if (kv->key->mode != ExprMode::Invalid && assignment(kv->key, mt->key, "map literal") &&
        kv->key->mode == ExprMode::Constant && kv->key->constVal) {
      auto id = std::make_pair(kv->key->type, constfold::toString(*kv->key->constVal));
      if (seen.count(id))
        error(exprStart(kv->key), "duplicate key " + shortExprString(kv->key) + " in map literal");
      seen[id] = true;
    }
    sub(kv->value, mt->value);
    if (kv->value->mode != ExprMode::Invalid)
      assignment(kv->value, mt->value, "map literal");
  }
  c->mode = ExprMode::Value;
  c->type = t;
}

} // namespace glc
