//===- TypeExpr.cpp - type expressions --------------------------------------===//
//
// Turns type syntax ([]T, [N]T, func(...) ..., chan T, *T, struct{...},
// interface{...}, named types) into interned Types. Map types are valid Go
// that glc does not support yet: they get a "not supported" error and a
// null type (callers treat null as "already reported"). Embedded fields
// (T, *T, pkg.T) are named after their type; selection through them is
// Lookup.cpp's lookupFieldOrMethod.
//
// Recursive types: a named type may refer to itself through a pointer,
// slice, chan, func or map (type N struct{ next *N }), but not by value
// (type T struct{ t T }, type A [2]A). checkValidType runs when a named
// type's underlying type is set and looks for a by-value cycle back to it;
// a cycle is reported once, starting at its member declared first (gc's
// order), and broken by giving that member an invalid (int) underlying
// type, so later layout and comparability walks terminate.
//===----------------------------------------------------------------------===//
#include "sema/CheckerImpl.h"

#include "llvm/ADT/StringExtras.h"
#include "parse/ASTUtil.h"

#include <algorithm>

using namespace glc;
namespace glc {
llvm::SMLoc exprStart(Expr *e);
}

Type *Checker::typeExpr(Expr *e) {
  Type *t = nullptr;
  switch (e->kind) {
  case ExprKind::Ident: {
    auto *id = llvm::cast<Ident>(e);
    if (id->name == "_") {
      error(id->pos, "cannot use _ as value or type");
      return nullptr;
    }
    Object *o = lookup(id->name);
    if (!o) {
      error(id->pos, "undefined: " + id->name);
      return nullptr;
    }
    id->obj = o;
    if (o->kind == ObjKind::Package)
      importUsed[o] = true;
    if (o->kind != ObjKind::TypeName) {
      objDecl(o);
      if (o->kind == ObjKind::Package)
        error(id->pos, "use of package " + o->name + " without selector");
      else {
        ident(id);
        if (id->mode != ExprMode::Invalid)
          error(id->pos, desc(id) + " is not a type");
      }
      id->mode = ExprMode::Invalid;
      return nullptr;
    }
    objDecl(o);
    t = o->type;
    if (!t)
      return nullptr;
    if (t->kind == TypeKind::Complex64 || t->kind == TypeKind::Complex128) {
      unsupported(id->pos, "complex numbers");
      return nullptr;
    }
    break;
  }
  case ExprKind::Paren:
    t = typeExpr(llvm::cast<ParenExpr>(e)->x);
    break;
  case ExprKind::Selector: {
    auto *s = llvm::cast<SelectorExpr>(e);
    if (auto *id = llvm::dyn_cast<Ident>(s->x)) {
      Object *o = lookup(id->name);
      if (o && o->kind == ObjKind::Package) {
        importUsed[o] = true;
        id->obj = o;
        id->mode = ExprMode::Package;
        // A type of an imported package (time.Duration, util.T).
        Object *m = tc.lookupPackageMember(o->pkgPath, s->sel->name);
        if (m && m->kind == ObjKind::TypeName && !llvm::isUpper(s->sel->name[0])) {
          error(s->sel->pos, s->sel->name + " not exported by package " + tc.packageName(o->pkgPath));
          return nullptr;
        }
        if (m && m->kind == ObjKind::TypeName) {
          s->sel->obj = m;
          s->sel->type = s->type = m->type;
          s->sel->mode = s->mode = ExprMode::TypeExpr;
          t = m->type;
          break;
        }
        error(s->sel->pos, "undefined: " + id->name + "." + s->sel->name);
        return nullptr;
      }
    }
    error(e->pos, shortExprString(e) + " is not a type");
    return nullptr;
  }
  case ExprKind::ArrayType: {
    auto *a = llvm::cast<ArrayTypeExpr>(e);
    if (a->dots) {
      error(a->pos, "invalid use of [...] array (outside a composite literal)");
      typeExpr(a->elem);
      return nullptr;
    }
    int64_t n = -1;
    if (a->len)
      n = arrayLength(a->len);
    Type *elem = typeExpr(a->elem);
    if (!elem)
      return nullptr;
    if (a->isSlice()) {
      t = tc.sliceOf(elem);
    } else {
      if (n < 0)
        return nullptr;
      t = tc.arrayOf(elem, n);
    }
    break;
  }
  case ExprKind::FuncType:
    t = funcType(llvm::cast<FuncTypeExpr>(e));
    break;
  case ExprKind::ChanType: {
    auto *c = llvm::cast<ChanTypeExpr>(e);
    Type *elem = typeExpr(c->elem);
    if (!elem)
      return nullptr;
    t = tc.chanOf(elem, c->dir);
    break;
  }
  case ExprKind::MapType: {
    auto *m = llvm::cast<MapTypeExpr>(e);
    Type *key = typeExpr(m->key);
    Type *value = typeExpr(m->value);
    if (!key || !value)
      return nullptr;
    if (!comparable(key)) {
      error(exprStart(m->key), "invalid map key type " + typeStr(key));
      return nullptr;
    }
    t = tc.mapOf(key, value);
    break;
  }
  case ExprKind::StructType:
    t = structType(llvm::cast<StructTypeExpr>(e));
    if (!t)
      return nullptr;
    break;
  case ExprKind::InterfaceType:
    t = interfaceType(llvm::cast<InterfaceTypeExpr>(e));
    if (!t)
      return nullptr;
    break;
  case ExprKind::Star: {
    Type *elem = typeExpr(llvm::cast<StarExpr>(e)->x);
    if (!elem)
      return nullptr;
    t = tc.pointerTo(elem);
    break;
  }
  case ExprKind::Ellipsis:
    error(e->pos, "invalid use of ...");
    return nullptr;
  case ExprKind::Bad:
    return nullptr;
  default:
    rawExpr(e, nullptr);
    if (e->mode != ExprMode::Invalid)
      error(e->pos, shortExprString(e) + " is not a type");
    return nullptr;
  }
  if (t) {
    e->mode = ExprMode::TypeExpr;
    e->type = t;
  }
  return t;
}

