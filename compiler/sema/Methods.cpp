//===- Methods.cpp - method declarations ------------------------------------===//
//
// Method declarations (Go spec "Method declarations"), in two steps:
//
//  1. associateMethods(), right after collect() and before any declaration
//     is checked: each method is attached to its receiver's base type by
//     name (T in `func (r T)` or `func (r *T)`, through local aliases), as
//     go/types' resolveBaseTypeName does, so any later lookup (a selector
//     checked while some other declaration is being resolved) sees every
//     method. The base type is resolved here (objDecl); a method whose
//     base is not a local named type of a valid kind is not attached and
//     methodDecl reports it. Duplicates ("T.M redeclared in this block")
//     are reported here and not attached either. FuncInfo::name becomes
//     Go's symbol, main.T.M or main.(*T).M.
//
//  2. methodDecl(), the method's objDecl: checks the receiver type (gc's
//     "invalid receiver type", "cannot define new methods on non-local
//     type"), a field of the same name, and sets Object::type to the
//     signature without the receiver; FuncInfo::recv is the receiver's
//     variable, declared in the body's block by declareParams.
//===----------------------------------------------------------------------===//
#include "sema/CheckerImpl.h"
#include "parse/ASTUtil.h"

using namespace glc;

void Checker::associateMethods() {
  for (Object *m : methodObjs) {
    FuncDecl *fd = m->funcDecl;
    Expr *te = unparen(fd->recv->typeExpr);
    bool ptr = false;
    if (auto *st = llvm::dyn_cast_or_null<StarExpr>(te)) {
      ptr = true;
      te = unparen(st->x);
    }
    m->ptrRecv = ptr;
    fd->info.name = sym(m->name);
    auto *id = llvm::dyn_cast_or_null<Ident>(te);
    Object *tn = id ? pkgScope->lookupLocal(id->name) : nullptr;
    // type A = T: the method belongs to T.
    for (int hops = 0; tn && tn->kind == ObjKind::TypeName && hops < 100; ++hops) {
      auto d = decls.find(tn);
      if (d == decls.end() || !d->second.tspec || !d->second.tspec->alias)
        break;
      auto *aid = llvm::dyn_cast_or_null<Ident>(unparen(d->second.tspec->typeExpr));
      tn = aid ? pkgScope->lookupLocal(aid->name) : nullptr;
    }
    if (!tn || tn->kind != ObjKind::TypeName)
      continue;
    objDecl(tn);
    auto *n = llvm::dyn_cast_or_null<NamedType>(tn->type);
    if (!n || !n->under || llvm::isa<PointerType>(n->under) || llvm::isa<InterfaceType>(n->under))
      continue;
    m->recvNamed = n;
    fd->info.name = methodSymbol(m);
    if (m->name != "_") {
      Object *prev = nullptr;
      for (Object *o : n->methods)
        if (o->name == m->name)
          prev = o;
      if (prev) {
        error(m->pos, n->obj->name + "." + m->name + " redeclared in this block\n\t" +
                          posString(prev->pos) + ": other declaration of " + m->name);
        continue;
      }
    }
    n->methods.push_back(m);
  }
}

