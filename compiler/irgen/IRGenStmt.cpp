//===- IRGenStmt.cpp - statements and control flow -------------------------===//
//
// Lowers statements. Control flow keeps one invariant: when a statement
// ends control (return, break, continue, fallthrough, a panic), lowering
// continues in a fresh block without predecessors, so every block gets
// exactly one terminator and dead code still produces valid IR.
//
// Loops push a Target (break block, continue block) keyed by the loop
// statement; switches push one with no continue block. break/continue use
// BranchStmt::target from sema, or the innermost/labelled target.
//
// Assignment follows the spec: for `a, b = x, y` the index operands on the
// left and all values on the right are evaluated first, then the stores
// happen left to right; a left side's own nil and bounds checks run just
// before its store (genAddrDeferChecks), so `m[k], *p = 1, 2` with p nil
// has assigned m[k] when it panics, as with gc. Variables declared by `:=` or `var` get their
// storage when the declaration executes (a fresh heap box per execution if
// they are captured by a closure).
//
// go statements are lowered in IRGenGo.cpp; send, select, receive
// statements and range over channels in IRGenChan.cpp.
// goto L branches to the block that L's statement starts (sema allows only
// jumps that enter no block and skip no declaration, so the target's
// variables are in scope exactly as when it is reached in order).
// defer statements are lowered in IRGenDefer.cpp, type switches in
// IRGenIface.cpp, range over maps in IRGenMap.cpp.
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

using namespace llvm;

