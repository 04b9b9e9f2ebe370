//===- Checker.cpp - package level of the type checker ----------------------===//
//
// Checking a file runs in phases, like go/types:
//   1. collect(): every import, package-level const/var/type/func gets an
//      Object in the package scope ("x redeclared in this block"); func
//      bodies are queued.
//   2. objDecl() on every package object in source order. It is lazy and
//      re-entrant: an identifier that refers to a package object not yet
//      checked checks it on the spot (saving and restoring the current
//      function/scope), so declaration order does not matter.
//   3. the queued function bodies, in source order.
//   4. initialisation order (InitOrder.cpp), unused imports, func main.
//
// While a package-level initialiser or function body is checked, curDecl
// collects the package-level vars and funcs it refers to; InitOrder uses
// these edges.
//
// Function literals are checked where they occur; each gets Go's symbol
// name (main.main.func1, nested main.main.func1.1, in package initialisers
// main.glob..func1) and its captures (see recordUse()).
//===----------------------------------------------------------------------===//
#include "sema/Checker.h"
#include "sema/CheckerImpl.h"
#include "parse/ASTUtil.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace glc;

bool glc::checkPackage(Package *pkg, TypeContext &types, DiagEngine &diags) {
  unsigned before = diags.errorCount();
  Checker c(types, diags, pkg);
  types.setCurrentPackage(c.pkgPath);
  c.run();
  types.setCurrentPackage("");
  types.setPackageName(pkg->path, pkg->name);
  // Publish the package block for importers (exported or not: the selector
  // reports an unexported one with gc's text).
  if (pkg->path != "main")
    for (auto &kv : c.pkgScope->names)
      types.addPackageMember(pkg->path, kv.getKey(), kv.getValue());
  return diags.errorCount() == before;
}

bool glc::checkFile(File *file, TypeContext &types, DiagEngine &diags) {
  Package pkg;
  pkg.path = "main";
  pkg.name = file->packageName ? file->packageName->name : "main";
  pkg.files.push_back(file);
  bool ok = checkPackage(&pkg, types, diags);
  file->initOrder = pkg.initOrder;
  file->initIndex = pkg.initIndex;
  file->inits = pkg.inits;
  return ok;
}

std::string Checker::posString(llvm::SMLoc loc) {
  auto [line, col] = diags.lineCol(loc);
  unsigned buf = diags.sourceMgr().FindBufferContainingLoc(loc);
  std::string name = buf ? diags.sourceMgr().getMemoryBuffer(buf)->getBufferIdentifier().str()
                         : file->filename;
  return name + ":" + std::to_string(line) + ":" + std::to_string(col);
}

Scope *Checker::openScope() {
  scopeStore.push_back(std::make_unique<Scope>());
  Scope *s = scopeStore.back().get();
  s->parent = scope;
  scope = s;
  return s;
}

Object *Checker::lookup(llvm::StringRef name) {
  for (Scope *s = scope; s; s = s->parent) {
    if (s == pkgScope) {
      // The file scope (imports) sits between function blocks and the
      // package block.
      auto &imps = imports();
      auto it = imps.find(name);
      if (it != imps.end()) {
        if (Object *owner = dotOwner.lookup(it->second))
          importUsed[owner] = true;
        return it->second;
      }
    }
    if (Object *o = s->lookupLocal(name))
      return o;
  }
  return tc.lookupUniverse(name);
}

// Go spec: a package-scope init, and main in package main, may only be
// declared as functions (types2's declarePkgObj).
bool Checker::declarablePkgName(Ident *id) {
  if (id->name == "init" || id->name == "main") {
    error(id->pos, "cannot declare " + id->name + " - must be func");
    return false;
  }
  return true;
}

void Checker::declare(Scope *s, Object *obj, Ident *id) {
  if (id)
    id->obj = obj;
  if (obj->name == "_" || obj->name.empty())
    return;
  if (Object *other = s->lookupLocal(obj->name)) {
    std::string msg = obj->name + " redeclared in this block";
    if (other->pos.isValid())
      msg += "\n\t" + posString(other->pos) + ": other declaration of " + obj->name;
    error(obj->pos, msg);
    obj->used = true; // no follow-on "declared but not used"
    return;
  }
  s->names[obj->name] = obj;
}

