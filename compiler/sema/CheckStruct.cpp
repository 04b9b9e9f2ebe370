//===- CheckStruct.cpp - structs and pointers -------------------------------===//
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

// An unexported field of a struct type declared in another package than
// the one being checked (time.Timer.r, sync.Mutex.state): invisible.
bool Checker::hiddenField(Type *t, const StructField &f) {
  auto *n = llvm::dyn_cast_or_null<NamedType>(t);
  if (!n || n->obj->pkgPath == tc.currentPackage())
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
  if (e->x->mode != ExprMode::Variable || isMapIndex(e->x)) {
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
