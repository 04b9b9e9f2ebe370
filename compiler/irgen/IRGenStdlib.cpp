//===- IRGenStdlib.cpp - lowering of package time and sync ------------------===//
//
// Calls of the built-in packages' functions and of their types' built-in
// methods (sema/Stdlib.cpp) become glrt calls (abi.def, "time and sync") or
// a few instructions inline:
//   time.Sleep(d)        timeSleep(d)
//   time.Now()           {0, nanotime(), nil}    (Time is struct{wall, ext, loc})
//   time.Since(t)        nanotime() - t.ext
//   time.After/Tick(d)   timeAfter/timeTick(d)   (a chan of Time, buffer 1)
//   d.Seconds()          float64(d/1e9) + float64(d%1e9)/1e9 (Go's formula;
//                        Minutes and Hours likewise with their unit)
//   d.Milliseconds() ... d / 1e6 (truncating, as Go's int64 division)
//   t.Sub(u)             t.ext - u.ext
//   mu.Lock() ...        mutexLock(&mu) ...      (receiver's address)
//   wg.Done()            waitgroupAdd(&wg, -1)
//   o.Do(f)              if onceBegin(&o) { f(); onceEnd(&o) }
//   time.NewTimer(d)     timeNewTimer(d)         (a *Timer from glrt)
//   t.Stop(), t.Reset(d) timerStop(t), timerReset(t, d) (t a *Timer, or &t)
// A receiver that is a pointer (mu := &sync.Mutex{}; mu.Lock()) is used
// as is, after a nil check; an addressable value has its address taken.
// Arguments are evaluated before the receiver's address is taken, left to
// right, as gc does for a method call with a pointer receiver.
//===----------------------------------------------------------------------===//
#include "IRGenImpl.h"

using namespace llvm;

namespace glc {

bool IRGen::isStdlibBuiltin(BuiltinId id) {
  return id >= BuiltinId::TimeSleep && id <= BuiltinId::TimerReset;
}

Value *IRGen::genStdlib(CallExpr *e, BuiltinId id) {
  Expr *fun = unparen(e->fun);
  auto *sel = dyn_cast<SelectorExpr>(fun);
  auto *ft = dyn_cast_or_null<FuncType>(fun->type);
  if (!sel || !ft) {
    unsupported(e->pos, "this call is");
    return nullptr;
  }
  auto arg = [&](size_t i) { return genValue(e->args[i], ft->params[i]); };
  auto argI64 = [&](size_t i) { return toI64(arg(i), ft->params[i]); };
  auto nsOf = [&](Value *t) { return b.CreateExtractValue(t, 1); };
  auto makeTime = [&](Value *ns) {
    return b.CreateInsertValue(zeroValue(ft->results[0]), ns, 1);
  };
  // float64(d/unit) + float64(d%unit)/unit
  auto inUnit = [&](Value *d, int64_t unit) {
    Value *whole = b.CreateSIToFP(b.CreateSDiv(d, i64c(unit)), f64);
    Value *frac = b.CreateFDiv(b.CreateSIToFP(b.CreateSRem(d, i64c(unit)), f64),
                               ConstantFP::get(f64, double(unit)));
    return b.CreateFAdd(whole, frac);
  };
  // Receiver: its value (time types) or its address (sync types).
  auto recvValue = [&]() -> Value * {
    if (!sel->path.empty()) { // promoted through embedded fields
      Type *rt;
      Value *p = methodRecvPtr(sel, &rt);
      return b.CreateLoad(llType(rt), p);
    }
    if (auto *pt = ptrBase(sel->x->type)) // d.Seconds() with d *Duration
      return b.CreateLoad(llType(pt->elem), nilCheck(genExpr(sel->x)));
    return genValue(sel->x, sel->x->type);
  };
  auto recvAddr = [&]() -> Value * {
    if (fs) // `go x.M()`: taken by the caller (IRGenGo.cpp)
      if (auto it = fs->hoisted.find(sel); it != fs->hoisted.end())
        return it->second;
    if (!sel->path.empty() || ptrBase(sel->x->type))
      return methodRecvPtr(sel);
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
  case BuiltinId::DurationSeconds:
    return inUnit(recvValue(), 1000000000);
  case BuiltinId::DurationMinutes:
    return inUnit(recvValue(), 60 * 1000000000LL);
  case BuiltinId::DurationHours:
    return inUnit(recvValue(), 3600 * 1000000000LL);
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
  case BuiltinId::TimeNewTimer:
    return callRT(RT::timeNewTimer, {argI64(0)});
  case BuiltinId::TimerStop: {
    Value *r = callRT(RT::timerStop, {recvAddr()});
    return b.CreateICmpNE(r, ConstantInt::get(r->getType(), 0));
  }
  case BuiltinId::TimerReset: {
    Value *d = argI64(0);
    Value *r = callRT(RT::timerReset, {recvAddr(), d});
    return b.CreateICmpNE(r, ConstantInt::get(r->getType(), 0));
  }
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