Object *Checker::newVar(Ident *id, Type *t) {
  Object *o = tc.newObject(ObjKind::Var, id->name, id->pos, t);
  o->owner = fn ? fn->info : nullptr;
  id->obj = o;
  return o;
}

// Called for every identifier use that resolves to `obj` (not for
// declarations and not for plain assignment targets).
void Checker::recordUse(Object *obj) {
  if (obj->kind == ObjKind::Var) {
    obj->used = true;
    // Captured variable: declared in an enclosing function.
    if (obj->owner && fn && fn->info && obj->owner != fn->info) {
      obj->captured = true;
      for (FuncCtx *f = fn; f && f->info && f->info != obj->owner; f = f->outer) {
        auto &caps = f->info->captures;
        if (std::find(caps.begin(), caps.end(), obj) == caps.end())
          caps.push_back(obj);
      }
    }
  }
  if (curDecl && obj->isGlobal && (obj->kind == ObjKind::Var || obj->kind == ObjKind::Func) &&
      decls.count(obj))
    curDecl->deps.insert(obj);
}

bool Checker::run() {
  scope = nullptr;
  pkgScope = openScope();
  globFn.name = sym("glob.");
  globFn.topLevel = true;
  for (File *f : pkg->files) {
    file = f;
    collect();
  }
  // Point the queued bodies at their DeclInfo (stable now: no more inserts).
  for (auto &[fd, info] : bodies)
    if (fd->name->obj && decls.count(fd->name->obj))
      info = &decls[fd->name->obj];
  associateMethods();

  for (File *f : pkg->files) {
    file = f;
    for (Decl *d : f->decls) {
      if (auto *g = llvm::dyn_cast<GenDecl>(d)) {
        for (Spec *sp : g->specs) {
          if (auto *v = llvm::dyn_cast<ValueSpec>(sp)) {
            for (Ident *id : v->names)
              if (id->obj && decls.count(id->obj))
                objDecl(id->obj);
          } else if (auto *t = llvm::dyn_cast<TypeSpec>(sp)) {
            if (t->name->obj && decls.count(t->name->obj))
              objDecl(t->name->obj);
          }
        }
      } else if (auto *fd = llvm::dyn_cast<FuncDecl>(d)) {
        if (fd->name->obj && decls.count(fd->name->obj))
          objDecl(fd->name->obj);
      }
    }
  }

  for (auto &[fd, info] : bodies) {
    if (!fd->body)
      continue;
    file = bodyFile.lookup(fd);
    FuncCtx ctx;
    ctx.info = &fd->info;
    ctx.topLevel = true;
    ctx.name = fd->info.name;
    FuncType *sig = fd->name->obj && decls.count(fd->name->obj)
                        ? llvm::dyn_cast_or_null<FuncType>(fd->name->obj->type)
                        : funcType(fd->sig);
    if (!sig)
      continue;
    DeclInfo *saved = curDecl;
    curDecl = info;
    scope = pkgScope;
    funcBody(ctx, fd->sig, sig, fd->body);
    curDecl = saved;
  }

  computeInitOrder();

  // gc's texts: imported and not used: "strings" / "strings" as s.
  std::vector<std::pair<Object *, ImportSpec *>> unused;
  for (auto &[obj, spec] : importSpecs)
    if (!importUsed[obj])
      unused.push_back({obj, spec});
  std::sort(unused.begin(), unused.end(), [](auto &a, auto &b) {
    return a.second->pathPos.getPointer() < b.second->pathPos.getPointer();
  });
  for (auto &[obj, spec] : unused) {
    std::string msg = "imported and not used: \"" + spec->path + "\"";
    std::string last = spec->path.substr(spec->path.rfind('/') + 1);
    if (spec->name && spec->name->name != "." && spec->name->name != last)
      msg += " as " + spec->name->name;
    error(spec->name ? spec->name->pos : spec->pathPos, msg);
  }

  if (pkg->path == "main")
    checkMain();
  if (!diags.hasErrors())
    for (auto &[loc, msg] : lateErrors)
      error(loc, msg);
  return !diags.hasErrors();
}