namespace glc {

void IRGen::genBlock(BlockStmt *s) {
  if (!s)
    return;
  dbgPushBlock(s->pos);
  genStmts(s->stmts);
  dbgPopBlock();
}

void IRGen::genStmts(const std::vector<Stmt *> &stmts) {
  for (Stmt *s : stmts)
    genStmt(s);
}

void IRGen::genStmt(Stmt *s) {
  if (!s)
    return;
  if (s->kind != StmtKind::Block)
    dbgSetLoc(s->pos);
  switch (s->kind) {
  case StmtKind::Empty:
  case StmtKind::Bad:
    return;
  case StmtKind::Block:
    return genBlock(cast<BlockStmt>(s));
  case StmtKind::Expr:
    if (UnaryExpr *recv = asRecv(cast<ExprStmt>(s)->x))
      return genRecvStmt(recv);
    hoistCalls(cast<ExprStmt>(s)->x);
    genExpr(cast<ExprStmt>(s)->x);
    return;
  case StmtKind::Decl:
    return genDeclStmt(cast<DeclStmt>(s));
  case StmtKind::Assign:
    return genAssign(cast<AssignStmt>(s));
  case StmtKind::IncDec:
    return genIncDec(cast<IncDecStmt>(s));
  case StmtKind::Return:
    return genReturn(cast<ReturnStmt>(s));
  case StmtKind::If:
    return genIf(cast<IfStmt>(s));
  case StmtKind::For:
    return genFor(cast<ForStmt>(s));
  case StmtKind::Range:
    return genRange(cast<RangeStmt>(s));
  case StmtKind::Switch:
    return genSwitch(cast<SwitchStmt>(s));
  case StmtKind::Branch:
    return genBranch(cast<BranchStmt>(s));
  case StmtKind::Labeled: {
    auto *l = cast<LabeledStmt>(s);
    fs->labels[l->label->name] = l->stmt;
    BasicBlock *&bb = fs->labelBlocks[l];
    if (!bb)
      bb = newBlock("label." + l->label->name);
    if (blockOpen())
      b.CreateBr(bb);
    b.SetInsertPoint(bb);
    return genStmt(l->stmt);
  }
  case StmtKind::Go:
    return genGo(cast<GoStmt>(s));
  case StmtKind::Defer:
    return genDefer(cast<DeferStmt>(s));
  case StmtKind::Select:
    return genSelect(cast<SelectStmt>(s));
  case StmtKind::Send:
    return genSend(cast<SendStmt>(s));
  case StmtKind::TypeSwitch:
    return genTypeSwitch(cast<TypeSwitchStmt>(s));
  default:
    return unsupported(s->pos, "this statement is");
  }
}

std::vector<Value *> IRGen::genRHS(const std::vector<Expr *> &rhs, size_t n,
                                   const std::vector<Type *> &dstTypes) {
  std::vector<Value *> vals;
  for (Expr *e : rhs)
    hoistCalls(e);
  if (rhs.size() == 1 && n > 1) {
    Expr *e = rhs[0];
    // The comma-ok forms: v has e's type, ok is a bool; either may be
    // assigned to an interface (`var a, b any = x.(T)`).
    auto dst = [&](size_t i) { return i < dstTypes.size() ? dstTypes[i] : nullptr; };
    auto commaOk = [&](Value *v, Type *vt, Value *ok) -> std::vector<Value *> {
      return {coerce(v, vt, dst(0)), coerce(ok, types.boolType(), dst(1))};
    };
    if (asRecv(e) && n == 2) { // v, ok = <-c (v converted here, not by ifaceConv)
      Value *v = genExprNoConv(e);
      return commaOk(v, e->type, takeRecvOk(e));
    }
    if (MapType *mt = mapIndexType(e); mt && n == 2) { // v, ok = m[k]
      auto [v, ok] = genMapIndexOk(cast<IndexExpr>(unparen(e)), mt);
      return commaOk(v, mt->value, ok);
    }
    if (auto *ta = dyn_cast<TypeAssertExpr>(unparen(e)); ta && n == 2) { // v, ok = x.(T)
      Value *ok = nullptr;
      Value *v = genTypeAssert(ta, &ok);
      return commaOk(v, ta->type, ok);
    }
    if (!e->type || e->type->kind != TypeKind::Tuple) {
      unsupported(e->pos, "this multi-value expression is");
      for (size_t i = 0; i < n; ++i)
        vals.push_back(dstTypes[i] ? (Value *)zeroValue(dstTypes[i]) : PoisonValue::get(i64));
      return vals;
    }
    Value *t = genExpr(e);
    auto *tt = cast<TupleType>(e->type);
    for (size_t i = 0; i < n; ++i)
      vals.push_back(coerce(b.CreateExtractValue(t, (unsigned)i), tt->elems[i],
                            i < dstTypes.size() ? dstTypes[i] : nullptr));
    return vals;
  }
  for (size_t i = 0; i < rhs.size(); ++i) {
    Type *dt = i < dstTypes.size() ? dstTypes[i] : nullptr;
    // `_ = x`: reading a variable has no effect; do not load it.
    auto *id = dyn_cast<Ident>(unparen(rhs[i]));
    if (!dt && id && id->obj && id->obj->kind == ObjKind::Var) {
      vals.push_back(PoisonValue::get(llType(rhs[i]->type)));
      continue;
    }
    vals.push_back(genValue(rhs[i], dt));
  }
  return vals;
}

void IRGen::genDeclStmt(DeclStmt *s) {
  if (!s->decl || s->decl->tok != TokKind::Var)
    return; // const and type declarations produce no code
  for (Spec *sp : s->decl->specs) {
    auto *vs = dyn_cast<ValueSpec>(sp);
    if (!vs)
      continue;
    std::vector<Type *> dsts;
    for (Ident *n : vs->names)
      dsts.push_back(n->obj ? n->obj->type : nullptr);
    if (vs->names.size() == 1 && vs->values.size() == 1 && vs->names[0]->obj &&
        vs->names[0]->name != "_" && isLargeAggregate(vs->names[0]->obj->type)) {
      // The variable first (it is not in scope on the right), so a call's
      // result loaded last can be copied straight in (storeValue).
      Value *addr = allocVar(vs->names[0]->obj, vs->names[0]->name);
      hoistCalls(vs->values[0]);
      storeExpr(addr, vs->values[0], vs->names[0]->obj->type);
      continue;
    }
    if (vs->values.size() > 1 && vs->values.size() == vs->names.size()) {
      // gc turns `var a, b = x, y` into `var a = x; var b = y`: each value
      // is evaluated completely (calls, then plain operands) and stored
      // before the next one starts, unlike the parallel `a, b := x, y`.
      for (size_t i = 0; i < vs->names.size(); ++i) {
        Ident *n = vs->names[i];
        Expr *v = vs->values[i];
        hoistCalls(v);
        if (!n->obj || n->name == "_") {
          genRHS({v}, 1, {nullptr});
          continue;
        }
        Value *addr = allocVar(n->obj, n->name);
        storeExpr(addr, v, n->obj->type);
      }
      continue;
    }
    std::vector<Value *> vals;
    if (!vs->values.empty())
      vals = genRHS(vs->values, vs->names.size(), dsts);
    for (size_t i = 0; i < vs->names.size(); ++i) {
      Ident *n = vs->names[i];
      if (!n->obj || n->name == "_")
        continue;
      Value *addr = allocVar(n->obj, n->name);
      if (i < vals.size())
        b.CreateStore(vals[i], addr);
    }
  }
}

void IRGen::genAssign(AssignStmt *s) {
  if (s->tok == TokKind::Define && s->lhs.size() == 1 && s->rhs.size() == 1 &&
      isLargeAggregate(s->rhs[0]->type)) {
    auto *id = dyn_cast<Ident>(s->lhs[0]);
    if (id && id->obj && id->name != "_") {
      // The variable first (it is not in scope on the right), so a call's
      // result, loaded last, is copied straight in (storeValue).
      bool isNew = !s->isNew.empty() ? s->isNew[0] : !fs->vars.count(id->obj);
      Value *addr = isNew ? allocVar(id->obj, id->name) : varAddr(id->obj, id->pos);
      hoistCalls(s->rhs[0]);
      storeExpr(addr, s->rhs[0], id->obj->type);
      return;
    }
  }
  if (s->tok != TokKind::Define)
    for (Expr *l : s->lhs)
      if (!isa<Ident>(unparen(l)))
        hoistCalls(l);
  for (Expr *r : s->rhs)
    hoistCalls(r);
  if (s->tok == TokKind::Assign) {
    for (Expr *l : s->lhs)
      if (mapIndexType(l)) {
        std::vector<Type *> dsts;
        for (Expr *l2 : s->lhs)
          dsts.push_back(isBlank(l2) ? nullptr : l2->type);
        return genMapAssign(s, dsts);
      }
  } else if (s->tok != TokKind::Define && mapIndexType(s->lhs[0])) {
    return genMapOpAssign(s);
  }
  if (s->tok == TokKind::Define) {
    std::vector<Type *> dsts;
    for (Expr *l : s->lhs) {
      auto *id = dyn_cast<Ident>(l);
      dsts.push_back(id && id->obj ? id->obj->type : nullptr);
    }
    std::vector<Value *> vals = genRHS(s->rhs, s->lhs.size(), dsts);
    for (size_t i = 0; i < s->lhs.size() && i < vals.size(); ++i) {
      auto *id = dyn_cast<Ident>(s->lhs[i]);
      if (!id || !id->obj || id->name == "_")
        continue;
      bool isNew = i < s->isNew.size() ? s->isNew[i] : !fs->vars.count(id->obj);
      Value *addr = isNew ? allocVar(id->obj, id->name) : varAddr(id->obj, id->pos);
      b.CreateStore(vals[i], addr);
    }
    return;
  }
  if (s->tok == TokKind::Assign) {
    if (s->lhs.size() == 1 && !isBlank(s->lhs[0])) {
      // gc's order pass copies `x.(T)` into a temporary unless T is
      // pointer-shaped (order.go, ODOTTYPE), so it runs before the
      // unsafe parts of the left side (nested assertions are not moved).
      if (auto *ta = dyn_cast<TypeAssertExpr>(unparen(s->rhs[0]));
          ta && ta->typeExpr && !isDirectIfaceT(ta->type) && !fs->hoisted.count(ta))
        fs->hoisted[ta] = genExprNoConv(ta);
      hoistUnsafeOperands(s->lhs[0]); // gc's order: see hoistUnsafeOperands
    }
    if (s->lhs.size() == 1 && s->rhs.size() == 1 && !isBlank(s->lhs[0]) &&
        isLargeAggregate(s->lhs[0]->type) && isAddressable(s->rhs[0])) {
      Value *from = genAddr(s->rhs[0]);
      Value *to = genAddr(s->lhs[0]);
      b.CreateMemMove(to, DL.getABITypeAlign(llType(s->lhs[0]->type)), from, DL.getABITypeAlign(llType(s->lhs[0]->type)), i64c(sizeOf(s->lhs[0]->type)));
      return;
    }
    if (s->lhs.size() == 1 && s->rhs.size() == 1 && !isBlank(s->lhs[0]) &&
        isLargeAggregate(s->lhs[0]->type) && isa<CompositeLit>(unparen(s->rhs[0]))) {
      // `a = [N]T{...}`: the literal is built in a temporary (its constant
      // part static data + memcpy) instead of one huge SSA value, then
      // copied; the temporary keeps `a = [2]int{a[1], a[0]}` right.
      Type *lt = s->lhs[0]->type;
      Value *tmp = entryAlloca(llType(lt), "assign.lit");
      storeExpr(tmp, s->rhs[0], lt);
      Value *to = genAddr(s->lhs[0]);
      llvm::Align al = DL.getABITypeAlign(llType(lt));
      b.CreateMemMove(to, al, tmp, al, i64c(sizeOf(lt)));
      return;
    }
    if (s->lhs.size() == 1 && s->rhs.size() == 1) {
      Value *v = genValue(s->rhs[0], isBlank(s->lhs[0]) ? nullptr : s->lhs[0]->type);
      if (!isBlank(s->lhs[0]))
        b.CreateStore(v, genAddr(s->lhs[0]));
      return;
    }
    std::vector<Value *> addrs;
    std::vector<Type *> dsts;
    std::vector<std::vector<PendingCheck>> checks(s->lhs.size());
    for (Expr *l : s->lhs)
      dsts.push_back(isBlank(l) ? nullptr : l->type);
    // `x, y = v, ok-form` (a map index, type assertion or receive; f()'s
    // call is hoisted already): gc's order pass (as2ok) evaluates the
    // right side into temporaries before it touches the left sides, so a
    // panic of the right side's (the map key's, the assertion's) comes
    // before one of a left-side operand's.
    bool rhsFirst = s->rhs.size() == 1 && s->lhs.size() > 1;
    std::vector<Value *> vals;
    if (rhsFirst)
      vals = genRHS(s->rhs, s->lhs.size(), dsts);
    for (size_t i = 0; i < s->lhs.size(); ++i) {
      Expr *l = s->lhs[i];
      addrs.push_back(isBlank(l) ? nullptr : genAddrDeferChecks(l, checks[i]));
    }
    if (!rhsFirst)
      vals = genRHS(s->rhs, s->lhs.size(), dsts);
    for (size_t i = 0; i < addrs.size() && i < vals.size(); ++i)
      if (addrs[i]) {
        emitPendingChecks(checks[i]);
        b.CreateStore(vals[i], addrs[i]);
      }
    return;
  }
  // x op= y: the operand x is evaluated once.
  TokKind op = opAssignToBinary(s->tok);
  Expr *lhs = s->lhs[0], *rhs = s->rhs[0];
  Type *lt = lhs->type;
  Value *addr = genAddr(lhs);
  bool shift = op == TokKind::Shl || op == TokKind::Shr;
  Value *y = genValue(rhs, shift ? nullptr : lt);
  Value *old = b.CreateLoad(llType(lt), addr);
  Value *r = genBinOp(op, old, y, lt, shift ? rhs->type : lt, s->pos);
  b.CreateStore(r, addr);
}

void IRGen::genIncDec(IncDecStmt *s) {
  Type *t = s->x->type;
  hoistCalls(s->x);
  if (mapIndexType(s->x))
    return genMapIncDec(s);
  Value *addr = genAddr(s->x);
  llvm::Type *lt = llType(t);
  Value *old = b.CreateLoad(lt, addr);
  Value *r;
  if (lt->isFloatingPointTy())
    r = s->inc ? b.CreateFAdd(old, ConstantFP::get(lt, 1.0)) : b.CreateFSub(old, ConstantFP::get(lt, 1.0));
  else
    r = s->inc ? b.CreateAdd(old, ConstantInt::get(lt, 1)) : b.CreateSub(old, ConstantInt::get(lt, 1));
  b.CreateStore(r, addr);
}

void IRGen::genReturn(ReturnStmt *s) {
  if (fs->defer)
    return genDeferReturn(s);
  Function *fn = fs->fn;
  llvm::Type *rt = fn->getReturnType();
  std::vector<Type *> results = fs->sig ? fs->sig->results : std::vector<Type *>{};
  std::vector<Value *> vals;
  if (s->results.empty()) {
    for (size_t i = 0; i < results.size(); ++i) {
      Object *r = i < fs->info->results.size() ? fs->info->results[i] : nullptr;
      if (r && fs->vars.count(r))
        vals.push_back(b.CreateLoad(llType(results[i]), fs->vars[r]));
      else
        vals.push_back(zeroValue(results[i]));
    }
  } else if (fs->sret && results.size() == 1 && s->results.size() == 1 &&
             isa<CompositeLit>(unparen(s->results[0]))) {
    // `return [N]T{...}`: build the literal in a temporary (static data +
    // memcpy for its constant part, see genCompositeLitInto) rather than as
    // one huge SSA value, then copy it out; the temporary keeps the
    // literal's reads apart from the caller's destination.
    hoistCalls(s->results[0]);
    Value *tmp = entryAlloca(llType(results[0]), "ret.lit");
    storeExpr(tmp, s->results[0], results[0]);
    llvm::Align al = DL.getABITypeAlign(llType(results[0]));
    b.CreateMemCpy(fs->sret, al, tmp, al, i64c(sizeOf(results[0])));
    b.CreateRetVoid();
    return;
  } else {
    vals = genRHS(s->results, results.size(), results);
  }
  if (fs->sret) { // a large result: store it through the caller's pointer
    Value *v = vals.size() == 1 ? vals[0] : nullptr;
    if (!v) {
      v = PoisonValue::get(resultLLType(fs->sig));
      for (size_t i = 0; i < vals.size(); ++i)
        v = b.CreateInsertValue(v, vals[i], (unsigned)i);
    }
    if (vals.size() == 1)
      storeValue(v, fs->sret, results[0]);
    else
      b.CreateStore(v, fs->sret);
    b.CreateRetVoid();
  } else if (rt->isVoidTy()) {
    b.CreateRetVoid();
  } else if (vals.size() == 1) {
    b.CreateRet(vals[0]);
  } else {
    Value *agg = PoisonValue::get(rt);
    for (size_t i = 0; i < vals.size(); ++i)
      agg = b.CreateInsertValue(agg, vals[i], (unsigned)i);
    b.CreateRet(agg);
  }
  startDeadBlock();
}

void IRGen::genIf(IfStmt *s) {
  genStmt(s->init);
  hoistCalls(s->cond);
  Value *cond = genValue(s->cond, types.boolType());
  BasicBlock *thenBB = newBlock("if.then"), *endBB = newBlock("if.end");
  BasicBlock *elseBB = s->els ? newBlock("if.else") : endBB;
  b.CreateCondBr(cond, thenBB, elseBB);
  b.SetInsertPoint(thenBB);
  genBlock(s->then);
  if (blockOpen())
    b.CreateBr(endBB);
  if (s->els) {
    b.SetInsertPoint(elseBB);
    genStmt(s->els);
    if (blockOpen())
      b.CreateBr(endBB);
  }
  b.SetInsertPoint(endBB);
}

void IRGen::genFor(ForStmt *s) {
  genStmt(s->init);
  BasicBlock *condBB = newBlock("for.cond"), *bodyBB = newBlock("for.body");
  BasicBlock *postBB = newBlock("for.post"), *endBB = newBlock("for.end");
  setBlock(condBB);
  if (s->cond) {
    hoistCalls(s->cond);
    b.CreateCondBr(genValue(s->cond, types.boolType()), bodyBB, endBB);
  }
  else
    b.CreateBr(bodyBB);
  b.SetInsertPoint(bodyBB);
  fs->targets.push_back({s, endBB, postBB});
  genBlock(s->body);
  fs->targets.pop_back();
  setBlock(postBB);
  genStmt(s->post);
  setBlock(condBB);
  b.SetInsertPoint(endBB);
}

void IRGen::genRange(RangeStmt *s) {
  Type *xt = under(s->x->type);
  if (isa<ChanType>(xt))
    return genRangeChan(s);
  if (isa<MapType>(xt))
    return genRangeMap(s);
  bool define = s->tok == TokKind::Define;
  Expr *keyE = s->key && !isBlank(s->key) ? s->key : nullptr;
  Expr *valE = s->value && !isBlank(s->value) ? s->value : nullptr;

  // Evaluate the range expression once.
  Value *data = nullptr, *len = nullptr;
  llvm::Type *elemTy = nullptr;
  Type *elemGo = nullptr;
  bool isStr = false;
  hoistCalls(s->x);
  if (isStringT(xt)) {
    Value *v = genExpr(s->x);
    data = strData(v);
    len = strLen(v);
    isStr = true;
  } else if (auto *st = dyn_cast<SliceType>(xt)) {
    Value *v = genExpr(s->x);
    data = b.CreateExtractValue(v, 0);
    len = b.CreateExtractValue(v, 1);
    elemGo = st->elem;
    elemTy = llType(st->elem);
  } else if (auto *at = dyn_cast<glc::ArrayType>(xt)) {
    len = i64c(at->len);
    elemGo = at->elem;
    elemTy = llType(at->elem);
    if (valE) {
      // Range over an array ranges over a copy.
      data = entryAlloca(llType(at), "range.copy");
      storeExpr(data, s->x, at);
    } else if (isa<CallExpr>(unparen(s->x))) {
      genExpr(s->x);
    }
  } else if (auto *pat = ptrToArray(xt)) {
    // Range over a *[N]T: the elements are read through the pointer as
    // the loop goes (no copy); with no value variable p is not evaluated.
    xt = pat;
    len = i64c(pat->len);
    elemGo = pat->elem;
    elemTy = llType(pat->elem);
    if (valE)
      data = nilCheck(genExpr(s->x));
    else if (isa<CallExpr>(unparen(s->x)))
      genExpr(s->x);
  } else {
    return unsupported(s->x->pos, "range over " + typeString(s->x->type) + " is");
  }

  // Iteration variables of `:=` are per loop (Go 1.19).
  Value *keyAddr = nullptr, *valAddr = nullptr;
  if (define) {
    if (keyE)
      if (auto *id = dyn_cast<Ident>(keyE); id && id->obj)
        keyAddr = allocVar(id->obj, id->name);
    if (valE)
      if (auto *id = dyn_cast<Ident>(valE); id && id->obj)
        valAddr = allocVar(id->obj, id->name);
  }

  Value *idx = entryAlloca(i64, "range.i");
  Value *next = isStr ? entryAlloca(i64, "range.next") : nullptr;
  b.CreateStore(i64c(0), idx);
  BasicBlock *condBB = newBlock("range.cond"), *bodyBB = newBlock("range.body");
  BasicBlock *postBB = newBlock("range.post"), *endBB = newBlock("range.end");
  setBlock(condBB);
  Value *i = b.CreateLoad(i64, idx, "i");
  b.CreateCondBr(b.CreateICmpSLT(i, len), bodyBB, endBB);
  b.SetInsertPoint(bodyBB);

  Value *keyV = i, *valV = nullptr;
  Type *valGo = elemGo;
  if (isStr) {
    valGo = types.basic(TypeKind::Int32);
    Value *c = b.CreateLoad(i8, b.CreateGEP(i8, data, i));
    BasicBlock *ascii = newBlock("range.ascii"), *multi = newBlock("range.decode");
    BasicBlock *join = newBlock("range.rune");
    b.CreateCondBr(b.CreateICmpULT(c, ConstantInt::get(i8, 0x80)), ascii, multi);
    b.SetInsertPoint(ascii);
    Value *r1 = b.CreateZExt(c, i32);
    Value *n1 = b.CreateAdd(i, i64c(1));
    b.CreateBr(join);
    b.SetInsertPoint(multi);
    Value *pair = callRT(RT::decoderune, {data, len, i});
    Value *r2 = b.CreateTrunc(b.CreatePtrToInt(b.CreateExtractValue(pair, 0), i64), i32);
    Value *n2 = b.CreateExtractValue(pair, 1);
    b.CreateBr(join);
    b.SetInsertPoint(join);
    PHINode *r = b.CreatePHI(i32, 2, "rune");
    r->addIncoming(r1, ascii);
    r->addIncoming(r2, multi);
    PHINode *n = b.CreatePHI(i64, 2, "next");
    n->addIncoming(n1, ascii);
    n->addIncoming(n2, multi);
    b.CreateStore(n, next);
    valV = r;
  } else if (valE) {
    Value *p = isa<glc::ArrayType>(xt) ? b.CreateGEP(llType(xt), data, {i64c(0), i})
                                       : b.CreateGEP(elemTy, data, i);
    valV = b.CreateLoad(elemTy, p);
  }
  // The index is an int: a key variable of `=` is an int too, or an
  // interface it is boxed into (genPairAssign converts).
  Value *kv = keyE ? keyV : nullptr;
  if (define) {
    if (kv)
      b.CreateStore(kv, keyAddr);
    if (valE && valV)
      b.CreateStore(valV, valAddr);
  } else {
    Expr *vars[2] = {keyE, valE && valV ? valE : nullptr};
    Value *vals[2] = {kv, valV};
    Type *from[2] = {types.intType(), valGo};
    genPairAssign(vars, vals, from);
  }

  fs->targets.push_back({s, endBB, postBB});
  genBlock(s->body);
  fs->targets.pop_back();
  setBlock(postBB);
  Value *ni = isStr ? (Value *)b.CreateLoad(i64, next) : b.CreateAdd(b.CreateLoad(i64, idx), i64c(1));
  b.CreateStore(ni, idx);
  b.CreateBr(condBB);
  b.SetInsertPoint(endBB);
}

void IRGen::genSwitch(SwitchStmt *s) {
  genStmt(s->init);
  Value *tag = nullptr;
  Type *tagT = nullptr;
  if (s->tag) {
    tagT = s->tag->type;
    hoistCalls(s->tag);
    tag = genValue(s->tag, tagT);
  }
  BasicBlock *endBB = newBlock("switch.end");
  std::vector<BasicBlock *> bodies;
  for (size_t i = 0; i < s->clauses.size(); ++i)
    bodies.push_back(newBlock("switch.case"));
  BasicBlock *defaultBB = endBB;
  // Tests, in source order (case expressions are evaluated left to right,
  // top to bottom, until one matches).
  for (size_t i = 0; i < s->clauses.size(); ++i) {
    CaseClause *cc = s->clauses[i];
    if (cc->isDefault()) {
      defaultBB = bodies[i];
      continue;
    }
    for (Expr *e : cc->list) {
      Value *match;
      hoistCalls(e);
      if (tag && ukind(tagT) == TypeKind::Slice) {
        // switch s { case nil: }: a slice tag's only valid case is nil (sema);
        // a nil slice is one whose data pointer is nil.
        Value *v = genValue(e, tagT);
        match = genCompare(TokKind::Eql, b.CreateExtractValue(tag, 0), b.CreateExtractValue(v, 0),
                           types.basic(TypeKind::UnsafePointer));
      } else if (tag && ukind(e->type) == TypeKind::Interface && ukind(tagT) != TypeKind::Interface) {
        // switch p { case err: }: the concrete tag is converted to the
        // case's interface type for this comparison (sema leaves the tag
        // unconverted: other cases may be concrete).
        Value *v = genValue(e, e->type);
        match = genCompare(TokKind::Eql, convertToIface(tag, tagT, e->type), v, e->type);
      } else if (tag) {
        Value *v = genValue(e, tagT);
        match = genCompare(TokKind::Eql, tag, v, tagT);
      } else if (ukind(e->type) == TypeKind::Interface) {
        // switch { case x: } with x an interface: true == x, true boxed.
        Value *v = genValue(e, e->type);
        match = genCompare(TokKind::Eql, convertToIface(ConstantInt::getTrue(C), types.boolType(), e->type),
                           v, e->type);
      } else {
        match = genValue(e, types.boolType());
      }
      BasicBlock *nextTest = newBlock("switch.next");
      b.CreateCondBr(match, bodies[i], nextTest);
      b.SetInsertPoint(nextTest);
    }
  }
  b.CreateBr(defaultBB);
  BasicBlock *savedFall = fs->fallthroughTo;
  for (size_t i = 0; i < s->clauses.size(); ++i) {
    b.SetInsertPoint(bodies[i]);
    fs->fallthroughTo = i + 1 < bodies.size() ? bodies[i + 1] : endBB;
    fs->targets.push_back({s, endBB, nullptr});
    genStmts(s->clauses[i]->body);
    fs->targets.pop_back();
    if (blockOpen())
      b.CreateBr(endBB);
  }
  fs->fallthroughTo = savedFall;
  b.SetInsertPoint(endBB);
}

void IRGen::genBranch(BranchStmt *s) {
  Stmt *target = s->target;
  if (auto *l = dyn_cast_or_null<LabeledStmt>(target))
    target = l->stmt;
  if (!target && s->label) {
    auto it = fs->labels.find(s->label->name);
    if (it != fs->labels.end())
      target = it->second;
  }
  BasicBlock *dest = nullptr;
  switch (s->tok) {
  case TokKind::Break:
    for (auto it = fs->targets.rbegin(); it != fs->targets.rend(); ++it)
      if (!target || it->stmt == target) {
        dest = it->brk;
        break;
      }
    break;
  case TokKind::Continue:
    for (auto it = fs->targets.rbegin(); it != fs->targets.rend(); ++it)
      if (it->cont && (!target || it->stmt == target)) {
        dest = it->cont;
        break;
      }
    break;
  case TokKind::Fallthrough:
    dest = fs->fallthroughTo;
    break;
  case TokKind::Goto: {
    auto *l = dyn_cast_or_null<LabeledStmt>(s->target);
    if (!l)
      return unsupported(s->pos, "this goto is");
    BasicBlock *&bb = fs->labelBlocks[l];
    if (!bb)
      bb = newBlock("label." + l->label->name);
    dest = bb;
    break;
  }
  default:
    return unsupported(s->pos, "this branch statement is");
  }
  if (!dest)
    return unsupported(s->pos, "this branch statement is");
  b.CreateBr(dest);
  startDeadBlock();
}

} // namespace glc
