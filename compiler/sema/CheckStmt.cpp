//===- CheckStmt.cpp - statements -------------------------------------------===//
//
// Statements, block scoping, assignments and short variable declarations,
// the targets of break/continue/goto/fallthrough (BranchStmt::target), and
// Go's "terminating statement" rules for "missing return".
//
// Scoping follows the spec: every block, and the implicit blocks of
// if/for/switch/select statements and of each case clause, opens a Scope;
// a variable declared by var/:= is visible from the end of its declaration.
// Variables are appended to the function's `locals` so funcBody can report
// "x declared but not used" (a plain assignment `x = v` is not a use).
//===----------------------------------------------------------------------===//
#include "sema/CheckerImpl.h"
#include "parse/ASTUtil.h"

#include <algorithm>

using namespace glc;

namespace glc {
llvm::SMLoc exprStart(Expr *e);
}

void Checker::stmtList(const std::vector<Stmt *> &list) {
  listStack.push_back({&list, 0});
  for (size_t i = 0; i < list.size(); ++i) {
    listStack.back().second = i;
    stmt(list[i]);
  }
  listStack.pop_back();
}

// gc's goto rules: no jump into a block, and no forward jump over a
// variable declaration in the label's block.
void Checker::checkGoto(BranchStmt *s, LabeledStmt *target) {
  auto site = fn->labelSites.find(target);
  if (site == fn->labelSites.end())
    return;
  const auto &ls = site->second;
  auto it = std::find_if(listStack.begin(), listStack.end(),
                         [&](const auto &p) { return p.first == ls.list; });
  if (it == listStack.end()) {
    error(s->label->pos, "goto " + s->label->name + " jumps into block starting at " +
                             posString(ls.blockPos));
    return;
  }
  // gc (syntax/branches.go) names the last declaration before the label:
  // a var declaration by its first name, a := by its whole left-hand side.
  for (size_t i = ls.index; i-- > it->second + 1;) {
    Stmt *d = (*ls.list)[i];
    while (auto *l = llvm::dyn_cast<LabeledStmt>(d))
      d = l->stmt;
    std::string name;
    llvm::SMLoc at;
    if (auto *a = llvm::dyn_cast<AssignStmt>(d); a && a->tok == TokKind::Define && !a->lhs.empty()) {
      for (Expr *x : a->lhs)
        name += (name.empty() ? "" : ", ") + shortExprString(x);
      at = a->pos;
      for (const char *p = a->pos.getPointer(); *p && *p != '\n'; ++p)
        if (p[0] == ':' && p[1] == '=') {
          at = llvm::SMLoc::getFromPointer(p);
          break;
        }
    } else if (auto *ds = llvm::dyn_cast<DeclStmt>(d);
               ds && ds->decl && ds->decl->tok == TokKind::Var && !ds->decl->specs.empty()) {
      if (auto *v = llvm::dyn_cast<ValueSpec>(ds->decl->specs[0]); v && !v->names.empty()) {
        name = v->names[0]->name;
        at = v->names[0]->pos;
      }
    }
    if (!name.empty()) {
      error(s->label->pos, "goto " + s->label->name + " jumps over declaration of " + name +
                               " at " + posString(at));
      return;
    }
  }
}

void Checker::block(BlockStmt *b) {
  if (!b)
    return;
  openScope();
  stmtList(b->stmts);
  closeScope();
}

static bool isStatementCall(Expr *x) {
  while (auto *p = llvm::dyn_cast<ParenExpr>(x))
    x = p->x;
  if (auto *u = llvm::dyn_cast<UnaryExpr>(x))
    return u->op == TokKind::Arrow;
  auto *c = llvm::dyn_cast<CallExpr>(x);
  if (!c)
    return false;
  if (c->callKind == CallKind::Regular)
    return true;
  if (c->callKind != CallKind::Builtin)
    return false;
  Object *b = nullptr;
  Expr *f = c->fun;
  while (auto *p = llvm::dyn_cast<ParenExpr>(f))
    f = p->x;
  if (auto *id = llvm::dyn_cast<Ident>(f))
    b = id->obj;
  else if (auto *s = llvm::dyn_cast<SelectorExpr>(f))
    b = s->sel->obj;
  if (!b)
    return false;
  switch (b->builtin) {
  case BuiltinId::Copy: case BuiltinId::Panic: case BuiltinId::Print:
  case BuiltinId::Println: case BuiltinId::Close: case BuiltinId::Delete:
  case BuiltinId::Recover:
    return true;
  default:
    return b->kind == ObjKind::Func;
  }
}