void Checker::checkMain() {
  Object *m = pkgScope->lookupLocal("main");
  if (!m || m->kind != ObjKind::Func) {
    if (pkg->name == "main")
      error(file && file->packageName ? file->packageName->pos : llvm::SMLoc(),
            "function main is undeclared in the main package");
    return;
  }
  if (m->funcDecl && m->funcDecl->sig &&
      (!m->funcDecl->sig->params.empty() || !m->funcDecl->sig->results.empty()))
    error(m->funcDecl->name->pos, "func main must have no arguments and no return values");
}

// Declares `imp` in the current file's import scope. A package that is not
// loaded was reported by the loader (or, for a lone file, here).
void Checker::importDecl(ImportSpec *imp) {
  bool known = tc.hasPackage(imp->path);
  if (!known) // checkFile of a lone file: the loader did not run
    error(imp->pathPos, "could not import " + imp->path + " (package not loaded)");
  std::string name = tc.packageName(imp->path);
  if (imp->name) {
    if (imp->name->name == "_")
      return;
    if (imp->name->name == ".") {
      Object *pkgObj = tc.newObject(ObjKind::Package, name, imp->pos);
      pkgObj->pkgPath = imp->path;
      if (!known)
        return;
      importSpecs[pkgObj] = imp;
      importUsed[pkgObj] = false;
      for (Object *m : tc.packageMembers(imp->path)) {
        if (m->name.empty() || !llvm::isUpper(m->name[0]) || m->name.find('.') != std::string::npos)
          continue;
        imports()[m->name] = m;
        dotOwner[m] = pkgObj;
      }
      return;
    }
    name = imp->name->name;
  }
  Object *pobj = tc.newObject(ObjKind::Package, name, imp->pos);
  pobj->pkgPath = imp->path;
  if (imp->name)
    imp->name->obj = pobj;
  if (imports().count(name)) {
    error(imp->pathPos, name + " redeclared in this block");
    return;
  }
  imports()[name] = pobj;
  if (known) {
    importSpecs[pobj] = imp;
    importUsed[pobj] = false;
  }
}

void Checker::collect() {
  if (pkg->path == "main" && file->packageName && file->packageName->name != "main")
    error(file->packageName->pos,
          "package " + file->packageName->name + " is not a main package (glc builds commands only)");
  for (Decl *d : file->decls) {
    if (auto *g = llvm::dyn_cast<GenDecl>(d)) {
      for (Spec *sp : g->specs) {
        if (auto *imp = llvm::dyn_cast<ImportSpec>(sp)) {
          importDecl(imp);
        } else if (auto *v = llvm::dyn_cast<ValueSpec>(sp)) {
          bool isConst = g->tok == TokKind::Const;
          for (size_t i = 0; i < v->names.size(); ++i) {
            Ident *id = v->names[i];
            Object *o = tc.newObject(isConst ? ObjKind::Const : ObjKind::Var, id->name, id->pos);
            o->isGlobal = true;
            o->pkgPath = pkgPath;
            o->spec = v;
            DeclInfo &di = decls[o];
            di.vspec = v;
            di.index = (int)i;
            di.file = file;
            if (!declarablePkgName(id))
              continue;
            declare(pkgScope, o, id);
            id->obj = o;
            if (!isConst)
              pkgVars.push_back(o);
          }
          if (!isConst)
            varArity(v);
        } else if (auto *t = llvm::dyn_cast<TypeSpec>(sp)) {
          Object *o = tc.newObject(ObjKind::TypeName, t->name->name, t->name->pos);
          o->isGlobal = true;
          o->pkgPath = pkgPath;
          if (!t->alias)
            o->type = tc.newNamed(o);
          decls[o].tspec = t;
          decls[o].file = file;
          if (!declarablePkgName(t->name))
            continue;
          declare(pkgScope, o, t->name);
          t->name->obj = o;
        }
      }
    } else if (auto *f = llvm::dyn_cast<FuncDecl>(d)) {
      bodyFile[f] = file;
      // A function without a body is implemented by glrt: allowed in the
      // standard library only (driver/Loader.cpp: the naming rule).
      bool bodyless = !f->body && !pkg->isStd;
      if (f->recv) {
        // A method: not declared in the package block; associated with
        // its receiver's base type by associateMethods().
        Object *o = tc.newObject(ObjKind::Func, f->name->name, f->name->pos);
        o->isGlobal = true;
        o->pkgPath = pkgPath;
        o->funcDecl = f;
        decls[o].fdecl = f;
        decls[o].file = file;
        f->name->obj = o;
        methodObjs.push_back(o);
        bodies.push_back({f, nullptr});
        if (!f->body)
          error(f->name->pos, "missing function body");
        continue;
      }
      f->info.name = sym(f->name->name);
      if (bodyless)
        error(f->name->pos, "missing function body");
      if (f->name->name == "init") {
        // init functions are not declared; they cannot be referred to.
        f->info.name = sym("init." + std::to_string(pkg->inits.size()));
        pkg->inits.push_back(f);
        if (!f->sig->params.empty() || !f->sig->results.empty())
          error(f->name->pos, "func init must have no arguments and no return values");
        bodies.push_back({f, nullptr});
        continue;
      }
      Object *o = tc.newObject(ObjKind::Func, f->name->name, f->name->pos);
      o->isGlobal = true;
      o->pkgPath = pkgPath;
      o->funcDecl = f;
      DeclInfo &di = decls[o];
      di.fdecl = f;
      di.file = file;
      declare(pkgScope, o, f->name);
      f->name->obj = o;
      bodies.push_back({f, nullptr});
    }
  }
}

