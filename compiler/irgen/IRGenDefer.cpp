//===- IRGenDefer.cpp - defer statements, recover ---------------------------===//
//
// The runtime side and the whole design are the essay at the top of
// runtime/defer.cpp; the record layout is runtime/deferabi.h. Here:
//
// A function whose body has defer statements (not counting those inside
// function literals, which are functions of their own) gets, at entry:
//   - a deferframe alloca: frame address, stack pointer, the goroutine
//     (read from TLS with one inline-asm load, so LLVM can never reuse a
//     thread pointer from before a reschedule), and the address of an
//     array of pointers to its result slots (so the slots are memory that
//     escapes: after a recover the exit reads what was stored last);
//   - result slots: the named results' variables, and an alloca per
//     unnamed result;
//   - llvm.eh.sjlj.setjmp(frame); a 1 (a recover resumed us) goes to the
//     exit block.
// `return x, y` stores x, y into the result slots and branches to its
// own exit, which runs the deferred calls at the return's line (gc's exit
// at each return: runtime.Caller(1) in a deferred call and tracebacks
// read that line) and joins the common return of the slots; the end of
// the body has the exit at the closing brace.
//
// Open-coded defers (no defer statement inside a loop, no goto in the
// function): each defer statement has a record and its argument block in
// the frame; the statement fills and links them; each exit unlinks and
// calls, from the last site to the first, each site whose record is at
// the head of g->_defer (beyond 15 returns x sites, the returns call
// glrt_deferreturn instead). Otherwise every statement calls
// glrt_deferproc (argument block on the heap) and each exit calls
// glrt_deferreturn(frame).
//
// What a record calls: `defer func(){...}()` (a literal without
// parameters or results) calls the closure itself; every other call goes
// through a wrapper that takes a block with the func value and the
// evaluated arguments (the go statement's trampolines, goWrapper /
// builtinWrapper), flagged DEFER_FWRAPPED so that recover looks one frame
// further down.
//
// Functions with defer statements and functions that call recover are
// noinline: recover compares frame addresses, and a deferframe belongs to
// one activation.
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

#include "runtime/deferabi.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Intrinsics.h"

using namespace llvm;

