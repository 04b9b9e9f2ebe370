//===- IRGenChan.cpp - channels and select ----------------------------------===//
//
// Lowers Go's channel operations to the runtime's entry points (abi.def,
// section "channels and select"):
//
//   make(chan T[, n])   glrt_makechan(sizeof T, n)      (a channel is a ptr;
//                                                        nil is null)
//   c <- v              v spilled to an entry-block slot; chansend1(c, &slot)
//   <-c (statement)     chanrecv1(c, null)
//   <-c (value)         chanrecv2(c, &slot), then load the slot; the ok bit
//                       is kept in FuncState::recvOk so `v, ok := <-c` and a
//                       hoisted receive (hoistCalls) share one lowering
//   close, len, cap     closechan, chanlen, chancap
//   for v := range c    loop on chanrecv2 until it reports "closed"
//
// select:
//   select {}                        glrt_block (never returns)
//   one case, no default             the plain send/receive (gc does this;
//                                    a nil channel then parks with the
//                                    "chan send/receive (nil chan)" reasons)
//   one case + default               selectnbsend / selectnbrecv
//   otherwise                        an scase array (sends first, then
//                                    receives, each group in source order)
//                                    and the uint16 order scratch, both
//                                    entry-block allocas (no heap use per
//                                    select), then glrt_selectgo; its index
//                                    is switched back to the clause.
//
// Invariants (Go's spec): every channel operand and every send value of a
// select is evaluated exactly once, in source order, before the runtime
// chooses; the left-hand sides of `case v, ok = <-c` are evaluated only
// when that case is chosen, after the receive. Send values always go
// through a stack slot of the sending function's frame, which stays valid
// while the goroutine is parked (segmented stacks never move). `break`
// inside a clause leaves the select (a Target without a continue block).
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

using namespace llvm;

namespace glc {

UnaryExpr *IRGen::asRecv(Expr *e) {
  auto *u = dyn_cast_or_null<UnaryExpr>(unparen(e));
  return u && u->op == TokKind::Arrow ? u : nullptr;
}

Type *IRGen::chanElem(Type *chanT) {
  if (auto *ct = dyn_cast_or_null<ChanType>(under(chanT)))
    return ct->elem;
  return nullptr;
}

Value *IRGen::genMakeChan(CallExpr *e) {
  Type *elem = chanElem(e->type);
  Value *n = i64c(0);
  if (e->args.size() > 1)
    n = toI64(genValue(e->args[1], nullptr), e->args[1]->type);
  (void)elem;
  return callRT(RT::makechan, {typeDesc(e->type), n});
}

Value *IRGen::genChanBuiltin(CallExpr *e, BuiltinId id) {
  Value *c = genExpr(e->args[0]);
  switch (id) {
  case BuiltinId::Close:
    callRT(RT::closechan, {c});
    return nullptr;
  case BuiltinId::Len:
    return callRT(RT::chanlen, {c});
  default:
    return callRT(RT::chancap, {c});
  }
}

Value *IRGen::spillSend(Expr *value, Type *elem) {
  AllocaInst *slot = entryAlloca(llType(elem), "send.val");
  storeExpr(slot, value, elem);
  return slot;
}

void IRGen::genSend(SendStmt *s) {
  hoistCalls(s->chan);
  hoistCalls(s->value);
  Value *c = genExpr(s->chan);
  Value *slot = spillSend(s->value, chanElem(s->chan->type));
  callRT(RT::chansend1, {c, slot});
}

void IRGen::genRecvStmt(UnaryExpr *e) {
  hoistCalls(e->x);
  Value *c = genExpr(e->x);
  callRT(RT::chanrecv1, {c, ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy))});
}

Value *IRGen::genRecvExpr(UnaryExpr *e) {
  hoistCalls(e->x);
  Value *c = genExpr(e->x);
  Type *elem = chanElem(e->x->type);
  llvm::Type *et = llType(elem);
  AllocaInst *slot = entryAlloca(et, "recv.val");
  Value *ok = callRT(RT::chanrecv2, {c, slot});
  fs->recvOk[e] = b.CreateICmpNE(ok, ConstantInt::get(i8, 0), "recv.ok");
  return b.CreateLoad(et, slot, "recv");
}

Value *IRGen::takeRecvOk(Expr *e) {
  UnaryExpr *u = asRecv(e);
  auto it = u ? fs->recvOk.find(u) : fs->recvOk.end();
  if (it == fs->recvOk.end())
    return ConstantInt::getTrue(C);
  Value *ok = it->second;
  fs->recvOk.erase(it);
  return ok;
}