void Checker::objDecl(Object *obj) {
  auto it = decls.find(obj);
  if (it == decls.end())
    return;
  DeclInfo &d = it->second;
  if (d.state == DeclInfo::Done)
    return;
  if (d.state == DeclInfo::InProgress) {
    if (obj->kind == ObjKind::Const && !obj->type)
      reportCycle(obj, "initialization loop for ");
    else if (obj->kind == ObjKind::TypeName && d.tspec && d.tspec->alias && !obj->type)
      reportCycle(obj, "invalid recursive type ");
    // Vars: the initialisation loop is reported by computeInitOrder.
    // Types: a reference to a type being declared is fine (type T []T).
    return;
  }
  d.state = DeclInfo::InProgress;
  declStack.push_back(obj);

  // Package-level context, in the declaring file's import scope.
  File *savedFile = file;
  if (d.file)
    file = d.file;
  Scope *savedScope = scope;
  FuncCtx *savedFn = fn;
  int64_t savedIota = iota;
  DeclInfo *savedDecl = curDecl;
  auto savedTargets = std::move(targets);
  targets.clear();
  scope = pkgScope;
  fn = &globFn;
  iota = -1;
  curDecl = &d;

  switch (obj->kind) {
  case ObjKind::Const:
    constDecl(obj, d.vspec, d.index);
    break;
  case ObjKind::Var:
    varDecl(obj, d);
    break;
  case ObjKind::TypeName:
    typeDecl(obj, d.tspec);
    break;
  case ObjKind::Func:
    funcDecl(obj, d.fdecl);
    break;
  default:
    break;
  }

  scope = savedScope;
  file = savedFile;
  fn = savedFn;
  iota = savedIota;
  curDecl = savedDecl;
  targets = std::move(savedTargets);
  declStack.pop_back();
  decls[obj].state = DeclInfo::Done;
}

// gc's report of a declaration cycle through `start` (on the decl stack):
//   x.gl:3:7: initialization loop for A
//   	x.gl:3:7: A refers to
//   	x.gl:4:7: B refers to
//   	x.gl:3:7: A
void Checker::reportCycle(Object *start, const char *what) {
  auto it = std::find(declStack.begin(), declStack.end(), start);
  if (it == declStack.end()) {
    // Not a package-level declaration: a local type referring to itself.
    error(start->pos, what + start->name + "\n\t" + posString(start->pos) + ": " + start->name +
                          " refers to\n\t" + posString(start->pos) + ": " + start->name);
    return;
  }
  std::string msg = what + start->name;
  for (auto i = it; i != declStack.end(); ++i)
    msg += "\n\t" + posString((*i)->pos) + ": " + (*i)->name + " refers to";
  msg += "\n\t" + posString(start->pos) + ": " + start->name;
  error(start->pos, msg);
}