namespace glc {

struct DeferState {
  bool open = true;            // open-coded (no loop, no goto)
  llvm::Value *frame = nullptr;
  llvm::BasicBlock *exit = nullptr;
  std::vector<llvm::Value *> resultSlots; // one per result, in order
  llvm::DenseMap<DeferStmt *, unsigned> site; // open: site index
  std::vector<llvm::Value *> records;         // open: per site
  /// open: how the exit calls each site directly (instead of through the
  /// record's fn): the wrapper or closure code, or for `defer f(args)`
  /// of a top-level f, f itself with the arguments loaded from the block.
  struct Direct {
    llvm::Function *fn = nullptr;      // called as fn(arg)
    llvm::Function *target = nullptr;  // or target(null ctx, block fields 1..)
    FuncType *ft = nullptr;
    llvm::StructType *blockTy = nullptr;
    llvm::Value *block = nullptr; // the frame's argument block
    llvm::Value *arg = nullptr;   // fn's argument (block or closure record)
  };
  std::vector<Direct> direct;
  std::vector<Type *> results;
  /// open: the goroutine (SSA, read once at entry), and what this
  /// activation knows g->_defer holds (headVar) and each site's link
  /// (linkVars): allocas that never escape, so they become registers and
  /// the normal exit never reloads g->_defer (no store-to-load chain).
  llvm::Value *g = nullptr;
  llvm::AllocaInst *headVar = nullptr;
  std::vector<llvm::AllocaInst *> linkVars;
  llvm::BasicBlock *resume = nullptr; // setjmp returned 1
  /// One exit per explicit return statement, each with the statement's
  /// location (endDefer fills the blocks): gc runs the deferred calls at
  /// each return, so runtime.Caller(1) in a deferred call and a panic's
  /// traceback through the deferring frame report the return's line.
  std::vector<std::pair<llvm::BasicBlock *, llvm::DebugLoc>> returns;
};

namespace {

// Finds the defer statements of a body (not inside function literals:
// those are expressions, never walked here) and whether any is inside a
// loop, or the function uses goto (a backward goto is a loop too).
struct DeferScan {
  std::vector<DeferStmt *> sites;
  bool inLoop = false;
  bool hasGoto = false;
  void stmts(const std::vector<Stmt *> &ss, int loops) {
    for (Stmt *s : ss)
      stmt(s, loops);
  }
  void stmt(Stmt *s, int loops) {
    if (!s)
      return;
    switch (s->kind) {
    case StmtKind::Defer:
      sites.push_back(cast<DeferStmt>(s));
      if (loops)
        inLoop = true;
      return;
    case StmtKind::Labeled:
      return stmt(cast<LabeledStmt>(s)->stmt, loops);
    case StmtKind::Branch:
      if (cast<BranchStmt>(s)->tok == TokKind::Goto)
        hasGoto = true;
      return;
    case StmtKind::Block:
      return stmts(cast<BlockStmt>(s)->stmts, loops);
    case StmtKind::If: {
      auto *i = cast<IfStmt>(s);
      stmt(i->init, loops);
      stmt(i->then, loops);
      return stmt(i->els, loops);
    }
    case StmtKind::CaseClause:
      return stmts(cast<CaseClause>(s)->body, loops);
    case StmtKind::Switch: {
      auto *w = cast<SwitchStmt>(s);
      stmt(w->init, loops);
      for (CaseClause *c : w->clauses)
        stmt(c, loops);
      return;
    }
    case StmtKind::TypeSwitch: {
      auto *w = cast<TypeSwitchStmt>(s);
      stmt(w->init, loops);
      for (CaseClause *c : w->clauses)
        stmt(c, loops);
      return;
    }
    case StmtKind::CommClause:
      return stmts(cast<CommClause>(s)->body, loops);
    case StmtKind::Select:
      for (CommClause *c : cast<SelectStmt>(s)->clauses)
        stmt(c, loops);
      return;
    case StmtKind::For: {
      auto *f = cast<ForStmt>(s);
      stmt(f->init, loops);
      return stmt(f->body, loops + 1);
    }
    case StmtKind::Range:
      return stmt(cast<RangeStmt>(s)->body, loops + 1);
    default:
      return;
    }
  }
};

bool isParamlessLit(Expr *fun, FuncType *ft) {
  return isa<FuncLit>(fun) && ft && ft->params.empty() && ft->results.empty();
}

} // namespace

static llvm::StructType *recordType(IRGen &g) {
  // {link, fn, arg, frame, flags (i32), pad (i32), panic}
  return llvm::StructType::get(g.C, {g.ptrTy, g.ptrTy, g.ptrTy, g.ptrTy, g.i32, g.i32, g.ptrTy});
}

void IRGen::deferPrologue(BlockStmt *body) {
  DeferScan scan;
  if (body)
    scan.stmts(body->stmts, 0);
  if (scan.sites.empty())
    return;
  auto *ds = new DeferState; // owned by the FuncState (freed in genFuncBody)
  fs->defer = ds;
  ds->open = !scan.inLoop && !scan.hasGoto;
  Function *fn = fs->fn;
  fn->addFnAttr(Attribute::NoInline);
  fn->removeFnAttr(Attribute::AlwaysInline);

  auto *frameTy = llvm::ArrayType::get(i64, DFRAME_SIZE / 8);
  auto *frame = entryAlloca(frameTy, "deferframe");
  frame->setAlignment(Align(16));
  ds->frame = frame;

  // Result slots: named results are their variables (allocVar already
  // zeroed them); unnamed ones get a zeroed alloca.
  std::vector<Type *> results = fs->sig ? fs->sig->results : std::vector<Type *>{};
  for (size_t i = 0; i < results.size(); ++i) {
    Object *r = i < fs->info->results.size() ? fs->info->results[i] : nullptr;
    if (r && fs->vars.count(r)) {
      ds->resultSlots.push_back(fs->vars[r]);
      continue;
    }
    llvm::Type *t = llType(results[i]);
    AllocaInst *slot = entryAlloca(t, "result");
    b.CreateStore(Constant::getNullValue(t), slot);
    ds->resultSlots.push_back(slot);
  }
  if (!results.empty()) {
    auto *arrTy = llvm::ArrayType::get(ptrTy, results.size());
    Value *arr = entryAlloca(arrTy, "resultptrs");
    for (size_t i = 0; i < results.size(); ++i)
      b.CreateStore(ds->resultSlots[i], b.CreateConstGEP2_32(arrTy, arr, 0, (unsigned)i));
    b.CreateStore(arr, b.CreateConstGEP1_64(i8, frame, DFRAME_RESULTS));
  }

  // The goroutine: one load from TLS, by inline asm with side effects so
  // that no thread pointer is ever reused across a possible reschedule.
  auto *getg = InlineAsm::get(FunctionType::get(ptrTy, false),
                              "movq glrt_curg@gottpoff(%rip), $0\n\tmovq %fs:($0), $0", "=r",
                              /*hasSideEffects=*/true);
  Value *gp = b.CreateCall(getg, {}, "g");
  ds->g = gp;
  b.CreateStore(gp, b.CreateConstGEP1_64(i8, frame, DFRAME_G));
  Function *fa = Intrinsic::getDeclaration(mod.get(), Intrinsic::frameaddress, {ptrTy});
  b.CreateStore(b.CreateCall(fa, {b.getInt32(0)}), b.CreateConstGEP1_64(i8, frame, DFRAME_FP));
  b.CreateStore(b.CreateStackSave(), b.CreateConstGEP1_64(i8, frame, DFRAME_SP));
  Function *sj = Intrinsic::getDeclaration(mod.get(), Intrinsic::eh_sjlj_setjmp);
  // returns_twice, as a C compiler marks setjmp: the resume edge starts
  // at the setjmp in LLVM's CFG, but the goroutine really arrives there
  // after running the body, which in the machine code may reuse a dead
  // value's spill slot for its own (StackSlotColoring merges slots whose
  // live ranges look disjoint: a body that ends in a panic never reaches
  // the exit, so the sret pointer or g looked dead in it). The attribute
  // makes the function exposesReturnsTwice(), which turns that merging
  // off. Found by Go's abi/defer_recover_results.go under -race -O2
  // (lit defer/recover_spill_slots.gl).
  CallInst *r = b.CreateCall(sj, {frame}, "resumed");
  r->addFnAttr(Attribute::ReturnsTwice);

  if (ds->open) {
    llvm::StructType *recTy = recordType(*this);
    for (DeferStmt *d : scan.sites) {
      ds->site[d] = (unsigned)ds->records.size();
      AllocaInst *rec = entryAlloca(recTy, "defer");
      rec->setAlignment(Align(8));
      ds->records.push_back(rec);
    }
    ds->direct.resize(ds->records.size());
    ds->headVar = entryAlloca(ptrTy, "defer.head");
    for (size_t k = 0; k < ds->records.size(); ++k)
      ds->linkVars.push_back(entryAlloca(ptrTy, "defer.link"));
  }
  ds->results = results;

  // The exit block: deferred calls, then the results.
  ds->exit = newBlock("defer.exit");
  ds->resume = ds->open ? newBlock("defer.resume") : ds->exit;
  BasicBlock *bodyBB = newBlock("body");
  b.CreateCondBr(b.CreateICmpNE(r, b.getInt32(0)), ds->resume, bodyBB);
  b.SetInsertPoint(bodyBB);
  if (ds->open)
    b.CreateStore(b.CreateLoad(ptrTy, b.CreateConstGEP1_64(i8, gp, G_DEFER)), ds->headVar);

  b.SetInsertPoint(bodyBB);
}

void IRGen::branchToDeferExit() {
  if (blockOpen())
    b.CreateBr(fs->defer->exit);
}

// The open-coded exit at the builder's position: unlink and call, from
// the last site to the first, each site whose record this activation
// knows to be at the head of g->_defer (headVar and each site's link:
// after a deferred call returns, g->_defer is what it was before it).
void IRGen::emitOpenDeferExit() {
  DeferState *ds = fs->defer;
  llvm::StructType *recTy = recordType(*this);
  Value *headp = b.CreateConstGEP1_64(i8, ds->g, G_DEFER);
  for (size_t k = ds->records.size(); k-- > 0;) {
    Value *rec = ds->records[k];
    Value *head = b.CreateLoad(ptrTy, ds->headVar, "head");
    BasicBlock *run = newBlock("defer.run"), *next = newBlock("defer.next");
    b.CreateCondBr(b.CreateICmpEQ(head, rec), run, next);
    b.SetInsertPoint(run);
    Value *link = b.CreateLoad(ptrTy, ds->linkVars[k]);
    markNoWriteBarrier(b.CreateStore(link, headp));
    b.CreateStore(link, ds->headVar);
    const DeferState::Direct &d = ds->direct[k];
    if (d.target) {
      std::vector<Value *> args;
      for (unsigned i = 1; i < d.blockTy->getNumElements(); ++i)
        args.push_back(b.CreateLoad(d.blockTy->getElementType(i), b.CreateStructGEP(d.blockTy, d.block, i)));
      emitCall(d.target->getFunctionType(), d.target,
               ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy)), d.ft, args);
    } else if (d.fn) {
      b.CreateCall(d.fn, {d.arg});
    } else {
      Value *a = b.CreateLoad(ptrTy, b.CreateStructGEP(recTy, rec, 2), "arg");
      Value *f = b.CreateLoad(ptrTy, b.CreateStructGEP(recTy, rec, 1), "fn");
      b.CreateCall(FunctionType::get(voidTy, {ptrTy}, false), f, {a});
    }
    b.CreateBr(next);
    b.SetInsertPoint(next);
  }
}