void Checker::methodDecl(Object *obj, FuncDecl *fd) {
  Field *rf = fd->recv;
  Type *rt = typeExpr(rf->typeExpr);
  FuncType *sig = funcType(fd->sig);
  if (!rt || !sig)
    return; // reported; calls of the method are silently invalid
  Type *base = rt;
  if (auto *p = llvm::dyn_cast<PointerType>(rt))
    base = p->elem;
  std::string err;
  if (auto *n = llvm::dyn_cast<NamedType>(base)) {
    if (n->obj->pkgPath != pkgPath)
      err = "cannot define new methods on non-local type " + typeStr(base);
    else if (n->under && (llvm::isa<PointerType>(n->under) || llvm::isa<InterfaceType>(n->under)))
      err = "invalid receiver type " + typeStr(base) + " (pointer or interface type)";
  } else if (base->isBasic()) {
    err = "cannot define new methods on non-local type " + typeStr(base);
  } else {
    err = "invalid receiver type " + typeStr(rt);
  }
  if (!err.empty())
    error(rf->pos, err);

  // A field and a method of the same name (direct fields only, as gc).
  if (auto *n = llvm::dyn_cast<NamedType>(base); n && err.empty() && obj->name != "_") {
    auto d = decls.find(n->obj);
    auto *ste = d != decls.end() && d->second.tspec
                    ? llvm::dyn_cast_or_null<StructTypeExpr>(unparen(d->second.tspec->typeExpr))
                    : nullptr;
    if (ste)
      for (Field *f : ste->fields) {
        llvm::SMLoc at;
        if (f->names.empty()) { // embedded: named after its type
          Expr *t = unparen(f->typeExpr);
          if (auto *s = llvm::dyn_cast_or_null<StarExpr>(t))
            t = unparen(s->x);
          if (auto *sel = llvm::dyn_cast_or_null<SelectorExpr>(t))
            t = sel->sel;
          if (auto *id = llvm::dyn_cast_or_null<Ident>(t); id && id->name == obj->name)
            at = id->pos;
        }
        for (Ident *id : f->names)
          if (id->name == obj->name)
            at = id->pos;
        if (at.isValid()) {
          error(obj->pos, "field and method with the same name " + obj->name + "\n\t" +
                              posString(at) + ": other declaration of " + obj->name);
          break;
        }
      }
  }

  obj->type = sig;
  std::string rname = rf->names.empty() ? "" : rf->names[0]->name;
  Object *r = tc.newObject(ObjKind::Var, rname, rf->names.empty() ? rf->pos : rf->names[0]->pos, rt);
  r->isParam = true;
  r->used = true;
  r->owner = &fd->info;
  if (!rf->names.empty())
    rf->names[0]->obj = r;
  fd->info.recv = r;
}

// x.M, a method of x's type found by lookupFieldOrMethod (a call's callee
// or a method value). A pointer method needs a pointer on the way (x
// itself or an embedded *E) or an addressable x, whose address is then
// taken (markAddrTaken).
void Checker::selectMethod(SelectorExpr *s, const Selection &found, Type *xt) {
  Object *m = found.method;
  if (m->funcDecl && !m->type)
    objDecl(m);
  if (!m->type)
    return; // its declaration was reported invalid
  if (m->ptrRecv && !found.indirect) {
    if (s->x->mode != ExprMode::Variable) {
      error(s->sel->pos, "cannot call pointer method " + s->sel->name + " on " + typeStr(xt));
      return;
    }
    markAddrTaken(s->x);
  }
  if (m->funcDecl)
    recordUse(m);
  s->path = found.path;
  s->sel->obj = m;
  s->sel->type = s->type = m->type;
  s->sel->mode = s->mode = ExprMode::Value;
}

// T.M or (*T).M: a function value whose first parameter is the receiver.
void Checker::methodExpr(SelectorExpr *s) {
  Type *T = s->x->type;
  Selection f = lookupFieldOrMethod(tc, T, s->sel->name);
  std::string what = shortExprString(s);
  switch (f.kind) {
  case Selection::Field:
    error(s->sel->pos, what + " undefined (type " + typeStr(T) + " has no method " +
                           s->sel->name + ")");
    return;
  case Selection::Ambiguous:
    error(s->sel->pos, "ambiguous selector " + what);
    return;
  case Selection::None:
    error(s->sel->pos, what + " undefined (type " + typeStr(T) + " has no field or method " +
                           s->sel->name + ")");
    return;
  case Selection::Method:
    break;
  }
  Object *m = f.method;
  if (!m->funcDecl && !m->ifaceOwner) {
    unsupported(s->pos, "method expressions of " + typeStr(T));
    return;
  }
  if (!m->type)
    objDecl(m);
  auto *sig = llvm::dyn_cast_or_null<FuncType>(m->type);
  if (!sig)
    return;
  if (m->ptrRecv && !f.indirect) {
    error(s->sel->pos, "cannot call pointer method " + s->sel->name + " on " + typeStr(T));
    return;
  }
  recordUse(m);
  std::vector<Type *> params{T};
  params.insert(params.end(), sig->params.begin(), sig->params.end());
  s->path = f.path;
  s->methodExpr = true;
  s->sel->obj = m;
  s->type = s->sel->type = tc.funcOf(params, sig->results, sig->variadic);
  s->mode = s->sel->mode = ExprMode::Value;
}