// for k := range c / for k = range c / for range c
void IRGen::genRangeChan(RangeStmt *s) {
  Type *elem = chanElem(s->x->type);
  llvm::Type *et = llType(elem);
  Expr *keyE = s->key && !isBlank(s->key) ? s->key : nullptr;
  hoistCalls(s->x);
  Value *c = genExpr(s->x);
  Value *keyAddr = nullptr;
  if (keyE && s->tok == TokKind::Define)
    if (auto *id = dyn_cast<Ident>(keyE); id && id->obj)
      keyAddr = allocVar(id->obj, id->name);
  Value *slot = keyE ? (Value *)entryAlloca(et, "range.recv")
                     : ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  BasicBlock *condBB = newBlock("rangechan.recv"), *bodyBB = newBlock("rangechan.body");
  BasicBlock *endBB = newBlock("rangechan.end");
  setBlock(condBB);
  Value *ok = callRT(RT::chanrecv2, {c, slot});
  b.CreateCondBr(b.CreateICmpNE(ok, ConstantInt::get(i8, 0)), bodyBB, endBB);
  b.SetInsertPoint(bodyBB);
  if (keyE) {
    Value *v = b.CreateLoad(et, slot);
    if (keyAddr) {
      b.CreateStore(v, keyAddr);
    } else {
      Expr *vars[2] = {keyE, nullptr};
      Value *vals[2] = {v, nullptr};
      Type *from[2] = {elem, nullptr};
      genPairAssign(vars, vals, from); // also m[k] = range c
    }
  }
  fs->targets.push_back({s, endBB, condBB});
  genBlock(s->body);
  fs->targets.pop_back();
  setBlock(condBB);
  b.SetInsertPoint(endBB);
}

//===----------------------------------------------------------------------===//
// select
//===----------------------------------------------------------------------===//

namespace {
/// One communication clause with its operands evaluated.
struct Comm {
  CommClause *cc = nullptr;
  SendStmt *send = nullptr;
  UnaryExpr *recv = nullptr;
  AssignStmt *assign = nullptr; // `case v[, ok] =/:= <-c`
  Value *chan = nullptr;
  Value *elem = nullptr; // send: the spilled value; recv: the slot or null
  bool wantOk() const { return assign && assign->lhs.size() > 1 && !isBlank(assign->lhs[1]); }
};
} // namespace

/// The assignment part of a chosen receive clause: `v := <-c`,
/// `v, ok = <-c`, `*p = <-c`.
void IRGen::genCommAssign(AssignStmt *as, Type *elem, Value *slot, Value *ok) {
  if (!as)
    return;
  Expr *vars[2] = {nullptr, nullptr};
  Value *vals[2] = {nullptr, nullptr};
  Type *from[2] = {elem, types.boolType()};
  for (size_t i = 0; i < as->lhs.size() && i < 2; ++i) {
    Expr *l = as->lhs[i];
    if (isBlank(l))
      continue;
    // The element and ok are converted to the variables' types (an
    // interface variable boxes them) as any assignment converts: here for
    // `:=`, by genPairAssign for `=`.
    Value *v = i == 0 ? b.CreateLoad(llType(elem), slot) : ok;
    if (i == 1 && v->getType() != llType(types.boolType()))
      v = b.CreateZExtOrTrunc(v, llType(types.boolType()));
    if (as->tok == TokKind::Define) {
      auto *id = dyn_cast<Ident>(l);
      if (!id || !id->obj)
        continue;
      bool isNew = i < as->isNew.size() ? as->isNew[i] : !fs->vars.count(id->obj);
      b.CreateStore(coerce(v, from[i], l->type),
                    isNew ? allocVar(id->obj, id->name) : varAddr(id->obj, id->pos));
    } else {
      vars[i] = l;
      vals[i] = v;
    }
  }
  if (as->tok != TokKind::Define)
    genPairAssign(vars, vals, from); // operands of both sides first; m[k] = <-c too
}