int64_t Checker::arrayLength(Expr *e) {
  // gc: a name that is not a constant is an "invalid array length" (and is
  // not a use of the name).
  if (auto *id = llvm::dyn_cast<Ident>(e)) {
    Object *o = lookup(id->name);
    if (!o) {
      error(id->pos, "undefined array length " + id->name + " or missing type constraint");
      return -1;
    }
    if (o->kind != ObjKind::Const) {
      error(id->pos, "invalid array length " + id->name);
      return -1;
    }
  }
  expr(e);
  if (e->mode == ExprMode::Invalid)
    return -1;
  if (e->mode != ExprMode::Constant) {
    error(e->pos, "array length " + shortExprString(e) + " (" +
                      (e->mode == ExprMode::Variable ? "variable" : "value") + " of type " +
                      typeStr(e->type) + ") must be constant");
    return -1;
  }
  if (e->type->isUntyped() || e->type->isInteger()) {
    ConstValue v;
    if (constfold::representable(*e->constVal, tc.intType(), v) == constfold::Status::Ok) {
      if (v.i.isNegative()) {
        error(e->pos, "invalid array length " + desc(e));
        return -1;
      }
      if (e->type->isUntyped())
        finalize(e, tc.intType());
      return v.asInt64();
    }
  }
  error(e->pos, "array length " + desc(e) + " must be integer");
  return -1;
}

FuncType *Checker::funcType(FuncTypeExpr *f) {
  std::vector<Type *> params, results;
  bool variadic = false, ok = true;
  for (size_t i = 0; i < f->params.size(); ++i) {
    Field *fld = f->params[i];
    Type *t = nullptr;
    if (auto *el = llvm::dyn_cast<EllipsisExpr>(fld->typeExpr)) {
      if (i + 1 != f->params.size() || fld->names.size() > 1) {
        error(el->pos, "can only use ... with final parameter in list");
        ok = false;
        continue;
      }
      Type *elem = typeExpr(el->elem);
      if (!elem) {
        ok = false;
        continue;
      }
      t = tc.sliceOf(elem);
      variadic = true;
    } else {
      t = typeExpr(fld->typeExpr);
    }
    if (!t)
      ok = false;
    size_t n = fld->names.empty() ? 1 : fld->names.size();
    for (size_t k = 0; k < n; ++k)
      params.push_back(t);
  }
  for (Field *fld : f->results) {
    Type *t = nullptr;
    if (llvm::isa<EllipsisExpr>(fld->typeExpr)) {
      error(fld->typeExpr->pos, "can only use ... with final parameter in list");
    } else {
      t = typeExpr(fld->typeExpr);
    }
    if (!t)
      ok = false;
    size_t n = fld->names.empty() ? 1 : fld->names.size();
    for (size_t k = 0; k < n; ++k)
      results.push_back(t);
  }
  if (!ok)
    return nullptr;
  FuncType *ft = tc.funcOf(params, results, variadic);
  f->mode = ExprMode::TypeExpr;
  f->type = ft;
  return ft;
}