void IRGen::endDefer() {
  DeferState *ds = fs->defer;
  IRBuilderBase::InsertPointGuard guard(b);
  Function *fn = fs->fn;
  Value *frame = ds->frame;
  const std::vector<Type *> &results = ds->results;
  // Every exit runs the deferred calls at its own location: each return
  // statement's block, then the end of the body (ds->exit, at the closing
  // brace: the builder's location here). Open-coded, each exit calls the
  // sites inline, as gc's openDeferExit does at each return; when that
  // would copy more than kMaxOpenExitCalls site calls (gc's limit on
  // returns * defers for open-coded defers is 15), the returns call
  // glrt_deferreturn(frame) instead, which runs the frame's linked
  // records just as well (the recover path does the same).
  constexpr size_t kMaxOpenExitCalls = 15;
  BasicBlock *ret = newBlock("defer.ret");
  std::vector<std::pair<BasicBlock *, DebugLoc>> exits = ds->returns;
  exits.push_back({ds->exit, b.getCurrentDebugLocation()});
  bool inlineExits = ds->open && exits.size() * ds->records.size() <= kMaxOpenExitCalls;
  for (auto &[bb, loc] : exits) {
    b.SetInsertPoint(bb);
    b.SetCurrentDebugLocation(loc);
    if (ds->open && (inlineExits || bb == ds->exit))
      emitOpenDeferExit();
    else
      callRT(RT::deferreturn, {frame});
    b.CreateBr(ret);
  }
  if (ds->open) {
    // After a recover resumed this frame: registers are gone; the runtime
    // runs what is left of this frame's records (deferreturn knows them
    // by their frame), then the common return.
    b.SetInsertPoint(ds->resume);
    callRT(RT::deferreturn, {frame});
    b.CreateBr(ret);
  }
  b.SetInsertPoint(ret);
  // Return the result slots (genReturn's convention).
  std::vector<Value *> vals;
  for (size_t i = 0; i < results.size(); ++i)
    vals.push_back(b.CreateLoad(llType(results[i]), ds->resultSlots[i]));
  llvm::Type *rt = fn->getReturnType();
  if (fs->sret) {
    if (vals.size() == 1) {
      storeValue(vals[0], fs->sret, results[0]);
    } else {
      Value *v = PoisonValue::get(resultLLType(fs->sig));
      for (size_t i = 0; i < vals.size(); ++i)
        v = b.CreateInsertValue(v, vals[i], (unsigned)i);
      b.CreateStore(v, fs->sret);
    }
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
  delete fs->defer;
  fs->defer = nullptr;
}

void IRGen::genDeferReturn(ReturnStmt *s) {
  DeferState *ds = fs->defer;
  std::vector<Type *> results = fs->sig ? fs->sig->results : std::vector<Type *>{};
  if (!s->results.empty()) {
    // All values first (`return y, x` swaps named results), then stores.
    std::vector<Value *> vals = genRHS(s->results, results.size(), results);
    for (size_t i = 0; i < vals.size() && i < ds->resultSlots.size(); ++i)
      storeValue(vals[i], ds->resultSlots[i], results[i]);
  }
  // The return's own exit (filled by endDefer), at the statement's line.
  BasicBlock *exit = newBlock("defer.return");
  b.CreateBr(exit);
  ds->returns.push_back({exit, b.getCurrentDebugLocation()});
  startDeadBlock();
}

void IRGen::genDefer(DeferStmt *s) {
  DeferState *ds = fs->defer;
  CallExpr *call = s->call;
  if (!call || !ds)
    return;
  Expr *fun = unparen(call->fun);
  Object *callee = nullptr;
  if (auto *id = dyn_cast<Ident>(fun))
    callee = id->obj;
  else if (auto *sel = dyn_cast<SelectorExpr>(fun))
    callee = sel->sel->obj;

  Value *fnv = nullptr, *arg = nullptr;
  unsigned flags = DEFER_FWRAPPED;
  DeferState::Direct direct;
  std::vector<Value *> vals;
  llvm::StructType *blockTy = nullptr;
  if (call->callKind == CallKind::Builtin || (callee && callee->kind == ObjKind::Builtin)) {
    fnv = builtinWrapper(call, callee ? callee->builtin : BuiltinId::None, vals, blockTy);
    direct.fn = cast<Function>(fnv);
  } else {
    if (call->callKind != CallKind::Regular)
      return unsupported(s->pos, "this defer statement is");
    auto *ft = dyn_cast_or_null<FuncType>(under(fun->type));
    if (!ft)
      return unsupported(s->pos, "this defer statement is");
    if (!checkSignature(ft, s->pos))
      return;
    if (isParamlessLit(fun, ft)) {
      // defer func() { ... }(): the closure itself, no wrapper.
      Value *fv = genExpr(fun);
      fnv = b.CreateLoad(ptrTy, fv, "code");
      arg = fv;
      flags = 0;
    } else {
      // As the go statement: the func value, then each argument, each
      // evaluated completely at the defer statement (IRGenGo.cpp).
      Value *fv;
      // defer x.M(a): x.M is a method value (IRGenMethod.cpp), its
      // receiver evaluated here, as in Go.
      bool method = callee && callee->funcDecl && callee->funcDecl->recv;
      if (callee && callee->kind == ObjKind::Func && funcs.count(callee) && !method) {
        fv = funcValue(callee);
        direct.target = funcs[callee];
        direct.ft = ft;
      } else {
        hoistCalls(call->fun);
        fv = genExpr(fun);
      }
      for (Expr *a : call->args) {
        hoistCalls(a);
        if (!(a->mode == ExprMode::Constant && a->constVal) && a->type &&
            a->type->kind != TypeKind::UntypedNil && a->type->kind != TypeKind::Tuple)
          fs->hoisted[a] = genExprNoConv(a); // genArgs converts
      }
      std::vector<Value *> args = genArgs(call, ft);
      fnv = goWrapper(ft);
      if (!direct.target)
        direct.fn = cast<Function>(fnv);
      vals.push_back(fv);
      for (Value *a : args)
        vals.push_back(a);
      std::vector<llvm::Type *> fields;
      for (Value *v : vals)
        fields.push_back(v->getType());
      blockTy = llvm::StructType::get(C, fields);
    }
  }
  if (blockTy) {
    if (ds->open) {
      AllocaInst *blk = entryAlloca(blockTy, "deferblock");
      blk->setAlignment(Align(16));
      arg = blk;
    } else {
      arg = newRecord(blockTy, "deferblock");
    }
    for (unsigned i = 0; i < vals.size(); ++i)
      b.CreateStore(vals[i], b.CreateStructGEP(blockTy, arg, i));
  }
  if (!ds->open) {
    callRT(RT::deferproc, {fnv, arg, ds->frame, b.getInt32(flags)});
    return;
  }
  llvm::StructType *recTy = recordType(*this);
  unsigned k = ds->site.lookup(s);
  direct.blockTy = blockTy;
  direct.block = blockTy ? arg : nullptr;
  if (direct.target && !blockTy)
    direct.target = nullptr;
  if (direct.fn && !isa<AllocaInst>(arg))
    direct.fn = nullptr; // the argument is not available at the exit
  direct.arg = arg;
  ds->direct[k] = direct;
  Value *rec = ds->records[k];
  Value *head = b.CreateLoad(ptrTy, ds->headVar, "head");
  b.CreateStore(head, ds->linkVars[k]);
  b.CreateStore(head, b.CreateStructGEP(recTy, rec, 0));
  b.CreateStore(fnv, b.CreateStructGEP(recTy, rec, 1));
  b.CreateStore(arg, b.CreateStructGEP(recTy, rec, 2));
  b.CreateStore(ds->frame, b.CreateStructGEP(recTy, rec, 3));
  b.CreateStore(b.getInt32(flags), b.CreateStructGEP(recTy, rec, 4));
  b.CreateStore(ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy)),
                b.CreateStructGEP(recTy, rec, 6));
  markNoWriteBarrier(b.CreateStore(rec, b.CreateConstGEP1_64(i8, ds->g, G_DEFER)));
  b.CreateStore(rec, ds->headVar);
}