void Checker::constDecl(Object *obj, ValueSpec *spec, int index) {
  int64_t savedIota = iota;
  iota = spec->iota;
  Type *t = nullptr;
  if (spec->typeExpr) {
    t = typeExpr(spec->typeExpr);
    if (t && !t->isBasic()) {
      error(spec->typeExpr->pos, "invalid constant type " + typeStr(t));
      t = nullptr;
    }
  }
  if ((size_t)index >= spec->values.size()) {
    if (index == (int)spec->values.size())
      error(obj->pos, "missing init expr for " + obj->name);
    obj->type = nullptr;
    iota = savedIota;
    return;
  }
  if (index == (int)spec->names.size() - 1 && spec->values.size() > spec->names.size()) {
    Expr *extra = spec->values[spec->names.size()];
    if (spec->implicit)
      error(spec->pos, "extra init expr at " + posString(extra->pos));
    else
      error(extra->pos, "extra init expr " + shortExprString(extra));
  }
  Expr *e = spec->values[index];
  expr(e);
  if (e->mode != ExprMode::Invalid && e->mode != ExprMode::Constant) {
    error(e->pos, desc(e) + " is not constant");
    e->mode = ExprMode::Invalid;
  }
  if (e->mode == ExprMode::Invalid) {
    iota = savedIota;
    return;
  }
  if (t && !assignment(e, t, "constant declaration")) {
    iota = savedIota;
    return;
  }
  obj->type = e->type;
  obj->constVal = e->constVal;
  iota = savedIota;
}

// gc's count check for `var a, b = x, y, z`: reported once per spec.
void Checker::varArity(ValueSpec *spec) {
  size_t l = spec->names.size(), r = spec->values.size();
  if (l < r)
    error(spec->values[l]->pos, "extra init expr " + shortExprString(spec->values[l]));
  else if (l > r && r > 1) {
    error(spec->names[r]->pos, "missing init expr for " + spec->names[r]->name);
    for (size_t i = r; i < l; ++i)
      if (spec->names[i]->obj)
        spec->names[i]->obj->used = true;
  }
}

void Checker::varDecl(Object *obj, DeclInfo &d) {
  ValueSpec *spec = d.vspec;
  // The whole spec is checked at once.
  std::vector<Object *> lhs;
  for (Ident *id : spec->names) {
    lhs.push_back(id->obj);
    if (id->obj && id->obj != obj && decls.count(id->obj))
      decls[id->obj].state = DeclInfo::InProgress;
  }
  Type *t = spec->typeExpr ? typeExpr(spec->typeExpr) : nullptr;
  if (spec->typeExpr && !t) {
    // Invalid type: mark all used (no follow-on errors).
    for (Object *o : lhs)
      if (o)
        o->used = true;
  }
  for (Object *o : lhs)
    if (o)
      o->type = t;

  if (spec->values.empty()) {
    if (!spec->typeExpr)
      error(obj->pos, "missing type or init expr");
  } else if (spec->values.size() != lhs.size() && spec->values.size() != 1) {
    // Count mismatch (reported by arity): initialise what pairs up.
    for (size_t i = 0; i < lhs.size() && i < spec->values.size(); ++i) {
      if (!lhs[i])
        continue;
      curDecl = &decls[lhs[i]];
      std::vector<Object *> one{lhs[i]};
      std::vector<Expr *> rhs{spec->values[i]};
      initVars(one, rhs, spec->pos, "variable declaration", false);
    }
  } else if (spec->values.size() == lhs.size()) {
    for (size_t i = 0; i < lhs.size(); ++i) {
      Object *o = lhs[i];
      if (!o)
        continue;
      curDecl = &decls[o];
      std::vector<Object *> one{o};
      std::vector<Expr *> rhs{spec->values[i]};
      initVars(one, rhs, spec->pos, "variable declaration", false);
    }
  } else {
    curDecl = &decls[lhs[0]];
    initVars(lhs, spec->values, spec->pos, "assignment", false);
    for (size_t i = 1; i < lhs.size(); ++i)
      if (lhs[i])
        decls[lhs[i]].deps = decls[lhs[0]].deps;
  }
  for (size_t i = 0; i < lhs.size(); ++i) {
    Object *o = lhs[i];
    if (o && o != obj && decls.count(o))
      decls[o].state = DeclInfo::Done;
    if (o && o->type) {
      spec->names[i]->type = o->type;
      spec->names[i]->mode = ExprMode::Variable;
    }
  }
}

