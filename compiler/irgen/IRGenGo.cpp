//===- IRGenGo.cpp - go statements ------------------------------------------===//
//
// `go f(x, y)` starts f(x, y) in a new goroutine. As in gc, the function
// value and the arguments are evaluated in the calling goroutine, at the
// go statement (calls inside them first, gc's order), and the call itself
// happens later on the new goroutine's own (segmented) stack:
//
//   caller:   %blk = glrt_newobject(sizeof {ptr, X, Y})
//             store fv, x, y into %blk
//             glrt_newproc(@runtime.gowrap.N, %blk)
//   runtime.gowrap.N(ptr %blk):      ; gl_text, split-stack, in functab
//             load fv, x, y; call fv's code pointer (ctx = fv, x, y)
//
// One trampoline per callee Go signature (the block's layout follows
// from it). Calling through the func value record works for every callee
// -- top-level functions (their constant main.f·f record), closures and
// plain func values -- so the trampoline need not know which it is.
// Results are discarded. A nil func value reaches the trampoline and
// panics there with the nil-dereference panic, in the new goroutine, as
// gc's wrapper closure does for calls with arguments.
//
// Invariants: the block is a fresh heap object written completely before
// newproc publishes it and never written again, so the new goroutine may
// read it on any M without synchronisation beyond newproc's own. The
// trampolines are named runtime.* so tracebacks hide them, as Go hides
// its goexit frame.
//
// `go` with a builtin (`go println(x, y)`, `go panic(v)`, `go close(c)`):
// the non-constant arguments are evaluated in the caller into a block
// {x, y}; a trampoline made for this statement loads them and lowers the
// builtin there, handing the loaded values to genExpr through
// FuncState::hoisted (as if the argument expressions had been evaluated
// ahead), so the builtin's ordinary lowering is reused unchanged.
//
// A nil func value: for a call with no arguments and no results gc passes
// the func value itself to newproc, which throws "go of nil func value" in
// the caller; glc checks it in the caller the same way (glrt_gonilfunc).
// Other calls of a nil func panic in the new goroutine, as gc's wrapper
// closures do.
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

#include "llvm/IR/Constants.h"

using namespace llvm;

