//===- Interfaces.cpp - method sets, implements, type assertions/switches -===//
//
// Go spec "Method sets" and "Interface types": a type T implements an
// interface I when T's method set contains every method of I with an
// identical signature. The method set of a defined type T holds its
// value-receiver methods, that of *T also the pointer-receiver ones, and
// both include methods promoted through embedded fields (through an
// embedded *E, E's pointer methods are in T's set too). An interface's
// method set is its method list.
//
// The causes printed when a type does not implement an interface are gc's
// (go1.19, types2): "(missing M method)", "(M method has pointer
// receiver)", "(wrong type for M method)\n\t\thave M() string\n\t\twant
// M() int".
//===----------------------------------------------------------------------===//
#include "sema/CheckerImpl.h"
#include "parse/ASTUtil.h"

using namespace glc;

namespace glc {
llvm::SMLoc exprStart(Expr *e); // CheckExpr.cpp
}

namespace {

// "M() string": a method's name and signature as gc prints them.
std::string methodSig(const std::string &name, FuncType *sig) {
  std::string s = typeString(sig); // "func(...) ..."
  return name + s.substr(4);
}

} // namespace

// Empty when v implements it; otherwise gc's parenthesised cause (types2's
// missingMethod + missingMethodReason). An interface's unexported method m
// is its package's: only that package's m implements it (Lookup.cpp).
// When v lacks m, gc looks for a method that would be m through a pointer
// (the pointer-receiver cause) or up to case ("have M() string / want
// m() string"; for a non-interface v only).
std::string Checker::missingMethodCause(Type *v, InterfaceType *it) {
  bool vIface = v->underlying() && v->underlying()->kind == TypeKind::Interface;
  for (auto &m : it->methods) {
    // Go's lookup (Lookup.cpp: promotion, ambiguity, fields hiding
    // methods, interfaces' own and embedded interfaces' methods).
    Selection sel = lookupFieldOrMethod(tc, v, m.name, m.pkgPath);
    if (sel.kind != Selection::Method && !vIface)
      sel = lookupFieldOrMethod(tc, v, m.name, m.pkgPath, /*foldCase=*/true);
    // A method declared later in the source has no signature yet while a
    // package-level initialiser (var X error = &T{}) is checked: declare it
    // now, as selectMethod does (objDecl is lazy and re-entrant).
    if (sel.kind == Selection::Method && sel.method && sel.method->funcDecl && !sel.method->type)
      objDecl(sel.method);
    FuncType *sig = sel.kind == Selection::Method && sel.method
                        ? llvm::dyn_cast_or_null<FuncType>(sel.method->type)
                        : nullptr;
    if (!sig) {
      auto *p = llvm::dyn_cast_or_null<PointerType>(v->underlying());
      if (p && p->elem->underlying() && p->elem->underlying()->kind == TypeKind::Interface)
        return "(type " + typeStr(v) + " is pointer to interface, not interface)";
      return "(missing " + m.name + " method)";
    }
    if (sel.method->name != m.name)
      return "(missing " + m.name + " method)\n\t\thave " + methodSig(sel.method->name, sig) +
             "\n\t\twant " + methodSig(m.name, m.sig);
    bool ptrOnly = sel.method->ptrRecv && !sel.indirect;
    if (sig != m.sig)
      return "(wrong type for " + m.name + " method)\n\t\thave " + methodSig(m.name, sig) +
             "\n\t\twant " + methodSig(m.name, m.sig);
    if (ptrOnly)
      return "(" + m.name + " method has pointer receiver)";
  }
  return "";
}

bool Checker::implements(Type *v, Type *t) {
  auto *it = llvm::dyn_cast_or_null<InterfaceType>(t->underlying());
  return it && missingMethodCause(v, it).empty();
}

