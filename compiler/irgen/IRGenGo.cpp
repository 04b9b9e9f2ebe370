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
// One trampoline per callee LLVM signature (the block's layout follows
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
// Not yet: `go` with a builtin (`go println(x)`), and gc's
// "fatal error: go of nil func value" for a nil func() with no arguments.
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

#include "llvm/IR/Constants.h"

using namespace llvm;

namespace glc {

Function *IRGen::goWrapper(FuncType *ft) {
  FunctionType *calleeTy = funcLLType(ft);
  if (Function *w = goWrappers.lookup(calleeTy))
    return w;
  std::string name = "runtime.gowrap." + std::to_string(goWrappers.size() + 1);
  auto *w = Function::Create(FunctionType::get(voidTy, {ptrTy}, false),
                             Function::InternalLinkage, name, mod.get());
  w->getArg(0)->setName("block");
  setFuncAttrs(w, name);
  goWrappers[calleeTy] = w;

  // {fv, params...}: params are calleeTy's parameters after ctx.
  std::vector<llvm::Type *> fields{ptrTy};
  for (unsigned i = 1; i < calleeTy->getNumParams(); ++i)
    fields.push_back(calleeTy->getParamType(i));
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

void IRGen::genGo(GoStmt *s) {
  CallExpr *call = s->call;
  if (!call)
    return;
  Expr *fun = unparenExpr(call->fun);
  Object *callee = nullptr;
  if (auto *id = dyn_cast<Ident>(fun))
    callee = id->obj;
  else if (auto *sel = dyn_cast<SelectorExpr>(fun))
    callee = sel->sel->obj;
  if (call->callKind != CallKind::Regular || (callee && callee->kind == ObjKind::Builtin))
    return unsupported(s->pos, "go with a builtin or conversion call is");
  auto *ft = dyn_cast_or_null<FuncType>(under(fun->type));
  if (!ft)
    return unsupported(s->pos, "this go statement is");
  if (!checkSignature(ft, s->pos))
    return;

  // gc's order: calls in the func expression and arguments first, then
  // the func value, then the (remaining) argument operands.
  hoistCalls(call->fun);
  for (Expr *a : call->args)
    hoistCalls(a);
  Value *fv;
  if (callee && callee->kind == ObjKind::Func && funcs.count(callee))
    fv = funcValue(callee);
  else
    fv = genExpr(fun);
  std::vector<Value *> args = genArgs(call, ft);

  Function *w = goWrapper(ft);
  std::vector<llvm::Type *> fields{ptrTy};
  for (Value *a : args)
    fields.push_back(a->getType());
  auto *blockTy = llvm::StructType::get(C, fields);
  Value *blk = callRT(RT::newobject, {i64c(DL.getTypeAllocSize(blockTy))});
  blk->setName("goblock");
  b.CreateStore(fv, b.CreateStructGEP(blockTy, blk, 0));
  for (unsigned i = 0; i < args.size(); ++i)
    b.CreateStore(args[i], b.CreateStructGEP(blockTy, blk, i + 1));
  callRT(RT::newproc, {w, blk});
}

} // namespace glc