void Checker::typeDecl(Object *obj, TypeSpec *spec) {
  if (spec->alias) {
    obj->type = typeExpr(spec->typeExpr);
    return;
  }
  auto *named = llvm::cast<NamedType>(obj->type);
  Type *t = typeExpr(spec->typeExpr);
  if (!t) {
    named->under = tc.basic(TypeKind::Int); // keep going; the error is reported
    return;
  }
  Type *u = t->underlying();
  if (auto *m = llvm::dyn_cast<NamedType>(u)) {
    // The chain of declarations ends at a type still being declared
    // (directly, or through types waiting for it). It is a cycle only if
    // every declaration from there to here just names the next type
    // (type A B; type B A); otherwise (type T1 struct{ p *T2 }; type T2
    // T1) this type gets its underlying type when that one is done.
    while (pendingUnder.count(m))
      m = pendingUnder[m];
    auto it = std::find(declStack.begin(), declStack.end(), m->obj);
    bool cycle = it == declStack.end() || m == named;
    if (!cycle) {
      cycle = true;
      for (auto i = it; i != declStack.end() && cycle; ++i) {
        auto d = decls.find(*i);
        Expr *te = d != decls.end() && d->second.tspec ? d->second.tspec->typeExpr : nullptr;
        while (auto *p = llvm::dyn_cast_or_null<ParenExpr>(te))
          te = p->x;
        cycle = te && (llvm::isa<Ident>(te) || llvm::isa<SelectorExpr>(te));
      }
    }
    if (!cycle) {
      pendingUnder[named] = m;
      return;
    }
    reportCycle(m->obj, "invalid recursive type ");
    u = tc.basic(TypeKind::Int);
  }
  named->under = u;
  checkValidType(named);
  resolvePending(named);
}

// Types declared as a type still being declared get its underlying type
// once it has one.
void Checker::resolvePending(NamedType *done) {
  std::vector<NamedType *> ready;
  for (auto &[waiting, on] : pendingUnder)
    if (on == done)
      ready.push_back(waiting);
  for (NamedType *w : ready) {
    pendingUnder.erase(w);
    w->under = done->under;
    checkValidType(w);
    resolvePending(w);
  }
}

// An invalid signature leaves obj->type null: calls are then silently
// invalid and the body is not checked (its errors would be follow-ons).
void Checker::funcDecl(Object *obj, FuncDecl *fd) {
  if (fd->recv)
    return methodDecl(obj, fd);
  obj->type = funcType(fd->sig);
}

void Checker::declareParams(FuncCtx &ctx, FuncTypeExpr *sigExpr, FuncType *sig) {
  if (Object *r = ctx.info ? ctx.info->recv : nullptr) {
    // The receiver is declared in the function's block, with the params.
    if (r->name != "_" && !r->name.empty())
      declare(scope, r, nullptr);
  }
  size_t pi = 0;
  for (Field *f : sigExpr->params) {
    size_t n = f->names.empty() ? 1 : f->names.size();
    for (size_t k = 0; k < n; ++k, ++pi) {
      Type *t = pi < sig->params.size() ? sig->params[pi] : nullptr;
      Object *o;
      if (f->names.empty()) {
        o = tc.newObject(ObjKind::Var, "", f->pos, t);
      } else {
        o = tc.newObject(ObjKind::Var, f->names[k]->name, f->names[k]->pos, t);
        declare(scope, o, f->names[k]);
      }
      o->isParam = true;
      o->owner = ctx.info;
      o->used = true;
      ctx.info->params.push_back(o);
    }
  }
  size_t ri = 0;
  for (Field *f : sigExpr->results) {
    size_t n = f->names.empty() ? 1 : f->names.size();
    for (size_t k = 0; k < n; ++k, ++ri) {
      Type *t = ri < sig->results.size() ? sig->results[ri] : nullptr;
      Object *o;
      if (f->names.empty()) {
        o = tc.newObject(ObjKind::Var, "", f->pos, t);
      } else {
        o = tc.newObject(ObjKind::Var, f->names[k]->name, f->names[k]->pos, t);
        declare(scope, o, f->names[k]);
      }
      o->isParam = true;
      o->owner = ctx.info;
      o->used = true;
      ctx.info->results.push_back(o);
    }
  }
}