void Checker::stmt(Stmt *s) {
  if (!s)
    return;
  LabeledStmt *label = pendingLabel;
  pendingLabel = nullptr;
  switch (s->kind) {
  case StmtKind::Bad:
  case StmtKind::Empty:
    return;
  case StmtKind::Decl:
    declStmt(llvm::cast<DeclStmt>(s)->decl);
    return;
  case StmtKind::Labeled: {
    auto *l = llvm::cast<LabeledStmt>(s);
    pendingLabel = l;
    stmt(l->stmt);
    pendingLabel = nullptr;
    return;
  }
  case StmtKind::Expr: {
    Expr *x = llvm::cast<ExprStmt>(s)->x;
    rawExpr(x, nullptr);
    switch (x->mode) {
    case ExprMode::Invalid:
      return;
    case ExprMode::Builtin:
      error(exprStart(x), desc(x) + " must be called");
      return;
    case ExprMode::TypeExpr:
      error(exprStart(x), desc(x) + " is not an expression");
      return;
    case ExprMode::Package:
      error(exprStart(x), "use of package " + shortExprString(x) + " without selector");
      return;
    default:
      if (isStatementCall(x))
        return;
      error(exprStart(x), desc(x) + " is not used");
      return;
    }
  }
  case StmtKind::Send:
    sendStmt(llvm::cast<SendStmt>(s));
    return;
  case StmtKind::IncDec: {
    auto *i = llvm::cast<IncDecStmt>(s);
    expr(i->x);
    if (i->x->mode == ExprMode::Invalid)
      return;
    if (!i->x->type->isNumeric()) {
      std::string op = i->inc ? "++" : "--";
      error(exprStart(i->x), "invalid operation: " + shortExprString(i->x) + op +
                                 " (non-numeric type " + typeStr(i->x->type) + ")");
      return;
    }
    if (i->x->mode != ExprMode::Variable)
      error(exprStart(i->x), "cannot assign to " + desc(i->x));
    else
      mapElemPart(i->x);
    return;
  }
  case StmtKind::Assign:
    assignStmt(llvm::cast<AssignStmt>(s));
    return;
  case StmtKind::Go:
    goStmt(llvm::cast<GoStmt>(s));
    return;
  case StmtKind::Defer:
    deferStmt(llvm::cast<DeferStmt>(s));
    return;
  case StmtKind::Return:
    returnStmt(llvm::cast<ReturnStmt>(s));
    return;
  case StmtKind::Branch:
    branchStmt(llvm::cast<BranchStmt>(s));
    return;
  case StmtKind::Block:
    block(llvm::cast<BlockStmt>(s));
    return;
  case StmtKind::If:
    ifStmt(llvm::cast<IfStmt>(s));
    return;
  case StmtKind::Switch:
    switchStmt(llvm::cast<SwitchStmt>(s), label);
    return;
  case StmtKind::TypeSwitch:
    typeSwitchStmt(llvm::cast<TypeSwitchStmt>(s), label);
    return;
  case StmtKind::Select:
    selectStmt(llvm::cast<SelectStmt>(s), label);
    return;
  case StmtKind::For:
    forStmt(llvm::cast<ForStmt>(s), label);
    return;
  case StmtKind::Range:
    rangeStmt(llvm::cast<RangeStmt>(s), label);
    return;
  case StmtKind::CaseClause:
  case StmtKind::CommClause:
    return; // handled by their statements
  }
}

//===----------------------------------------------------------------------===//
// Declarations inside functions
//===----------------------------------------------------------------------===//

void Checker::declStmt(GenDecl *d) {
  if (!d)
    return;
  for (Spec *sp : d->specs) {
    if (auto *v = llvm::dyn_cast<ValueSpec>(sp)) {
      if (d->tok == TokKind::Const)
        localConst(v);
      else
        localVar(v);
    } else if (auto *t = llvm::dyn_cast<TypeSpec>(sp)) {
      Object *o = tc.newObject(ObjKind::TypeName, t->name->name, t->name->pos);
      o->pkgPath = pkgPath;
      if (t->alias) {
        o->type = typeExpr(t->typeExpr);
        declare(scope, o, t->name);
        continue;
      }
      auto *named = tc.newNamed(o);
      o->type = named;
      declare(scope, o, t->name);
      Type *u = typeExpr(t->typeExpr);
      named->under = u ? u->underlying() : tc.intType();
      if (named->under->isNamed()) {
        error(o->pos, "invalid recursive type " + o->name);
        named->under = tc.intType();
      }
      checkValidType(named);
    }
  }
}

void Checker::localConst(ValueSpec *spec) {
  std::vector<Object *> objs;
  for (size_t i = 0; i < spec->names.size(); ++i) {
    Ident *id = spec->names[i];
    Object *o = tc.newObject(ObjKind::Const, id->name, id->pos);
    id->obj = o;
    constDecl(o, spec, (int)i);
    objs.push_back(o);
  }
  for (size_t i = 0; i < objs.size(); ++i)
    declare(scope, objs[i], spec->names[i]);
}

void Checker::localVar(ValueSpec *spec) {
  std::vector<Object *> objs;
  Type *t = spec->typeExpr ? typeExpr(spec->typeExpr) : nullptr;
  for (Ident *id : spec->names) {
    Object *o = newVar(id, t);
    if (spec->typeExpr && !t)
      o->used = true;
    objs.push_back(o);
  }
  varArity(spec);
  if (!spec->values.empty()) {
    if (spec->values.size() != objs.size() && spec->values.size() != 1) {
      for (size_t i = 0; i < objs.size() && i < spec->values.size(); ++i) {
        std::vector<Object *> one{objs[i]};
        std::vector<Expr *> rhs{spec->values[i]};
        initVars(one, rhs, spec->pos, "variable declaration", false);
      }
    } else if (spec->values.size() == objs.size()) {
      for (size_t i = 0; i < objs.size(); ++i) {
        std::vector<Object *> one{objs[i]};
        std::vector<Expr *> rhs{spec->values[i]};
        initVars(one, rhs, spec->pos, "variable declaration", false);
      }
    } else {
      initVars(objs, spec->values, spec->pos, "assignment", false);
    }
  } else if (!spec->typeExpr) {
    error(spec->pos, "missing type or init expr");
  }
  for (size_t i = 0; i < objs.size(); ++i) {
    declare(scope, objs[i], spec->names[i]);
    if (fn)
      fn->locals.push_back(objs[i]);
    if (objs[i]->type) {
      spec->names[i]->type = objs[i]->type;
      spec->names[i]->mode = ExprMode::Variable;
    }
  }
}