namespace glc {

Function *IRGen::goWrapper(FuncType *ft) {
  if (Function *w = goWrappers.lookup(ft))
    return w;
  std::string name = "runtime.gowrap." + std::to_string(goWrappers.size() + 1);
  auto *w = Function::Create(FunctionType::get(voidTy, {ptrTy}, false),
                             Function::InternalLinkage, name, mod.get());
  w->getArg(0)->setName("block");
  setFuncAttrs(w, name);
  goWrappers[ft] = w;

  // {fv, params...}: the parameters' values (callFuncValue passes the
  // large ones by pointer).
  std::vector<llvm::Type *> fields{ptrTy};
  for (Type *p : ft->params)
    fields.push_back(llType(p));
  auto *blockTy = llvm::StructType::get(C, fields);
  genSyntheticBody(w, [&] {
    Value *blk = w->getArg(0);
    Value *fv = b.CreateLoad(ptrTy, b.CreateStructGEP(blockTy, blk, 0), "fv");
    std::vector<Value *> args;
    for (unsigned i = 1; i < fields.size(); ++i)
      args.push_back(b.CreateLoad(fields[i], b.CreateStructGEP(blockTy, blk, i)));
    callFuncValue(fv, ft, args);
  });
  return w;
}

// go builtin(args): one trampoline per statement (see the top of the file).
Function *IRGen::builtinWrapper(CallExpr *call, BuiltinId id, std::vector<Value *> &vals,
                                llvm::StructType *&blockTy) {
  // Each argument is evaluated completely before the next, as for a
  // function (gc's escape analysis wraps builtins too: `defer println(x,
  // f())` prints the x from before f runs).
  std::vector<Expr *> evaluated;
  for (Expr *a : call->args) {
    if ((a->mode == ExprMode::Constant && a->constVal) || isNilExpr(a))
      continue; // re-made in the trampoline
    hoistCalls(a);
    evaluated.push_back(a);
    vals.push_back(genExprNoConv(a)); // the trampoline's genExpr converts
  }
  std::vector<llvm::Type *> fields;
  for (Value *v : vals)
    fields.push_back(v->getType());
  blockTy = llvm::StructType::get(C, fields);
  // LLVM makes the name unique (runtime.gowrap.builtin, ...builtin.1, ...).
  auto *w = Function::Create(FunctionType::get(voidTy, {ptrTy}, false),
                             Function::InternalLinkage, "runtime.gowrap.builtin", mod.get());
  w->getArg(0)->setName("block");
  setFuncAttrs(w, w->getName().str());
  llvm::StructType *bt = blockTy;
  genSyntheticBody(w, [&] {
    Value *blk = w->getArg(0);
    for (unsigned i = 0; i < evaluated.size(); ++i)
      fs->hoisted[evaluated[i]] = b.CreateLoad(fields[i], b.CreateStructGEP(bt, blk, i));
    genBuiltin(call, id);
  });
  return w;
}

static void genGoBuiltin(IRGen &g, GoStmt *s, CallExpr *call, BuiltinId id) {
  auto &b = g.b;
  std::vector<Value *> vals;
  llvm::StructType *blockTy;
  Function *w = g.builtinWrapper(call, id, vals, blockTy);
  Value *blk = g.newRecord(blockTy, "goblock");
  for (unsigned i = 0; i < vals.size(); ++i)
    b.CreateStore(vals[i], b.CreateStructGEP(blockTy, blk, i));
  g.callRT(RT::newproc, {w, blk});
  (void)s;
}

void IRGen::genGo(GoStmt *s) {
  CallExpr *call = s->call;
  if (!call)
    return;
  Expr *fun = unparen(call->fun);
  Object *callee = nullptr;
  if (auto *id = dyn_cast<Ident>(fun))
    callee = id->obj;
  else if (auto *sel = dyn_cast<SelectorExpr>(fun))
    callee = sel->sel->obj;
  if (call->callKind == CallKind::Builtin || (callee && callee->kind == ObjKind::Builtin))
    return genGoBuiltin(*this, s, call, callee ? callee->builtin : BuiltinId::None);
  if (call->callKind != CallKind::Regular)
    return unsupported(s->pos, "this go statement is");
  auto *ft = dyn_cast_or_null<FuncType>(under(fun->type));
  if (!ft)
    return unsupported(s->pos, "this go statement is");
  if (!checkSignature(ft, s->pos))
    return;

  // gc's order (escape analysis rewrites `go f(x, y)` into `f1 := f;
  // x1 := x; y1 := y; go func() { f1(x1, y1) }()`): the func expression,
  // then each argument, is a statement of its own, evaluated completely
  // (calls first, then plain operands) before the next one starts, so in
  // `go h(g - c(1), c(2))` the load of g sees c(1)'s effects but not
  // c(2)'s. A call with neither arguments nor results is not rewritten
  // (only its func expression is evaluated here). Each fully evaluated
  // operand is left in fs->hoisted for genArgs/genExpr to pick up.
  Value *fv;
  // go x.M(a): x.M is a method value (IRGenMethod.cpp), its receiver
  // evaluated here.
  bool method = callee && callee->funcDecl && callee->funcDecl->recv;
  if (callee && callee->kind == ObjKind::Func && funcs.count(callee) && !method) {
    fv = funcValue(callee);
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

  // gc calls newproc with the func value itself when the call has no
  // arguments and no results, and the runtime throws "go of nil func
  // value" in the caller; other calls are wrapped in a closure, so a nil
  // func panics in the new goroutine (as glc's trampoline does anyway).
  if (args.empty() && ft->results.empty() && !(callee && callee->kind == ObjKind::Func)) {
    BasicBlock *isNil = newBlock("go.nilfunc");
    BasicBlock *ok = newBlock("go.ok");
    b.CreateCondBr(b.CreateIsNull(fv), isNil, ok);
    b.SetInsertPoint(isNil);
    callRT(RT::gonilfunc, {}); // noreturn: ends the block
    b.SetInsertPoint(ok);
  }

  Function *w = goWrapper(ft);
  std::vector<llvm::Type *> fields{ptrTy};
  for (Value *a : args)
    fields.push_back(a->getType());
  auto *blockTy = llvm::StructType::get(C, fields);
  Value *blk = newRecord(blockTy, "goblock");
  b.CreateStore(fv, b.CreateStructGEP(blockTy, blk, 0));
  for (unsigned i = 0; i < args.size(); ++i)
    b.CreateStore(args[i], b.CreateStructGEP(blockTy, blk, i + 1));
  callRT(RT::newproc, {w, blk});
}

} // namespace glc