void Checker::collectLabelsIn(FuncCtx &ctx, const std::vector<Stmt *> &list,
                              llvm::SMLoc blockPos) {
  for (size_t i = 0; i < list.size(); ++i) {
    Stmt *s = list[i];
    // A labelled statement may itself be labelled (L: M: for ...).
    while (auto *l = llvm::dyn_cast_or_null<LabeledStmt>(s)) {
      if (l->label->name != "_") {
        auto it = ctx.labels.find(l->label->name);
        if (it != ctx.labels.end()) {
          error(l->label->pos, "label " + l->label->name + " already defined at " +
                                   posString(it->second->label->pos));
        } else {
          ctx.labels[l->label->name] = l;
          ctx.labelUsed[l] = false;
          ctx.labelSites[l] = {&list, i, blockPos};
          Object *o = tc.newObject(ObjKind::Label, l->label->name, l->label->pos);
          l->obj = o;
          l->label->obj = o;
        }
      }
      s = l->stmt;
    }
    collectLabels(ctx, s);
  }
}

// Finds the labels in the statements nested in `s` (not in function
// literals: labels are per function).
void Checker::collectLabels(FuncCtx &ctx, Stmt *s) {
  if (!s)
    return;
  switch (s->kind) {
  case StmtKind::Labeled: {
    std::vector<Stmt *> one{s};
    // Only reached for a labelled statement outside any list (if/else
    // branches are blocks, so this does not happen in valid trees).
    collectLabelsIn(ctx, one, s->pos);
    return;
  }
  case StmtKind::Block:
    collectLabelsIn(ctx, llvm::cast<BlockStmt>(s)->stmts, s->pos);
    return;
  case StmtKind::If: {
    auto *i = llvm::cast<IfStmt>(s);
    collectLabels(ctx, i->then);
    collectLabels(ctx, i->els);
    return;
  }
  case StmtKind::For:
    collectLabels(ctx, llvm::cast<ForStmt>(s)->body);
    return;
  case StmtKind::Range:
    collectLabels(ctx, llvm::cast<RangeStmt>(s)->body);
    return;
  case StmtKind::Switch:
    for (CaseClause *c : llvm::cast<SwitchStmt>(s)->clauses)
      collectLabelsIn(ctx, c->body, c->pos);
    return;
  case StmtKind::TypeSwitch:
    for (CaseClause *c : llvm::cast<TypeSwitchStmt>(s)->clauses)
      collectLabelsIn(ctx, c->body, c->pos);
    return;
  case StmtKind::Select:
    for (CommClause *c : llvm::cast<SelectStmt>(s)->clauses)
      collectLabelsIn(ctx, c->body, c->pos);
    return;
  default:
    return;
  }
}

void Checker::funcBody(FuncCtx &ctx, FuncTypeExpr *sigExpr, FuncType *sig, BlockStmt *body) {
  FuncCtx *savedFn = fn;
  Scope *savedScope = scope;
  auto savedTargets = std::move(targets);
  targets.clear();
  int64_t savedIota = iota;
  iota = -1;
  ctx.sig = sig;
  ctx.outer = savedFn;
  if (ctx.info && !ctx.topLevel)
    ctx.info->outer = savedFn ? savedFn->info : nullptr;
  fn = &ctx;
  openScope();
  declareParams(ctx, sigExpr, sig);
  collectLabels(ctx, body);
  auto savedLists = std::move(listStack);
  listStack.clear();
  stmtList(body->stmts);
  listStack = std::move(savedLists);
  if (!sig->results.empty() && !isTerminating(body, ""))
    error(body->rbrace, "missing return");
  for (auto &kv : ctx.labels)
    if (!ctx.labelUsed[kv.second])
      error(kv.second->label->pos, "label " + kv.second->label->name + " defined and not used");
  reportUnused(ctx);
  closeScope();
  fn = savedFn;
  scope = savedScope;
  targets = std::move(savedTargets);
  iota = savedIota;
}

void Checker::reportUnused(FuncCtx &ctx) {
  for (Object *o : ctx.locals)
    if (!o->used && o->name != "_" && !o->name.empty())
      error(o->pos, o->name + " declared but not used");
}