//===----------------------------------------------------------------------===//
// Assignments
//===----------------------------------------------------------------------===//

void Checker::assignError(std::vector<Expr *> &rhs, size_t nvars, size_t nvals) {
  auto measure = [](size_t n, const char *unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  std::string vars = measure(nvars, "variable"), vals = measure(nvals, "value");
  Expr *r0 = rhs[0];
  Expr *u = r0;
  while (auto *p = llvm::dyn_cast<ParenExpr>(u))
    u = p->x;
  if (rhs.size() == 1)
    if (auto *c = llvm::dyn_cast<CallExpr>(u)) {
      error(exprStart(r0), "assignment mismatch: " + vars + " but " + shortExprString(c->fun) +
                               " returns " + vals);
      return;
    }
  error(exprStart(r0), "assignment mismatch: " + vars + " but " + vals);
}

// Evaluates rhs and initialises (or, for objects with a type, assigns to)
// the lhs objects. Objects without a type get the (default) type of their
// value.
void Checker::initVars(std::vector<Object *> &lhs, std::vector<Expr *> &rhs, llvm::SMLoc pos,
                       const std::string &context, bool isReturn, Stmt *ret) {
  auto invalidate = [&] {
    for (Object *o : lhs)
      if (o)
        o->used = true;
  };
  auto initOne = [&](Object *o, Expr *e) {
    if (!o) {
      assignment(e, nullptr, context);
      return;
    }
    if (!o->type) {
      if (assignment(e, nullptr, context))
        o->type = e->type;
      else
        o->used = true;
      return;
    }
    if (!assignment(e, o->type, context))
      o->used = true;
  };
  std::vector<Type *> rtypes;
  auto mismatch = [&](size_t nvals) {
    invalidate();
    if (isReturn) {
      std::vector<Type *> want;
      for (Object *o : lhs)
        want.push_back(o ? o->type : nullptr);
      llvm::SMLoc at = ret ? ret->pos : pos;
      std::string q = "not enough";
      if (nvals > lhs.size()) {
        q = "too many";
        if (rhs.size() > lhs.size())
          at = exprStart(rhs[lhs.size()]);
      } else if (!rhs.empty()) {
        at = exprStart(rhs.back());
      }
      error(at, q + " return values\n\thave " + typesSummary(rtypes, nullptr, false) +
                    "\n\twant " + typesSummary(want, nullptr, false));
      return;
    }
    assignError(rhs, lhs.size(), nvals);
  };

  if (lhs.size() == rhs.size() && rhs.size() > 1) {
    bool allOk = true;
    for (size_t i = 0; i < lhs.size(); ++i) {
      expr(rhs[i], lhs[i] ? lhs[i]->type : nullptr);
      if (rhs[i]->mode == ExprMode::Invalid) {
        allOk = false;
        continue;
      }
      Object *o = lhs[i];
      bool wasUsed = o && o->used;
      initOne(o, rhs[i]);
      if (o && o->used && !wasUsed)
        allOk = false; // initOne marks failures as used
    }
    // Avoid follow-on "declared but not used" errors, like gc.
    if (!allOk)
      invalidate();
    return;
  }
  if (rhs.size() == 1) {
    Expr *r = rhs[0];
    multiExpr(r);
    if (r->mode == ExprMode::Invalid) {
      invalidate();
      return;
    }
    if (auto *tt = llvm::dyn_cast_or_null<TupleType>(r->type)) {
      if (tt->elems.size() != lhs.size()) {
        rtypes = tt->elems;
        mismatch(tt->elems.size());
        return;
      }
      for (size_t i = 0; i < lhs.size(); ++i) {
        Object *o = lhs[i];
        Type *t = tt->elems[i];
        if (!o)
          continue;
        if (!o->type) {
          o->type = t;
        } else if (!assignableType(t, o->type)) {
          error(exprStart(r), "cannot use " + shortExprString(r) + " (value of type " + typeStr(t) +
                                  ") as type " + typeStr(o->type) + " in " + context);
          o->used = true;
        }
      }
      return;
    }
    if (isCommaOk(r) && lhs.size() == 2 && !isReturn) {
      initOne(lhs[0], r);
      if (!isMapIndex(r))
        r->mode = ExprMode::CommaOk;
      Object *ok = lhs[1];
      if (ok) {
        if (!ok->type)
          ok->type = tc.boolType();
        else if (!ok->type->isBoolean() && !assignableType(tc.boolType(), ok->type)) {
          // (an untyped bool goes into a bool type or an interface: any)
          error(exprStart(r), "cannot use " + shortExprString(r) + " (untyped bool value) as type " +
                                  typeStr(ok->type) + " in " + context);
        }
      }
      return;
    }
    if (lhs.size() == 1) {
      if (!singleValue(r)) {
        invalidate();
        return;
      }
      initOne(lhs[0], r);
      return;
    }
    rtypes.push_back(r->type);
    mismatch(1);
    return;
  }
  bool bad = false;
  for (Expr *r : rhs) {
    expr(r);
    if (r->mode == ExprMode::Invalid)
      bad = true;
    rtypes.push_back(r->type);
  }
  if (bad) {
    invalidate();
    return;
  }
  mismatch(rhs.size());
}

Type *Checker::lhsVar(Expr *lhs) {
  Expr *u = lhs;
  while (auto *p = llvm::dyn_cast<ParenExpr>(u))
    u = p->x;
  if (auto *id = llvm::dyn_cast<Ident>(u)) {
    Object *o = lookup(id->name);
    if (o && o->kind == ObjKind::Var) {
      // Assignment is not a use; but it may still capture the variable.
      bool wasUsed = o->used;
      objDecl(o);
      recordUse(o);
      o->used = wasUsed;
      id->obj = o;
      if (!o->type)
        return nullptr;
      id->mode = ExprMode::Variable;
      id->type = o->type;
      if (u != lhs) {
        rawExpr(lhs, nullptr);
        o->used = wasUsed;
      }
      return o->type;
    }
  }
  expr(lhs);
  if (lhs->mode == ExprMode::Invalid)
    return nullptr;
  if (lhs->mode != ExprMode::Variable) {
    error(exprStart(lhs), "cannot assign to " + desc(lhs));
    return nullptr;
  }
  if (!mapElemPart(lhs))
    return nullptr;
  return lhs->type;
}

static bool isBlankIdent(Expr *e) {
  auto *id = llvm::dyn_cast<Ident>(e);
  return id && id->name == "_";
}

void Checker::assignVar(Expr *lhs, Expr *rhs, bool rhsChecked) {
  if (isBlankIdent(lhs)) {
    if (!rhsChecked)
      expr(rhs);
    if (rhs->mode != ExprMode::Invalid)
      assignment(rhs, nullptr, "assignment");
    return;
  }
  Type *t = lhsVar(lhs);
  if (!rhsChecked)
    expr(rhs, t);
  Expr *u = lhs;
  while (auto *p = llvm::dyn_cast<ParenExpr>(u))
    u = p->x;
  auto *id = llvm::dyn_cast<Ident>(u);
  if (!t || rhs->mode == ExprMode::Invalid || !assignment(rhs, t, "assignment")) {
    // gc counts a failed assignment as a use (no follow-on error).
    if (id && id->obj && id->obj->kind == ObjKind::Var)
      id->obj->used = true;
  }
}

void Checker::assignStmt(AssignStmt *s) {
  if (s->tok == TokKind::Define) {
    shortVarDecl(s);
    return;
  }
  if (s->tok != TokKind::Assign) {
    TokKind op = opAssignToBinary(s->tok);
    if (s->lhs.size() != 1 || s->rhs.size() != 1) {
      error(s->pos, "assignment operation " + opString(op) + "= requires single-valued expressions");
      return;
    }
    Expr *x = s->lhs[0], *y = s->rhs[0];
    binary(nullptr, x, y, op, x);
    if (x->mode == ExprMode::Invalid || y->mode == ExprMode::Invalid)
      return;
    if (x->mode != ExprMode::Variable)
      error(exprStart(x), "cannot assign to " + desc(x));
    else
      mapElemPart(x);
    return;
  }
  size_t nl = s->lhs.size(), nr = s->rhs.size();
  if (nl == 1 && nr == 1) {
    Expr *r = s->rhs[0];
    multiExpr(r);
    if (r->mode != ExprMode::Invalid && r->type && r->type->kind == TypeKind::Tuple) {
      if (!isBlankIdent(s->lhs[0]))
        lhsVar(s->lhs[0]);
      assignError(s->rhs, 1, llvm::cast<TupleType>(r->type)->elems.size());
      return;
    }
    assignVar(s->lhs[0], r, true);
    return;
  }
  if (nl == nr) {
    for (size_t i = 0; i < nl; ++i)
      assignVar(s->lhs[i], s->rhs[i], false);
    return;
  }
  if (nr == 1) {
    Expr *r = s->rhs[0];
    multiExpr(r);
    std::vector<Type *> ts;
    if (r->mode == ExprMode::Invalid) {
      for (Expr *l : s->lhs)
        if (!isBlankIdent(l))
          lhsVar(l);
      return;
    }
    if (auto *tt = llvm::dyn_cast_or_null<TupleType>(r->type)) {
      ts = tt->elems;
    } else if (isCommaOk(r) && nl == 2) {
      ts = {r->type, tc.boolType()};
    } else {
      ts = {r->type};
    }
    if (ts.size() != nl) {
      for (Expr *l : s->lhs)
        if (!isBlankIdent(l))
          expr(l); // counts as a use, like gc (no follow-on errors)
      assignError(s->rhs, nl, ts.size());
      return;
    }
    for (size_t i = 0; i < nl; ++i) {
      if (isBlankIdent(s->lhs[i]))
        continue;
      Type *t = lhsVar(s->lhs[i]);
      if (!t)
        continue;
      Type *v = ts[i];
      if (i == 1 && isCommaOk(r) && t->isBoolean())
        continue;
      if (!assignableType(v, t))
        error(exprStart(r), "cannot use " + shortExprString(r) + " (value of type " + typeStr(v) +
                                ") as type " + typeStr(t) + " in assignment");
    }
    return;
  }
  for (Expr *l : s->lhs)
    if (!isBlankIdent(l))
      expr(l);
  for (Expr *r : s->rhs)
    expr(r);
  assignError(s->rhs, nl, nr);
}

void Checker::shortVarDecl(AssignStmt *s) {
  std::vector<Object *> lhs;
  std::vector<Object *> newVars;
  std::vector<Ident *> newIds;
  s->isNew.assign(s->lhs.size(), false);
  bool hasErr = false;
  llvm::StringMap<bool> seen;
  for (size_t i = 0; i < s->lhs.size(); ++i) {
    auto *id = llvm::dyn_cast<Ident>(s->lhs[i]);
    if (!id) {
      rawExpr(s->lhs[i], nullptr);
      error(exprStart(s->lhs[i]), "non-name " + shortExprString(s->lhs[i]) + " on left side of :=");
      lhs.push_back(nullptr);
      hasErr = true;
      continue;
    }
    if (id->name != "_" && seen.count(id->name)) {
      error(id->pos, id->name + " repeated on left side of :=");
      lhs.push_back(nullptr);
      hasErr = true;
      continue;
    }
    seen[id->name] = true;
    if (id->name == "_") {
      lhs.push_back(nullptr);
      continue;
    }
    if (Object *o = scope->lookupLocal(id->name)) {
      id->obj = o;
      if (o->kind != ObjKind::Var) {
        error(id->pos, "cannot assign to " + id->name);
        hasErr = true;
        lhs.push_back(nullptr);
        continue;
      }
      lhs.push_back(o);
      id->mode = ExprMode::Variable;
      id->type = o->type;
      continue;
    }
    Object *o = newVar(id, nullptr);
    s->isNew[i] = true;
    lhs.push_back(o);
    newVars.push_back(o);
    newIds.push_back(id);
  }
  initVars(lhs, s->rhs, s->pos, "assignment", false);
  for (size_t i = 0; i < newVars.size(); ++i) {
    declare(scope, newVars[i], newIds[i]);
    if (fn)
      fn->locals.push_back(newVars[i]);
    newIds[i]->type = newVars[i]->type;
    newIds[i]->mode = newVars[i]->type ? ExprMode::Variable : ExprMode::Invalid;
  }
  if (newVars.empty() && !hasErr) {
    // gc reports at the := operator.
    const char *p = s->pos.getPointer();
    const char *end = diags.sourceMgr()
                          .getMemoryBuffer(diags.sourceMgr().FindBufferContainingLoc(s->pos))
                          ->getBufferEnd();
    llvm::SMLoc at = s->pos;
    for (; p && p + 1 < end && *p != '\n'; ++p)
      if (p[0] == ':' && p[1] == '=') {
        at = llvm::SMLoc::getFromPointer(p);
        break;
      }
    error(at, "no new variables on left side of :=");
  }
}

//===----------------------------------------------------------------------===//
// Control flow
//===----------------------------------------------------------------------===//

void Checker::returnStmt(ReturnStmt *s) {
  if (!fn || !fn->sig)
    return;
  auto &results = fn->sig->results;
  if (s->results.empty()) {
    if (results.empty())
      return;
    if (fn->info && !fn->info->results.empty() && !fn->info->results[0]->name.empty()) {
      // Bare return: every named result must be visible here.
      for (Object *r : fn->info->results) {
        if (r->name == "_" || r->name.empty())
          continue;
        Object *alt = lookup(r->name);
        if (alt && alt != r) {
          error(s->pos, "result parameter " + r->name + " not in scope at return\n\t" +
                            posString(alt->pos) + ": inner declaration of var " + alt->name +
                            " " + (alt->type ? typeStr(alt->type) : "invalid type"));
          break;
        }
      }
      return;
    }
    error(s->pos, "not enough return values\n\thave ()\n\twant " +
                      typesSummary(results, nullptr, false));
    return;
  }
  if (results.empty()) {
    std::vector<Type *> have;
    bool bad = false;
    for (Expr *r : s->results) {
      multiExpr(r);
      if (r->mode == ExprMode::Invalid)
        bad = true;
      if (auto *tt = llvm::dyn_cast_or_null<TupleType>(r->type))
        have.insert(have.end(), tt->elems.begin(), tt->elems.end());
      else
        have.push_back(r->type);
    }
    if (!bad)
      error(exprStart(s->results[0]),
            "too many return values\n\thave " + typesSummary(have, nullptr, false) + "\n\twant ()");
    return;
  }
  std::vector<Object *> lhs;
  for (size_t i = 0; i < results.size(); ++i) {
    // Temporary objects carrying the result types.
    Object *o = tc.newObject(ObjKind::Var, "", s->pos, results[i]);
    lhs.push_back(o);
  }
  initVars(lhs, s->results, s->pos, "return statement", true, s);
}

void Checker::branchStmt(BranchStmt *s) {
  const std::string name = s->label ? s->label->name : "";
  auto findLabeled = [&](bool loopOnly, bool &invalid) -> Stmt * {
    invalid = false;
    for (auto it = targets.rbegin(); it != targets.rend(); ++it) {
      if (it->label && it->label->label->name == name) {
        fn->labelUsed[it->label] = true;
        if (loopOnly && !it->isLoop) {
          invalid = true;
          return nullptr;
        }
        return it->stmt;
      }
    }
    return nullptr;
  };
  switch (s->tok) {
  case TokKind::Break:
    if (!s->label) {
      if (targets.empty()) {
        error(s->pos, "break is not in a loop, switch, or select");
        return;
      }
      s->target = targets.back().stmt;
      return;
    } else {
      bool invalid;
      if (Stmt *t = findLabeled(false, invalid)) {
        s->target = t;
        return;
      }
      auto it = fn->labels.find(name);
      if (it != fn->labels.end()) {
        fn->labelUsed[it->second] = true;
        error(s->label->pos, "invalid break label " + name);
        return;
      }
      error(s->label->pos, "break label not defined: " + name);
      return;
    }
  case TokKind::Continue:
    if (!s->label) {
      for (auto it = targets.rbegin(); it != targets.rend(); ++it)
        if (it->isLoop) {
          s->target = it->stmt;
          return;
        }
      error(s->pos, "continue is not in a loop");
      return;
    } else {
      bool invalid;
      if (Stmt *t = findLabeled(true, invalid)) {
        s->target = t;
        return;
      }
      auto it = fn->labels.find(name);
      if (it != fn->labels.end())
        fn->labelUsed[it->second] = true;
      if (invalid || it != fn->labels.end())
        error(s->label->pos, "invalid continue label " + name);
      else
        error(s->label->pos, "continue label not defined: " + name);
      return;
    }
  case TokKind::Goto: {
    if (!s->label)
      return;
    auto it = fn->labels.find(name);
    if (it == fn->labels.end()) {
      error(s->label->pos, "label " + name + " not defined");
      return;
    }
    fn->labelUsed[it->second] = true;
    s->target = it->second;
    checkGoto(s, it->second);
    return;
  }
  case TokKind::Fallthrough:
    // Valid fallthroughs were given their target by switchStmt.
    if (!s->target)
      error(s->pos, "fallthrough statement out of place");
    return;
  default:
    return;
  }
}

void Checker::ifStmt(IfStmt *s) {
  openScope();
  stmt(s->init);
  if (s->cond) {
    expr(s->cond);
    if (s->cond->mode != ExprMode::Invalid) {
      if (!s->cond->type->isBoolean())
        error(exprStart(s->cond), "non-boolean condition in if statement");
      else
        defaultType(s->cond);
    }
  }
  block(s->then);
  if (s->els)
    stmt(s->els);
  closeScope();
}

void Checker::forStmt(ForStmt *s, LabeledStmt *label) {
  openScope();
  stmt(s->init);
  if (s->cond) {
    expr(s->cond);
    if (s->cond->mode != ExprMode::Invalid) {
      if (!s->cond->type->isBoolean())
        error(exprStart(s->cond), "non-boolean condition in for statement");
      else
        defaultType(s->cond);
    }
  }
  if (auto *a = llvm::dyn_cast_or_null<AssignStmt>(s->post); a && a->tok == TokKind::Define)
    error(a->pos, "cannot declare in post statement of for loop");
  else
    stmt(s->post);
  targets.push_back({s, true, label});
  block(s->body);
  targets.pop_back();
  closeScope();
}

void Checker::rangeStmt(RangeStmt *s, LabeledStmt *label) {
  expr(s->x);
  Type *kt = nullptr, *vt = nullptr;
  bool ok = false, oneVar = false;
  Expr *x = s->x;
  if (x->mode != ExprMode::Invalid) {
    Type *u = x->type->underlying();
    switch (u->kind) {
    case TypeKind::String:
    case TypeKind::UntypedString:
      if (x->type->isUntyped())
        finalize(x, tc.stringType());
      kt = tc.intType();
      vt = tc.basic(TypeKind::Int32);
      ok = true;
      break;
    case TypeKind::Array:
      kt = tc.intType();
      vt = llvm::cast<ArrayType>(u)->elem;
      ok = true;
      break;
    case TypeKind::Slice:
      kt = tc.intType();
      vt = llvm::cast<SliceType>(u)->elem;
      ok = true;
      break;
    case TypeKind::Pointer: // range over a *[N]T ranges over the array
      if (auto *a = llvm::dyn_cast<ArrayType>(llvm::cast<PointerType>(u)->elem->underlying())) {
        kt = tc.intType();
        vt = a->elem;
        ok = true;
      } else {
        error(exprStart(x), "cannot range over " + desc(x));
      }
      break;
    case TypeKind::Map:
      kt = llvm::cast<MapType>(u)->key;
      vt = llvm::cast<MapType>(u)->value;
      ok = true;
      break;
    case TypeKind::Chan:
      kt = llvm::cast<ChanType>(u)->elem;
      oneVar = true;
      ok = true;
      if (llvm::cast<ChanType>(u)->dir == ChanDir::Send) {
        error(exprStart(x), "cannot range over " + desc(x) + " (receive from send-only channel)");
        ok = false;
      }
      break;
    default:
      error(exprStart(x), "cannot range over " + desc(x));
      break;
    }
  }
  if (oneVar && s->value) {
    error(exprStart(s->value), "range over " + desc(x) + " permits only one iteration variable");
    ok = false;
  }
  openScope();
  Expr *vars[2] = {s->key, s->value};
  Type *types[2] = {kt, vt};
  if (s->tok == TokKind::Define) {
    std::vector<std::pair<Object *, Ident *>> decl;
    for (int i = 0; i < 2; ++i) {
      if (!vars[i])
        continue;
      auto *id = llvm::dyn_cast<Ident>(vars[i]);
      if (!id) {
        error(exprStart(vars[i]), "non-name " + shortExprString(vars[i]) + " on left side of :=");
        continue;
      }
      Object *o = newVar(id, ok ? types[i] : nullptr);
      if (!ok)
        o->used = true;
      if (o->type) {
        id->type = o->type;
        id->mode = ExprMode::Variable;
      }
      decl.push_back({o, id});
    }
    for (auto &[o, id] : decl) {
      declare(scope, o, id);
      if (fn)
        fn->locals.push_back(o);
    }
  } else if (s->tok == TokKind::Assign) {
    for (int i = 0; i < 2; ++i) {
      if (!vars[i] || isBlankIdent(vars[i]))
        continue;
      Type *t = lhsVar(vars[i]);
      if (!t || !ok || !types[i])
        continue;
      if (!assignableType(types[i], t))
        error(exprStart(vars[i]), "cannot use " + shortExprString(vars[i]) + " (value of type " +
                                      typeStr(types[i]) + ") as type " + typeStr(t) +
                                      " in assignment");
    }
  }
  targets.push_back({s, true, label});
  block(s->body);
  targets.pop_back();
  closeScope();
}

void Checker::switchStmt(SwitchStmt *s, LabeledStmt *label) {
  openScope();
  stmt(s->init);
  Expr *tag = s->tag;
  std::unique_ptr<Ident> trueIdent;
  bool tagOk = true;
  if (tag) {
    expr(tag);
    if (tag->mode != ExprMode::Invalid) {
      if (!assignment(tag, nullptr, "switch expression")) {
        tagOk = false;
      } else if (!comparable(tag->type) && !hasNil(tag->type)) {
        error(exprStart(tag), "cannot switch on " + desc(tag) + " (" + typeStr(tag->type) +
                                  " is not comparable)");
        tagOk = false;
      }
    } else {
      tagOk = false;
    }
  } else {
    trueIdent = std::make_unique<Ident>();
    trueIdent->name = "true";
    trueIdent->pos = s->pos;
    trueIdent->mode = ExprMode::Constant;
    trueIdent->type = tc.boolType();
    trueIdent->constVal = std::make_shared<ConstValue>(ConstValue::makeBool(true));
    tag = trueIdent.get();
  }
  targets.push_back({s, false, label});
  CaseClause *firstDefault = nullptr;
  std::map<std::string, Expr *> seen;
  for (size_t ci = 0; ci < s->clauses.size(); ++ci) {
    CaseClause *cc = s->clauses[ci];
    if (cc->isDefault()) {
      if (firstDefault)
        error(cc->pos, "multiple defaults (first at " + posString(firstDefault->pos) + ")");
      else
        firstDefault = cc;
    }
    for (Expr *e : cc->list) {
      expr(e);
      if (e->mode == ExprMode::Invalid || !tagOk)
        continue;
      if (!convertUntyped(e, tag->type))
        continue;
      comparison(nullptr, e, tag, TokKind::Eql, true);
      if (e->mode == ExprMode::Constant && e->constVal) {
        std::string key = typeStr(e->type) + ":" + constfold::toString(*e->constVal);
        auto it = seen.find(key);
        if (it != seen.end()) {
          error(exprStart(e), "duplicate case " + desc(e) + " in expression switch\n\t" +
                                  posString(exprStart(it->second)) + ": previous case");
        } else {
          seen[key] = e;
        }
      }
      defaultType(e);
    }
    // fallthrough as the last statement of a clause.
    if (!cc->body.empty())
      if (auto *br = llvm::dyn_cast<BranchStmt>(cc->body.back());
          br && br->tok == TokKind::Fallthrough) {
        if (ci + 1 < s->clauses.size())
          br->target = s->clauses[ci + 1];
        else
          error(br->pos, "cannot fallthrough final case in switch");
        // Mark the final-case one as handled so branchStmt stays quiet.
        if (!br->target)
          br->target = cc;
      }
    openScope();
    stmtList(cc->body);
    closeScope();
  }
  targets.pop_back();
  closeScope();
}

void Checker::sendStmt(SendStmt *s) {
  expr(s->chan);
  expr(s->value);
  if (s->chan->mode == ExprMode::Invalid || s->value->mode == ExprMode::Invalid)
    return;
  auto *ct = llvm::dyn_cast<ChanType>(s->chan->type->underlying());
  if (!ct) {
    error(exprStart(s->chan), "invalid operation: cannot send to non-channel " + desc(s->chan));
    return;
  }
  if (ct->dir == ChanDir::Recv) {
    error(exprStart(s->chan),
          "invalid operation: cannot send to receive-only channel " + desc(s->chan));
    return;
  }
  assignment(s->value, ct->elem, "send");
}

void Checker::goStmt(GoStmt *s) {
  if (!s->call)
    return;
  rawExpr(s->call, nullptr);
  if (s->call->mode == ExprMode::Invalid)
    return;
  if (s->call->callKind == CallKind::Conversion) {
    error(s->pos, "go requires function call, not conversion");
    return;
  }
  if (s->call->callKind == CallKind::Builtin && !isStatementCall(s->call))
    error(exprStart(s->call), "go discards result of " + desc(s->call));
}

// gc's wording: "defer requires function call, not conversion",
// "defer discards result of len(s)".
void Checker::deferStmt(DeferStmt *s) {
  if (!s->call)
    return;
  rawExpr(s->call, nullptr);
  if (s->call->mode == ExprMode::Invalid)
    return;
  if (s->call->callKind == CallKind::Conversion) {
    error(s->pos, "defer requires function call, not conversion");
    return;
  }
  if (s->call->callKind == CallKind::Builtin && !isStatementCall(s->call))
    error(exprStart(s->call), "defer discards result of " + desc(s->call));
}

void Checker::selectStmt(SelectStmt *s, LabeledStmt *label) {
  targets.push_back({s, false, label});
  for (CommClause *cc : s->clauses) {
    openScope();
    if (Stmt *c = cc->comm) {
      auto isRecv = [](Expr *e) {
        while (auto *p = llvm::dyn_cast<ParenExpr>(e))
          e = p->x;
        auto *u = llvm::dyn_cast<UnaryExpr>(e);
        return u && u->op == TokKind::Arrow;
      };
      bool valid = false;
      if (auto *send = llvm::dyn_cast<SendStmt>(c)) {
        valid = true;
        sendStmt(send);
      } else if (auto *es = llvm::dyn_cast<ExprStmt>(c)) {
        valid = isRecv(es->x);
        if (valid)
          expr(es->x);
      } else if (auto *as = llvm::dyn_cast<AssignStmt>(c)) {
        valid = as->rhs.size() == 1 && isRecv(as->rhs[0]) && as->lhs.size() <= 2 &&
                (as->tok == TokKind::Define || as->tok == TokKind::Assign);
        if (valid)
          assignStmt(as);
      }
      if (!valid)
        error(c->pos, "select case must be send or receive (possibly with assignment)");
    }
    stmtList(cc->body);
    closeScope();
  }
  targets.pop_back();
}

//===----------------------------------------------------------------------===//
// Terminating statements (Go spec) for "missing return"
//===----------------------------------------------------------------------===//

static bool hasBreakTo(Stmt *s, Stmt *target);

static bool listHasBreakTo(const std::vector<Stmt *> &l, Stmt *target) {
  for (Stmt *s : l)
    if (hasBreakTo(s, target))
      return true;
  return false;
}

static bool hasBreakTo(Stmt *s, Stmt *target) {
  if (!s)
    return false;
  switch (s->kind) {
  case StmtKind::Branch: {
    auto *b = llvm::cast<BranchStmt>(s);
    return b->tok == TokKind::Break && b->target == target;
  }
  case StmtKind::Block:
    return listHasBreakTo(llvm::cast<BlockStmt>(s)->stmts, target);
  case StmtKind::Labeled:
    return hasBreakTo(llvm::cast<LabeledStmt>(s)->stmt, target);
  case StmtKind::If: {
    auto *i = llvm::cast<IfStmt>(s);
    return hasBreakTo(i->then, target) || hasBreakTo(i->els, target);
  }
  case StmtKind::For:
    return hasBreakTo(llvm::cast<ForStmt>(s)->body, target);
  case StmtKind::Range:
    return hasBreakTo(llvm::cast<RangeStmt>(s)->body, target);
  case StmtKind::Switch:
    for (CaseClause *c : llvm::cast<SwitchStmt>(s)->clauses)
      if (listHasBreakTo(c->body, target))
        return true;
    return false;
  case StmtKind::TypeSwitch:
    for (CaseClause *c : llvm::cast<TypeSwitchStmt>(s)->clauses)
      if (listHasBreakTo(c->body, target))
        return true;
    return false;
  case StmtKind::Select:
    for (CommClause *c : llvm::cast<SelectStmt>(s)->clauses)
      if (listHasBreakTo(c->body, target))
        return true;
    return false;
  default:
    return false;
  }
}

bool Checker::hasBreak(Stmt *s, Stmt *target, bool) { return hasBreakTo(s, target); }

static bool isPanicCall(Expr *x) {
  auto *c = llvm::dyn_cast<CallExpr>(x);
  if (!c || c->callKind != CallKind::Builtin)
    return false;
  Expr *f = c->fun;
  while (auto *p = llvm::dyn_cast<ParenExpr>(f))
    f = p->x;
  auto *id = llvm::dyn_cast<Ident>(f);
  return id && id->obj && id->obj->builtin == BuiltinId::Panic;
}

static bool isTerminatingList(Checker &c, const std::vector<Stmt *> &l) {
  // Trailing empty statements are ignored.
  for (auto it = l.rbegin(); it != l.rend(); ++it) {
    if (llvm::isa<EmptyStmt>(*it))
      continue;
    return c.isTerminating(*it, "");
  }
  return false;
}

bool Checker::isTerminating(Stmt *s, const std::string &label) {
  if (!s)
    return false;
  switch (s->kind) {
  case StmtKind::Return:
    return true;
  case StmtKind::Branch: {
    auto *b = llvm::cast<BranchStmt>(s);
    return b->tok == TokKind::Goto || b->tok == TokKind::Fallthrough;
  }
  case StmtKind::Expr:
    return isPanicCall(llvm::cast<ExprStmt>(s)->x);
  case StmtKind::Block:
    return isTerminatingList(*this, llvm::cast<BlockStmt>(s)->stmts);
  case StmtKind::Labeled: {
    auto *l = llvm::cast<LabeledStmt>(s);
    return isTerminating(l->stmt, l->label->name);
  }
  case StmtKind::If: {
    auto *i = llvm::cast<IfStmt>(s);
    return i->els && isTerminating(i->then, "") && isTerminating(i->els, "");
  }
  case StmtKind::For: {
    auto *f = llvm::cast<ForStmt>(s);
    return !f->cond && !hasBreakTo(f->body, f);
  }
  case StmtKind::Switch: {
    auto *sw = llvm::cast<SwitchStmt>(s);
    bool hasDefault = false;
    for (CaseClause *c : sw->clauses) {
      hasDefault |= c->isDefault();
      if (!isTerminatingList(*this, c->body) || listHasBreakTo(c->body, sw))
        return false;
    }
    return hasDefault;
  }
  case StmtKind::TypeSwitch: {
    auto *sw = llvm::cast<TypeSwitchStmt>(s);
    bool hasDefault = false;
    for (CaseClause *c : sw->clauses) {
      hasDefault |= c->isDefault();
      if (!isTerminatingList(*this, c->body) || listHasBreakTo(c->body, sw))
        return false;
    }
    return hasDefault;
  }
  case StmtKind::Select: {
    auto *sel = llvm::cast<SelectStmt>(s);
    for (CommClause *c : sel->clauses)
      if (!isTerminatingList(*this, c->body) || listHasBreakTo(c->body, sel))
        return false;
    return true;
  }
  default:
    return false;
  }
}