// g->_defer is written without a write barrier, by generated code as by
// the runtime (deferproc, deferreturn, gopanic: plain C++ stores), as Go's
// deferprocStack links a frame's record: g._defer and the records on the
// goroutine's stack are roots for the collector (the G record in
// persistent memory and the stack, both scanned conservatively in the
// concurrent mark's first pause), and stores into roots need no barrier
// (runtime/mbarrier.cpp's rule; Go's scanstack marks the defer chain with
// the stack the same way). A barrier here would also cost the fast path
// its point: its slow-path
// call takes the record's address, so the record escapes, LLVM can no
// longer drop the link/unlink pair of a function whose deferred calls it
// inlines, and every field is written to memory (bench defer_call:
// user+sys 0.385 s -> 0.696 s when the barriers came in).
void IRGen::markNoWriteBarrier(StoreInst *st) {
  st->setMetadata("glc.nowb", MDNode::get(C, {}));
}

Value *IRGen::genRecover(CallExpr *e) {
  fs->fn->addFnAttr(Attribute::NoInline);
  fs->fn->removeFnAttr(Attribute::AlwaysInline);
  Function *fa = Intrinsic::getDeclaration(mod.get(), Intrinsic::frameaddress, {ptrTy});
  Value *r = callRT(RT::gorecover, {b.CreateCall(fa, {b.getInt32(0)})});
  (void)e;
  return r;
}

} // namespace glc