// StructType = "struct" "{" { FieldDecl ";" } "}" .
// FieldDecl  = (IdentifierList Type | EmbeddedField) [ Tag ] .
StructType *Checker::structType(StructTypeExpr *s) {
  std::vector<StructField> fields;
  llvm::StringMap<Ident *> seen;
  bool ok = true;
  for (Field *f : s->fields) {
    if (f->embedded || f->names.empty()) {
      // EmbeddedField = [ "*" ] TypeName: the field is named after the type.
      Expr *te = f->typeExpr;
      if (auto *st = llvm::dyn_cast<StarExpr>(te))
        te = st->x;
      Ident *nameId = llvm::dyn_cast<Ident>(te);
      if (auto *sel = llvm::dyn_cast<SelectorExpr>(te))
        nameId = sel->sel;
      if (!nameId) {
        unsupported(f->pos, "this embedded field is");
        ok = false;
        continue;
      }
      Type *t = typeExpr(f->typeExpr);
      if (!t) {
        ok = false;
        continue;
      }
      Type *base = t;
      if (llvm::isa<StarExpr>(f->typeExpr))
        base = llvm::cast<PointerType>(t)->elem;
      if (base->underlying() && base->underlying()->kind == TypeKind::Pointer) {
        error(f->typeExpr->pos, "embedded field type cannot be a pointer");
        ok = false;
        continue;
      }
      auto [it, fresh] = seen.try_emplace(nameId->name, nameId);
      if (!fresh) {
        error(nameId->pos, nameId->name + " redeclared\n\t" + posString(it->second->pos) +
                               ": other declaration of " + nameId->name);
        ok = false;
        continue;
      }
      fields.push_back(StructField{nameId->name, t, true});
      continue;
    }
    Type *t = typeExpr(f->typeExpr);
    if (!t)
      ok = false;
    for (Ident *id : f->names) {
      if (id->name != "_") {
        auto [it, fresh] = seen.try_emplace(id->name, id);
        if (!fresh) {
          error(id->pos, id->name + " redeclared\n\t" + posString(it->second->pos) +
                             ": other declaration of " + id->name);
          ok = false;
          continue;
        }
      }
      fields.push_back(StructField{id->name, t, false});
    }
  }
  if (!ok)
    return nullptr;
  return tc.structOf(fields);
}

