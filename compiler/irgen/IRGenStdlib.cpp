//===- IRGenStdlib.cpp - lowering of package time and sync ------------------===//
//
// Calls of the built-in packages' functions and of their types' built-in
// methods (sema/Stdlib.cpp) become glrt calls (abi.def, "time and sync") or
// a few instructions inline:
//   time.Sleep(d)        timeSleep(d)
//   time.Now()           {nanotime()}            (Time is struct{ns int64})
//   time.Since(t)        nanotime() - t.ns
//   time.After/Tick(d)   timeAfter/timeTick(d)   (a chan of Time, buffer 1)
//   d.Seconds()          float64(d/1e9) + float64(d%1e9)/1e9 (Go's formula)
//   d.Milliseconds() ... d / 1e6 (truncating, as Go's int64 division)
//   t.Sub(u)             t.ns - u.ns
//   mu.Lock() ...        mutexLock(&mu) ...      (receiver's address)
//   wg.Done()            waitgroupAdd(&wg, -1)
//   o.Do(f)              if onceBegin(&o) { f(); onceEnd(&o) }
// Arguments are evaluated before the receiver's address is taken, left to
// right, as gc does for a method call with a pointer receiver.
//===----------------------------------------------------------------------===//
#include "IRGenImpl.h"

using namespace llvm;

namespace glc {

bool IRGen::isStdlibBuiltin(BuiltinId id) {
  return id >= BuiltinId::TimeSleep && id <= BuiltinId::OnceDo;
}

Value *IRGen::genStdlib(CallExpr *e, BuiltinId id) {
  Expr *fun = unparenExpr(e->fun);
  auto *sel = dyn_cast<SelectorExpr>(fun);
  auto *ft = dyn_cast_or_null<FuncType>(fun->type);
  if (!sel || !ft) {
    unsupported(e->pos, "this call is");
    return nullptr;
  }
  auto arg = [&](size_t i) { return genValue(e->args[i], ft->params[i]); };
  auto argI64 = [&](size_t i) { return toI64(arg(i), ft->params[i]); };
  auto nsOf = [&](Value *t) { return b.CreateExtractValue(t, 0); };
  auto makeTime = [&](Value *ns) {
    return b.CreateInsertValue(zeroValue(ft->results[0]), ns, 0);
  };
  // Receiver: its value (time types) or its address (sync types).
  auto recvValue = [&] { return genValue(sel->x, sel->x->type); };
  auto recvAddr = [&]() -> Value * {
    if (!isAddressable(sel->x)) {
      unsupported(e->pos, "a method call on an unaddressable " + typeString(sel->x->type) + " is");
      return ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
    }
    return genAddr(sel->x);
  };

  switch (id) {
  case BuiltinId::TimeSleep:
    callRT(RT::timeSleep, {argI64(0)});
    return nullptr;
  case BuiltinId::TimeNow:
    return makeTime(callRT(RT::nanotime, {}));
  case BuiltinId::TimeSince: {
    Value *t = arg(0);
    return b.CreateSub(callRT(RT::nanotime, {}), nsOf(t));
  }
  case BuiltinId::TimeAfter:
    return callRT(RT::timeAfter, {argI64(0)});
  case BuiltinId::TimeTick:
    return callRT(RT::timeTick, {argI64(0)});
  case BuiltinId::DurationSeconds: {
    Value *d = recvValue();
    Value *sec = b.CreateSDiv(d, i64c(1000000000));
    Value *nsec = b.CreateSRem(d, i64c(1000000000));
    Value *fs = b.CreateSIToFP(sec, f64);
    Value *fn = b.CreateFDiv(b.CreateSIToFP(nsec, f64), ConstantFP::get(f64, 1e9));
    return b.CreateFAdd(fs, fn);
  }
  case BuiltinId::DurationMilliseconds:
    return b.CreateSDiv(recvValue(), i64c(1000000));
  case BuiltinId::DurationMicroseconds:
    return b.CreateSDiv(recvValue(), i64c(1000));
  case BuiltinId::DurationNanoseconds:
    return recvValue();
  case BuiltinId::TimeSub: {
    Value *t = recvValue();
    Value *u = arg(0);
    return b.CreateSub(nsOf(t), nsOf(u));
  }
  case BuiltinId::MutexLock:
    callRT(RT::mutexLock, {recvAddr()});
    return nullptr;
  case BuiltinId::MutexUnlock:
    callRT(RT::mutexUnlock, {recvAddr()});
    return nullptr;
  case BuiltinId::WaitGroupAdd: {
    Value *n = argI64(0);
    callRT(RT::waitgroupAdd, {recvAddr(), n});
    return nullptr;
  }
  case BuiltinId::WaitGroupDone:
    callRT(RT::waitgroupAdd, {recvAddr(), i64c(-1)});
    return nullptr;
  case BuiltinId::WaitGroupWait:
    callRT(RT::waitgroupWait, {recvAddr()});
    return nullptr;
  case BuiltinId::OnceDo: {
    Value *f = arg(0);
    Value *o = recvAddr();
    Value *run = callRT(RT::onceBegin, {o});
    BasicBlock *call = newBlock("once.call"), *done = newBlock("once.done");
    b.CreateCondBr(b.CreateICmpNE(run, ConstantInt::get(run->getType(), 0)), call, done);
    setBlock(call);
    callFuncValue(f, cast<FuncType>(ft->params[0]), {});
    callRT(RT::onceEnd, {o});
    setBlock(done);
    return nullptr;
  }
  default:
    break;
  }
  unsupported(e->pos, "this call is");
  return nullptr;
}

} // namespace glc