void IRGen::genSelect(SelectStmt *s) {
  std::vector<Comm> comms;
  CommClause *dflt = nullptr;
  for (CommClause *cc : s->clauses) {
    if (!cc->comm) {
      dflt = cc;
      continue;
    }
    Comm cm;
    cm.cc = cc;
    if (auto *ss = dyn_cast<SendStmt>(cc->comm)) {
      cm.send = ss;
    } else if (auto *es = dyn_cast<ExprStmt>(cc->comm)) {
      cm.recv = asRecv(es->x);
    } else if (auto *as = dyn_cast<AssignStmt>(cc->comm)) {
      cm.assign = as;
      cm.recv = as->rhs.empty() ? nullptr : asRecv(as->rhs[0]);
    }
    if (!cm.send && !cm.recv)
      return unsupported(cc->pos, "this select case is");
    comms.push_back(cm);
  }

  if (comms.empty() && !dflt) {
    callRT(RT::block, {});
    return;
  }

  // Operands, once each, in source order.
  for (Comm &cm : comms) {
    if (cm.send) {
      hoistCalls(cm.send->chan);
      hoistCalls(cm.send->value);
      cm.chan = genExpr(cm.send->chan);
      cm.elem = spillSend(cm.send->value, chanElem(cm.send->chan->type));
    } else {
      hoistCalls(cm.recv->x);
      cm.chan = genExpr(cm.recv->x);
      bool needSlot = cm.assign && !isBlank(cm.assign->lhs[0]);
      cm.elem = needSlot ? (Value *)entryAlloca(llType(chanElem(cm.recv->x->type)), "select.recv")
                         : ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
    }
  }

  BasicBlock *endBB = newBlock("select.end");
  auto genClauseBody = [&](CommClause *cc) {
    fs->targets.push_back({s, endBB, nullptr});
    genStmts(cc->body);
    fs->targets.pop_back();
    setBlock(endBB);
  };
  auto genCaseBody = [&](Comm &cm, Value *ok) {
    if (cm.recv)
      genCommAssign(cm.assign, chanElem(cm.recv->x->type), cm.elem, ok);
    genClauseBody(cm.cc);
  };
  Value *trueV = ConstantInt::getTrue(C);

  if (comms.empty()) { // select { default: ... }
    genClauseBody(dflt);
    b.SetInsertPoint(endBB);
    return;
  }

  if (comms.size() == 1 && !dflt) {
    Comm &cm = comms[0];
    Value *ok = trueV;
    if (cm.send)
      callRT(RT::chansend1, {cm.chan, cm.elem});
    else if (cm.wantOk())
      ok = b.CreateICmpNE(callRT(RT::chanrecv2, {cm.chan, cm.elem}), ConstantInt::get(i8, 0));
    else
      callRT(RT::chanrecv1, {cm.chan, cm.elem});
    genCaseBody(cm, ok);
    b.SetInsertPoint(endBB);
    return;
  }

  if (comms.size() == 1) {
    Comm &cm = comms[0];
    BasicBlock *caseBB = newBlock("select.case"), *dfltBB = newBlock("select.default");
    Value *selected, *ok = trueV;
    if (cm.send) {
      selected = b.CreateICmpNE(callRT(RT::selectnbsend, {cm.chan, cm.elem}), ConstantInt::get(i8, 0));
    } else {
      Value *pair = callRT(RT::selectnbrecv, {cm.elem, cm.chan});
      selected = b.CreateICmpNE(b.CreatePtrToInt(b.CreateExtractValue(pair, 0), i64), i64c(0));
      ok = b.CreateICmpNE(b.CreateExtractValue(pair, 1), i64c(0));
    }
    b.CreateCondBr(selected, caseBB, dfltBB);
    b.SetInsertPoint(caseBB);
    genCaseBody(cm, ok);
    b.SetInsertPoint(dfltBB);
    genClauseBody(dflt);
    b.SetInsertPoint(endBB);
    return;
  }

  // General case: scase array, sends first, then receives.
  std::vector<Comm *> order;
  for (Comm &cm : comms)
    if (cm.send)
      order.push_back(&cm);
  int64_t nsends = (int64_t)order.size();
  for (Comm &cm : comms)
    if (cm.recv)
      order.push_back(&cm);
  int64_t ncases = (int64_t)order.size();
  int64_t nrecvs = ncases - nsends;
  llvm::StructType *scaseTy = llvm::StructType::get(C, {ptrTy, ptrTy});
  llvm::Type *casesTy = llvm::ArrayType::get(scaseTy, ncases);
  AllocaInst *cases = entryAlloca(casesTy, "select.cases");
  AllocaInst *orderArr =
      entryAlloca(llvm::ArrayType::get(llvm::Type::getInt16Ty(C), 2 * ncases), "select.order");
  for (int64_t i = 0; i < ncases; ++i) {
    b.CreateStore(order[i]->chan, b.CreateGEP(casesTy, cases, {i64c(0), i64c(i), b.getInt32(0)}));
    b.CreateStore(order[i]->elem, b.CreateGEP(casesTy, cases, {i64c(0), i64c(i), b.getInt32(1)}));
  }
  Value *pair = callRT(RT::selectgo, {cases, orderArr, i64c(nsends), i64c(nrecvs),
                                      ConstantInt::get(i8, dflt ? 0 : 1)});
  Value *idx = b.CreatePtrToInt(b.CreateExtractValue(pair, 0), i64, "select.idx");
  Value *recvOK = b.CreateICmpNE(b.CreateExtractValue(pair, 1), i64c(0), "select.ok");
  BasicBlock *dfltBB = newBlock(dflt ? "select.default" : "select.none");
  SwitchInst *sw = b.CreateSwitch(idx, dfltBB, (unsigned)ncases);
  for (int64_t i = 0; i < ncases; ++i) {
    BasicBlock *caseBB = newBlock("select.case");
    sw->addCase(cast<ConstantInt>(i64c(i)), caseBB);
    b.SetInsertPoint(caseBB);
    genCaseBody(*order[i], order[i]->recv ? recvOK : trueV);
  }
  b.SetInsertPoint(dfltBB);
  if (dflt)
    genClauseBody(dflt);
  else
    b.CreateUnreachable();
  b.SetInsertPoint(endBB);
}

} // namespace glc