// x.(T): x must be an interface; a concrete T must implement x's type
// (gc: "impossible type assertion"). The result is T, usable as v, ok.
void Checker::typeAssert(TypeAssertExpr *e) {
  expr(e->x);
  if (!e->typeExpr) {
    error(e->pos, "invalid syntax tree: use of .(type) outside type switch");
    e->mode = ExprMode::Invalid;
    return;
  }
  Type *t = typeExpr(e->typeExpr);
  if (e->x->mode == ExprMode::Invalid || !t) {
    e->mode = ExprMode::Invalid;
    return;
  }
  auto *xi = llvm::dyn_cast_or_null<InterfaceType>(e->x->type->underlying());
  if (!xi) {
    error(exprStart(e->x), "invalid operation: " + desc(e->x) + " is not an interface");
    e->mode = ExprMode::Invalid;
    return;
  }
  if (t->underlying()->kind != TypeKind::Interface) {
    std::string cause = missingMethodCause(t, xi);
    if (!cause.empty() && cause.find("pointer receiver") == std::string::npos) {
      error(exprStart(e), "impossible type assertion: " + shortExprString(e) + "\n\t" +
                                       typeStr(t) + " does not implement " +
                                       typeStr(e->x->type) + " " + cause);
      e->mode = ExprMode::Invalid;
      return;
    }
  }
  e->type = t;
  e->mode = ExprMode::CommaOk;
}

// switch [init;] [v :=] x.(type) { case T1, T2: ... }
void Checker::typeSwitchStmt(TypeSwitchStmt *s, LabeledStmt *label) {
  openScope();
  stmt(s->init);
  expr(s->x);
  InterfaceType *xi = nullptr;
  if (s->x->mode != ExprMode::Invalid) {
    xi = llvm::dyn_cast_or_null<InterfaceType>(s->x->type->underlying());
    if (!xi)
      error(exprStart(s->x), desc(s->x) + " is not an interface");
  }
  targets.push_back({s, false, label});
  CaseClause *firstDefault = nullptr;
  std::vector<std::pair<Type *, Expr *>> seen;
  Expr *seenNil = nullptr;
  bool bindingUsed = false;
  std::vector<Object *> bindings;
  for (CaseClause *cc : s->clauses) {
    if (cc->isDefault()) {
      if (firstDefault)
        error(cc->pos, "multiple defaults (first at " + posString(firstDefault->pos) + ")");
      else
        firstDefault = cc;
    }
    Type *single = nullptr;
    for (Expr *e : cc->list) {
      // nil or a type.
      if (auto *id = llvm::dyn_cast<Ident>(e); id && id->name == "nil" && lookup("nil") &&
                                               lookup("nil")->kind == ObjKind::Nil) {
        id->obj = lookup("nil");
        id->mode = ExprMode::Value;
        id->type = tc.basic(TypeKind::UntypedNil);
        if (seenNil)
          error(exprStart(e), "duplicate case nil in type switch\n\t" +
                                 posString(exprStart(seenNil)) + ": previous case");
        seenNil = e;
        single = nullptr;
        continue;
      }
      Type *t = typeExpr(e);
      if (!t || !xi)
        continue;
      for (auto &p : seen)
        if (p.first == t) {
          error(exprStart(e), "duplicate case " + typeStr(t) + " in type switch\n\tprevious case at " +
                                 posString(exprStart(p.second)));
          break;
        }
      seen.push_back({t, e});
      if (t->underlying()->kind != TypeKind::Interface) {
        std::string cause = missingMethodCause(t, xi);
        if (!cause.empty() && cause.find("pointer receiver") == std::string::npos)
          error(exprStart(e), "impossible type switch case: " + shortExprString(e) + "\n\t" +
                                 desc(s->x) + " cannot have dynamic type " + typeStr(t) + " " +
                                 cause);
      }
      single = t;
    }
    openScope();
    if (s->binding) {
      Type *vt = cc->list.size() == 1 && single ? single : (s->x->type ? s->x->type : nullptr);
      Object *v = tc.newObject(ObjKind::Var, s->binding->name, s->binding->pos, vt);
      v->owner = fn ? fn->info : nullptr;
      declare(scope, v, nullptr);
      cc->implicitObj = v;
      bindings.push_back(v);
    }
    stmtList(cc->body);
    closeScope();
  }
  targets.pop_back();
  for (Object *v : bindings)
    bindingUsed |= v->used;
  if (s->binding && s->binding->name != "_" && !bindingUsed)
    error(s->binding->pos, s->binding->name + " declared but not used");
  if (s->binding && s->binding->name == "_")
    error(s->binding->pos, "no new variable on left side of :=");
  closeScope();
}