// InterfaceType = "interface" "{" { (MethodSpec | InterfaceTypeName) ";" } "}" .
// The method set is the union of the declared methods and those of the
// embedded interfaces, sorted by methodLess (a method may come in twice with
// identical signatures; different ones are gc's "duplicate method"). An
// unexported method is this package's; one embedded from another package's
// interface stays that package's (a different method from this package's
// method of the same name).
InterfaceType *Checker::interfaceType(InterfaceTypeExpr *it) {
  std::vector<InterfaceMethod> methods;
  llvm::StringMap<std::pair<FuncType *, llvm::SMLoc>> seen;
  bool ok = true;
  auto add = [&](const std::string &name, const std::string &pkg, FuncType *sig, llvm::SMLoc pos,
                 bool explicitM) {
    auto [pos0, fresh] = seen.try_emplace(pkg.empty() ? name : pkg + "\n" + name, sig, pos);
    if (!fresh) {
      if (pos0->second.first == sig && !explicitM)
        return;
      if (explicitM || pos0->second.first != sig) {
        error(pos, "duplicate method " + name +
                       (pos0->second.second.isValid()
                            ? "\n\t" + posString(pos0->second.second) + ": other declaration of " + name
                            : std::string()));
        ok = false;
      }
      return;
    }
    methods.push_back(InterfaceMethod{name, sig, pkg});
  };
  // Declared methods first, so a clash with an embedded one is reported at
  // the embedded name.
  for (Field *f : it->methods) {
    if (f->names.size() != 1 || !llvm::isa<FuncTypeExpr>(f->typeExpr))
      continue;
    Ident *name = f->names[0];
    FuncType *sig = funcType(llvm::cast<FuncTypeExpr>(f->typeExpr));
    if (!sig) {
      ok = false;
      continue;
    }
    if (name->name == "_") {
      error(name->pos, "methods must have a unique non-blank name");
      ok = false;
      continue;
    }
    add(name->name, isExportedName(name->name) ? std::string() : tc.currentPackage(), sig,
        name->pos, true);
  }
  for (Field *f : it->methods) {
    if (f->names.size() == 1 && llvm::isa<FuncTypeExpr>(f->typeExpr))
      continue;
    Type *t = typeExpr(f->typeExpr);
    if (!t) {
      ok = false;
      continue;
    }
    Type *u = t->underlying();
    if (!u) {
      // Still being declared: type I interface{ I } or a cycle through
      // another interface.
      error(f->typeExpr->pos, "invalid recursive type " + typeStr(t));
      ok = false;
      continue;
    }
    auto *emb = llvm::dyn_cast<InterfaceType>(u);
    if (!emb) {
      error(f->typeExpr->pos, "cannot use " + typeStr(t) + " as interface (not an interface)");
      ok = false;
      continue;
    }
    for (auto &m : emb->methods)
      add(m.name, m.pkgPath, m.sig, f->typeExpr->pos, false);
  }
  if (!ok)
    return nullptr;
  std::sort(methods.begin(), methods.end(),
            [](const InterfaceMethod &a, const InterfaceMethod &b) {
              return methodLess(a.name, a.pkgPath, b.name, b.pkgPath);
            });
  return tc.interfaceOf(methods);
}

// Depth-first walk of the types `t` contains by value (struct fields,
// array elements, named types' underlying types). `path` holds the named
// types entered so far; reaching `target` again is a cycle.
// A type waiting for another's underlying type (pending) stands for it.
static bool valueCycle(Type *t, NamedType *target, std::vector<NamedType *> &path,
                       llvm::DenseMap<Type *, bool> &visited,
                       const llvm::DenseMap<NamedType *, NamedType *> &pending) {
  if (!t)
    return false;
  if (auto *n = llvm::dyn_cast<NamedType>(t)) {
    if (n == target)
      return true;
    if (visited.count(n))
      return false;
    visited[n] = true;
    Type *next = n->under;
    if (!next) {
      auto it = pending.find(n);
      if (it == pending.end())
        return false; // still being declared: its own check will see it
      next = it->second;
    }
    path.push_back(n);
    if (valueCycle(next, target, path, visited, pending))
      return true;
    path.pop_back();
    return false;
  }
  if (auto *a = llvm::dyn_cast<ArrayType>(t))
    return valueCycle(a->elem, target, path, visited, pending);
  if (auto *st = llvm::dyn_cast<StructType>(t)) {
    for (auto &f : st->fields)
      if (valueCycle(f.type, target, path, visited, pending))
        return true;
  }
  return false;
}

void Checker::checkValidType(NamedType *named) {
  std::vector<NamedType *> path{named};
  llvm::DenseMap<Type *, bool> visited;
  if (!valueCycle(named->under, named, path, visited, pendingUnder))
    return;
  // Report from the member declared first, as gc does.
  size_t first = 0;
  for (size_t i = 1; i < path.size(); ++i)
    if (path[i]->obj->pos.getPointer() < path[first]->obj->pos.getPointer())
      first = i;
  std::rotate(path.begin(), path.begin() + first, path.end());
  Object *start = path[0]->obj;
  std::string msg = "invalid recursive type " + start->name;
  for (NamedType *n : path)
    msg += "\n\t" + posString(n->obj->pos) + ": " + n->obj->name + " refers to";
  msg += "\n\t" + posString(start->pos) + ": " + start->name;
  error(start->pos, msg);
  named->under = tc.intType();
}
