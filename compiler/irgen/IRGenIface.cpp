//===- IRGenIface.cpp - interface values: conversion, assertion, dispatch -===//
//
// An interface value is the LLVM struct {ptr, ptr} (runtime/type.h):
//   interface{}:         {type descriptor, data}
//   with methods:        {itab, data}
// nil is {null, null}. data is the value itself for pointer-shaped types
// (KindDirectIface: pointers, channels, maps, funcs, unsafe.Pointer), else
// a pointer to a heap box holding a copy (boxes are never written again).
//
// Itabs: a conversion from a concrete type to an interface with methods
// uses the itab glc emits for that pair ("go:itab.T,I", link-once), so it
// costs no call. Each such itab is also listed in section gl_itablinks;
// the runtime registers them in its itab cache at start-up (itabsinit), so
// an itab getitab builds at run time for the same pair is never a second
// copy: itab pointers compare equal iff the pairs are equal, and two
// interfaces with methods are equal iff their itabs are and their data
// compare equal.
//
// Itabs only known at run time (an assertion x.(I), a type switch's case
// I, a conversion between interfaces with methods) come from getitab
// through a cache at each such site (cachedGetitab; Go 1.22 has the
// same, abi.TypeAssertCache): 16 slots, each null or an itab, indexed by
// the dynamic type's hash, probed linearly at most kItabProbes slots. A
// hit costs a few loads instead of getitab's call and hash lookup (a
// type switch with an interface case over seven types: getitab was 56%
// of the time). Failures are cached too: getitab with canfail bit 2
// returns the itab recording the failure (fun[0] null), and the site
// tests fun[0]. Threads share a site's cache without a lock: a slot only
// ever goes from null to an itab (cmpxchg, release; the itab is
// immutable once published), readers load it with acquire and check its
// type word, so they see null or a complete itab; a full probe window is
// simply not cached (a site seeing many types calls getitab as before).
//
// Method calls through an interface load fun[k] from the itab (k = the
// method's index in the interface's sorted method list) and call it with
// the data word as the receiver, the first Go parameter (null ctx): the
// ifn convention of typedesc.def, the same as a method's, so a pointer
// method of a pointer type is its own itab entry. When the module has
// few itabs for the interface, the call first compares the itab with each
// and calls that type's method directly (devirtualizeIfaceCalls).
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

using namespace llvm;

namespace glc {

static bool isNilCase(Expr *e) {
  return !e->type || e->type->kind == TypeKind::UntypedNil;
}

static bool isEmptyIface(Type *t) {
  auto *it = dyn_cast<InterfaceType>(IRGen::under(t));
  return it && it->methods.empty();
}

bool IRGen::isDirectIfaceT(Type *t) {
  switch (ukind(t)) {
  case TypeKind::Pointer: case TypeKind::Chan: case TypeKind::Map: case TypeKind::Func:
  case TypeKind::UnsafePointer:
    return true;
  default:
    return false;
  }
}

Value *IRGen::makeIface(Value *w0, Value *data) {
  Value *r = UndefValue::get(llvm::StructType::get(C, {ptrTy, ptrTy}));
  r = b.CreateInsertValue(r, w0, 0);
  return b.CreateInsertValue(r, data, 1);
}

// Values at least this big are boxed by memcpy from where they were loaded.
constexpr uint64_t kBoxMemcpyBytes = 256;

// The data word for a value v of concrete type t.
Value *IRGen::ifaceData(Value *v, Type *t) {
  if (isDirectIfaceT(t))
    return v;
  uint64_t size = sizeOf(t);
  Value *box = callRT(RT::newobject, {typeDesc(t)});
  if (size == 0)
    return box;
  // A big value just loaded from memory is copied from there with a
  // memcpy: its load and the store into the box stand on either side of
  // the newobject call, so LLVM cannot pair them into a memcpy itself, and
  // an aggregate load of [N x i8] with N in the millions made codegen
  // build one value type per element (nilptr2.go's 128 MiB array: minutes
  // and gigabytes in ComputeValueVTs). newobject writes no user memory, so
  // copying after it reads the same bytes.
  if (auto *ld = dyn_cast<llvm::LoadInst>(v); ld && size >= kBoxMemcpyBytes) {
    llvm::Align al = ld->getAlign();
    b.CreateMemCpy(box, al, ld->getPointerOperand(), al, size);
    if (ld->use_empty())
      ld->eraseFromParent();
    return box;
  }
  b.CreateStore(v, box);
  return box;
}

// The dynamic type descriptor of interface value iv of static type t
// (null for nil).
Value *IRGen::ifaceTypeWord(Value *iv, Type *t) {
  Value *w0 = b.CreateExtractValue(iv, 0);
  if (isEmptyIface(t))
    return w0;
  // tab == nil ? nil : tab->type
  BasicBlock *cur = b.GetInsertBlock();
  BasicBlock *load = newBlock("itab.type"), *done = newBlock("itab.done");
  Value *isNil = b.CreateICmpEQ(w0, ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy)));
  b.CreateCondBr(isNil, done, load);
  b.SetInsertPoint(load);
  Value *typ = b.CreateLoad(ptrTy, b.CreateConstInBoundsGEP1_64(i8, w0, 8), "dyntype");
  b.CreateBr(done);
  b.SetInsertPoint(done);
  PHINode *phi = b.CreatePHI(ptrTy, 2);
  phi->addIncoming(ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy)), cur);
  phi->addIncoming(typ, load);
  return phi;
}

Value *IRGen::convertToIface(Value *v, Type *from, Type *to) {
  Constant *null = ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  if (!from || from->kind == TypeKind::UntypedNil)
    return makeIface(null, null);
  if (from->isUntyped()) // a constant's default type
    from = defaultTypeOf(from);
  if (under(from)->kind == TypeKind::Interface) {
    if (from == to || (isEmptyIface(from) && isEmptyIface(to)))
      return v;
    Value *typ = ifaceTypeWord(v, from);
    Value *data = b.CreateExtractValue(v, 1);
    if (isEmptyIface(to))
      return makeIface(typ, data);
    // Between interfaces with methods: getitab (cannot fail: sema checked
    // that from's methods include to's), nil stays nil.
    BasicBlock *cur = b.GetInsertBlock();
    BasicBlock *get = newBlock("convI2I"), *done = newBlock("convI2I.done");
    b.CreateCondBr(b.CreateICmpEQ(typ, null), done, get);
    b.SetInsertPoint(get);
    Value *tab = cachedGetitab(to, typ, 0);
    BasicBlock *getEnd = b.GetInsertBlock();
    b.CreateBr(done);
    b.SetInsertPoint(done);
    PHINode *phi = b.CreatePHI(ptrTy, 2);
    phi->addIncoming(null, cur);
    phi->addIncoming(tab, getEnd);
    return makeIface(phi, data);
  }
  Value *data = ifaceData(v, from);
  if (isEmptyIface(to))
    return makeIface(typeDesc(from), data);
  return makeIface(itabConst(from, to), data);
}

Type *IRGen::defaultTypeOf(Type *t) {
  switch (t->kind) {
  case TypeKind::UntypedBool: return types.basic(TypeKind::Bool);
  case TypeKind::UntypedInt: return types.basic(TypeKind::Int);
  case TypeKind::UntypedRune: return types.basic(TypeKind::Int32);
  case TypeKind::UntypedFloat: return types.basic(TypeKind::Float64);
  case TypeKind::UntypedString: return types.basic(TypeKind::String);
  default: return t;
  }
}

// The compile-time itab of (concrete type t, interface type i).
Constant *IRGen::itabConst(Type *t, Type *i) {
  auto *it = cast<InterfaceType>(under(i));
  std::string name = "go:itab." + linkTypeString(t) + "," + linkTypeString(i);
  if (GlobalVariable *gv = mod->getGlobalVariable(name, true))
    return gv;
  std::vector<Constant *> fun;
  for (auto &m : it->methods) {
    Constant *f = ifnFor(t, rtMethodName(m.name, m.pkgPath));
    fun.push_back(f ? f : ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy)));
  }
  auto *funTy = llvm::ArrayType::get(ptrTy, fun.size());
  Constant *hdr = ConstantStruct::get(
      descType(Desc::Itab),
      {typeDesc(i), typeDesc(t), ConstantInt::get(i32, typeHash(t)), ConstantInt::get(i32, 0)});
  auto *sty = llvm::StructType::get(C, {descType(Desc::Itab), funTy});
  auto *gv = new GlobalVariable(*mod, sty, true, GlobalValue::LinkOnceODRLinkage,
                                ConstantStruct::get(sty, {hdr, ConstantArray::get(funTy, fun)}),
                                name);
  Comdat *cd = mod->getOrInsertComdat(name);
  gv->setComdat(cd);
  gv->setAlignment(Align(8));
  // Its entry in gl_itablinks (same comdat: kept or dropped with it).
  auto *link = new GlobalVariable(*mod, ptrTy, true, GlobalValue::LinkOnceODRLinkage, gv,
                                  "go:itablink." + name.substr(8));
  link->setComdat(cd);
  link->setSection("gl_itablinks");
  link->setAlignment(Align(8));
  usedGlobals.push_back(link);
  itabsByIface[linkTypeString(i)].push_back(gv);
  return gv;
}

namespace {
constexpr uint64_t kItabCacheSlots = 16; // a power of two
constexpr uint64_t kItabProbes = 4;
constexpr uint64_t kItabTypeOff = 8, kItabFunOff = 24; // typedesc.def's Itab
constexpr uint64_t kTypeHashOff = 16;                  // typedesc.def's Type.hash
} // namespace

Value *IRGen::cachedGetitab(Type *iface, Value *typ, unsigned canfailBits) {
  Constant *null = ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  auto *arrTy = llvm::ArrayType::get(ptrTy, kItabCacheSlots);
  auto *cache = new GlobalVariable(*mod, arrTy, false, GlobalValue::InternalLinkage,
                                   ConstantAggregateZero::get(arrTy), "go:itabcache");
  cache->setAlignment(Align(64)); // one cache line of 8 slots; the probes stay in two
  Value *hash = b.CreateLoad(i32, b.CreateConstInBoundsGEP1_64(i8, typ, kTypeHashOff), "typhash");
  Value *start = b.CreateZExt(b.CreateAnd(hash, kItabCacheSlots - 1), i64);
  BasicBlock *entry = b.GetInsertBlock();
  BasicBlock *loop = newBlock("itabcache.probe"), *check = newBlock("itabcache.check"),
             *next = newBlock("itabcache.next"), *miss = newBlock("itabcache.miss"),
             *fill = newBlock("itabcache.fill"), *done = newBlock("itabcache.done");
  b.CreateBr(loop);
  b.SetInsertPoint(loop);
  PHINode *idx = b.CreatePHI(i64, 2, "slot");
  PHINode *n = b.CreatePHI(i64, 2, "probes");
  idx->addIncoming(start, entry);
  n->addIncoming(ConstantInt::get(i64, 0), entry);
  Value *slot = b.CreateInBoundsGEP(arrTy, cache, {ConstantInt::get(i64, 0), idx});
  // acquire: pairs with the release cmpxchg below (on another thread),
  // which published an itab whose contents that thread had acquired.
  LoadInst *e = b.CreateAlignedLoad(ptrTy, slot, Align(8), "cached");
  e->setAtomic(AtomicOrdering::Acquire);
  b.CreateCondBr(b.CreateICmpEQ(e, null), miss, check);
  b.SetInsertPoint(check);
  Value *et = b.CreateLoad(ptrTy, b.CreateConstInBoundsGEP1_64(i8, e, kItabTypeOff));
  b.CreateCondBr(b.CreateICmpEQ(et, typ), done, next);
  b.SetInsertPoint(next);
  Value *n1 = b.CreateAdd(n, ConstantInt::get(i64, 1));
  Value *idx1 = b.CreateAnd(b.CreateAdd(idx, ConstantInt::get(i64, 1)), kItabCacheSlots - 1);
  idx->addIncoming(idx1, next);
  n->addIncoming(n1, next);
  b.CreateCondBr(b.CreateICmpEQ(n1, ConstantInt::get(i64, kItabProbes)), miss, loop);
  // Not cached: getitab (bit 2: return a failed pairing's itab too), then
  // claim the empty slot the probe stopped at, if any.
  b.SetInsertPoint(miss);
  PHINode *empty = b.CreatePHI(ptrTy, 2, "emptyslot");
  empty->addIncoming(slot, loop);
  empty->addIncoming(null, next);
  Value *tab = callRT(RT::getitab, {typeDesc(iface), typ, ConstantInt::get(i8, canfailBits | 4)});
  BasicBlock *missEnd = b.GetInsertBlock();
  b.CreateCondBr(b.CreateICmpEQ(empty, null), done, fill);
  b.SetInsertPoint(fill);
  // release: the itab (built and published by getitab) is complete for
  // whoever acquires it from this slot. Losing the race leaves the other
  // thread's itab in the slot, as good as ours.
  b.CreateAtomicCmpXchg(empty, null, tab, MaybeAlign(8), AtomicOrdering::Release,
                        AtomicOrdering::Monotonic);
  b.CreateBr(done);
  b.SetInsertPoint(done);
  PHINode *r = b.CreatePHI(ptrTy, 3, "itab");
  r->addIncoming(e, check);
  r->addIncoming(tab, missEnd);
  r->addIncoming(tab, fill);
  return r;
}

// Whether itab tab records a failed pairing (Go's convention: fun[0] null).
Value *IRGen::itabFails(Value *tab) {
  Constant *null = ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  Value *f0 = b.CreateLoad(ptrTy, b.CreateConstInBoundsGEP1_64(i8, tab, kItabFunOff), "fun0");
  return b.CreateICmpEQ(f0, null);
}

// x.(T) and v, ok := x.(T). Returns the value (T's zero value when !ok);
// *okOut gets the ok bit when requested, else a failure panics as Go does.
Value *IRGen::genTypeAssert(TypeAssertExpr *e, Value **okOut) {
  Type *xt = e->x->type, *t = e->type;
  Value *x = genExpr(e->x);
  Constant *null = ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  Value *typ = ifaceTypeWord(x, xt);
  Value *data = b.CreateExtractValue(x, 1);
  Value *ok;
  Value *val;
  BasicBlock *okBB = newBlock("assert.ok"), *failBB = newBlock("assert.fail"),
             *done = newBlock("assert.done");
  if (under(t)->kind == TypeKind::Interface) {
    if (isEmptyIface(t)) {
      b.CreateCondBr(b.CreateICmpNE(typ, null), okBB, failBB);
      b.SetInsertPoint(okBB);
      val = makeIface(typ, data);
    } else {
      BasicBlock *get = newBlock("assert.getitab");
      b.CreateCondBr(b.CreateICmpNE(typ, null), get, failBB);
      b.SetInsertPoint(get);
      // canfail's bit 1: the operand is a non-empty interface (the runtime
      // names Go's assertI2I rather than assertE2I for a missing method).
      unsigned bits = okOut ? 1 : isEmptyIface(xt) ? 0 : 2;
      Value *tab = cachedGetitab(t, typ, bits);
      Value *fails = itabFails(tab);
      if (okOut) {
        b.CreateCondBr(fails, failBB, okBB);
      } else {
        // A missing method: getitab itself panics with Go's text (and
        // its frames), as it did when the site had no cache.
        BasicBlock *missing = newBlock("assert.missing");
        b.CreateCondBr(fails, missing, okBB);
        b.SetInsertPoint(missing);
        callRT(RT::getitab, {typeDesc(t), typ, ConstantInt::get(i8, bits)});
        b.CreateUnreachable();
      }
      b.SetInsertPoint(okBB);
      val = makeIface(tab, data);
    }
  } else {
    b.CreateCondBr(b.CreateICmpEQ(typ, typeDesc(t)), okBB, failBB);
    b.SetInsertPoint(okBB);
    if (isDirectIfaceT(t))
      val = data;
    else if (sizeOf(t) == 0)
      val = zeroValue(t);
    else
      val = b.CreateLoad(llType(t), data);
  }
  BasicBlock *okEnd = b.GetInsertBlock();
  b.CreateBr(done);
  b.SetInsertPoint(failBB);
  if (!okOut) {
    BasicBlock *nilBB = newBlock("assert.nil"), *haveBB = newBlock("assert.have");
    b.CreateCondBr(b.CreateICmpEQ(typ, null), nilBB, haveBB);
    b.SetInsertPoint(nilBB);
    // Go's assertE2I/I2I report a nil operand as "interface" (no static
    // type); the runtime tells them apart by x's type.
    callRT(RT::panicnildottype, {typeDesc(t), typeDesc(xt)});
    b.CreateUnreachable();
    b.SetInsertPoint(haveBB);
    // A missing method of an interface target panics inside getitab.
    callRT(RT::panicdottype, {typ, typeDesc(t), typeDesc(xt)});
    b.CreateUnreachable();
    b.SetInsertPoint(done);
    PHINode *phi = b.CreatePHI(val->getType(), 1);
    phi->addIncoming(val, okEnd);
    return phi;
  }
  b.CreateBr(done);
  b.SetInsertPoint(done);
  PHINode *phi = b.CreatePHI(val->getType(), 2);
  phi->addIncoming(val, okEnd);
  phi->addIncoming(Constant::getNullValue(val->getType()), failBB);
  PHINode *okPhi = b.CreatePHI(i1, 2);
  okPhi->addIncoming(ConstantInt::getTrue(C), okEnd);
  okPhi->addIncoming(ConstantInt::getFalse(C), failBB);
  ok = okPhi;
  *okOut = ok;
  return phi;
}

// == and != on two values of interface type t.
Value *IRGen::genIfaceCompare(TokKind op, Value *x, Value *y, Type *t) {
  Value *xw = b.CreateExtractValue(x, 0), *yw = b.CreateExtractValue(y, 0);
  BasicBlock *cur = b.GetInsertBlock();
  BasicBlock *same = newBlock("ifaceeq.same"), *done = newBlock("ifaceeq.done");
  b.CreateCondBr(b.CreateICmpEQ(xw, yw), same, done);
  b.SetInsertPoint(same);
  Value *typ = ifaceTypeWord(x, t);
  // Go's efaceeq or ifaceeq (the panic of an uncomparable type names it).
  Value *eq = callRT(isEmptyIface(t) ? RT::efaceeq : RT::ifaceeq,
                     {typ, b.CreateExtractValue(x, 1), b.CreateExtractValue(y, 1)});
  Value *eqb = b.CreateICmpNE(eq, ConstantInt::get(i8, 0));
  BasicBlock *sameEnd = b.GetInsertBlock();
  b.CreateBr(done);
  b.SetInsertPoint(done);
  PHINode *phi = b.CreatePHI(i1, 2);
  phi->addIncoming(ConstantInt::getFalse(C), cur);
  phi->addIncoming(eqb, sameEnd);
  return op == TokKind::Eql ? (Value *)phi : b.CreateNot(phi);
}

// A call x.M(args) with x of interface type: fun[k](data, args...).
Value *IRGen::genIfaceCall(CallExpr *e, SelectorExpr *sel) {
  auto *it = cast<InterfaceType>(under(sel->x->type));
  return callIfaceMethod(genExpr(sel->x), sel->x->type, sel->ifaceMethod, it->methods[sel->ifaceMethod].sig, e);
}

// An ifn's Go signature: the interface's data word (unsafe.Pointer) as the
// receiver, then M's parameters, so that a pointer method of a pointer
// type is its own ifn.
FuncType *IRGen::ifnSig(FuncType *sig) {
  std::vector<Type *> params{types.basic(TypeKind::UnsafePointer)};
  params.insert(params.end(), sig->params.begin(), sig->params.end());
  return types.funcOf(params, sig->results, sig->variadic);
}

// Calls an ifn (typedesc.def): null ctx, sret, the data word, the
// arguments (already by reference where the convention says so).
Value *IRGen::emitMethodCall(Value *fn, FuncType *sig, Value *recv, ArrayRef<Value *> args) {
  FuncType *isig = ifnSig(sig);
  std::vector<Value *> vals{recv};
  vals.insert(vals.end(), args.begin(), args.end());
  return emitCall(funcLLType(isig), fn, ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy)),
                  isig, vals, /*refs=*/true);
}

Value *IRGen::callIfaceMethod(Value *x, Type *ifaceT, int k, FuncType *sig, CallExpr *e) {
  Value *tab = b.CreateExtractValue(x, 0);
  Value *data = b.CreateExtractValue(x, 1);
  // A nil interface: Go faults loading fun[k] from the nil itab.
  nilCheck(tab, 24 + 8 * k);
  Value *fn = b.CreateLoad(ptrTy, b.CreateConstInBoundsGEP1_64(i8, tab, 24 + 8 * k), "ifn");
  std::vector<Value *> args = genArgs(e, sig, /*refs=*/true);
  Value *r = emitMethodCall(fn, sig, data, args);
  for (User *u : fn->users())
    if (auto *call = dyn_cast<CallBase>(u); call && call->getCalledOperand() == fn)
      ifaceCalls.push_back({call, tab, linkTypeString(ifaceT), (unsigned)k});
  return r;
}

// Guarded devirtualisation. An interface method call site whose interface
// has at most kMaxDevirtTypes compile-time itabs in this module (the
// conversions T -> I that itabConst emitted, wherever in the module they
// are) becomes
//
//     if (tab == &go:itab.T1,I) r = T1's fun[k](data, args...)   ; direct
//     else if (tab == &go:itab.T2,I) ...
//     else r = fun[k](data, args...)                             ; as before
//
// Itab pointers compare equal iff the pairs are equal (itabsinit registers
// every compile-time itab before getitab can build one), so each guard is
// exact, and the last branch keeps every other dynamic type working: types
// converted in other packages' modules, types that reach I only through an
// assertion or a conversion from another interface (getitab's itabs), or
// through reflect's Value.Interface. The candidate set is only a guess at
// what is likely; correctness never depends on its being complete. A
// direct call is what lets LLVM inline the method (keepTracebackFrames
// decides which may be inlined): go1.19 does not inline through an
// interface, so this is where glc gets ahead of it (bench iface_call).
// Over the limit the call stays indirect: a chain of compares costs more
// than the indirect call's misprediction saves.
void IRGen::devirtualizeIfaceCalls() {
  constexpr size_t kMaxDevirtTypes = 4;
  for (IfaceCallSite &site : ifaceCalls) {
    auto *call = dyn_cast_or_null<CallInst>(static_cast<Value *>(site.call));
    Value *tab = site.tab;
    if (!call || !tab || !call->getParent())
      continue;
    auto found = itabsByIface.find(site.iface);
    if (found == itabsByIface.end() || found->second.empty() ||
        found->second.size() > kMaxDevirtTypes)
      continue;
    // The candidates: (itab, method) for each itab whose fun[k] is a
    // function of the call's own LLVM type.
    SmallVector<std::pair<GlobalVariable *, Function *>, 4> cands;
    for (GlobalVariable *gv : found->second) {
      auto *init = gv->hasInitializer() ? dyn_cast<ConstantStruct>(gv->getInitializer()) : nullptr;
      auto *fun = init ? dyn_cast<ConstantArray>(init->getOperand(1)) : nullptr;
      if (!fun || site.k >= fun->getNumOperands())
        continue;
      auto *f = dyn_cast<Function>(fun->getOperand(site.k)->stripPointerCasts());
      if (f && f->getFunctionType() == call->getFunctionType())
        cands.push_back({gv, f});
    }
    if (cands.empty())
      continue;
    DebugLoc dl = call->getDebugLoc();
    BasicBlock *head = call->getParent();
    BasicBlock *cont = head->splitBasicBlock(std::next(call->getIterator()), "icall.cont");
    BasicBlock *indirect = head->splitBasicBlock(call->getIterator(), "icall.indirect");
    Function *fn = head->getParent();
    head->getTerminator()->eraseFromParent();
    PHINode *phi = nullptr;
    if (!call->getType()->isVoidTy()) {
      phi = PHINode::Create(call->getType(), (unsigned)cands.size() + 1, "icall.r");
      phi->insertInto(cont, cont->begin());
      phi->setDebugLoc(dl);
      call->replaceAllUsesWith(phi);
      phi->addIncoming(call, indirect);
    }
    IRBuilder<> ib(head);
    ib.SetCurrentDebugLocation(dl);
    for (auto &[gv, f] : cands) {
      BasicBlock *direct = BasicBlock::Create(C, "icall.direct", fn, indirect);
      BasicBlock *next = gv == cands.back().first
                             ? indirect
                             : BasicBlock::Create(C, "icall.next", fn, indirect);
      ib.CreateCondBr(ib.CreateICmpEQ(tab, gv), direct, next);
      auto *dc = cast<CallInst>(call->clone());
      dc->setCalledFunction(f);
      dc->insertInto(direct, direct->end());
      BranchInst::Create(cont, direct)->setDebugLoc(dl);
      if (phi)
        phi->addIncoming(dc, direct);
      ib.SetInsertPoint(next);
    }
  }
  ifaceCalls.clear();
}

} // namespace glc

namespace glc {

// switch v := x.(type) { case T1, T2: ... case nil: ... default: ... }
// x is evaluated once; clauses are tested in source order, each case type
// left to right. In a clause with exactly one type, v has that type (the
// value extracted as x.(T) would); otherwise v is x itself.
void IRGen::genTypeSwitch(TypeSwitchStmt *s) {
  genStmt(s->init);
  Type *xt = s->x->type;
  hoistCalls(s->x);
  Value *x = genExpr(s->x);
  Constant *null = ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  Value *typ = ifaceTypeWord(x, xt);
  Value *data = b.CreateExtractValue(x, 1);
  BasicBlock *endBB = newBlock("tswitch.end");
  std::vector<BasicBlock *> bodies;
  for (size_t i = 0; i < s->clauses.size(); ++i)
    bodies.push_back(newBlock("tswitch.case"));
  BasicBlock *defaultBB = endBB;
  // The itab found for a one-interface-type clause, for its binding.
  std::vector<Value *> clauseTab(s->clauses.size(), nullptr);
  for (size_t i = 0; i < s->clauses.size(); ++i) {
    CaseClause *cc = s->clauses[i];
    if (cc->isDefault()) {
      defaultBB = bodies[i];
      continue;
    }
    for (Expr *e : cc->list) {
      BasicBlock *next = newBlock("tswitch.next");
      Type *t = e->type;
      if (isNilCase(e)) {
        b.CreateCondBr(b.CreateICmpEQ(typ, null), bodies[i], next);
      } else if (under(t)->kind != TypeKind::Interface) {
        b.CreateCondBr(b.CreateICmpEQ(typ, typeDesc(t)), bodies[i], next);
      } else if (isEmptyIface(t)) {
        b.CreateCondBr(b.CreateICmpNE(typ, null), bodies[i], next);
      } else {
        BasicBlock *get = newBlock("tswitch.getitab");
        b.CreateCondBr(b.CreateICmpNE(typ, null), get, next);
        b.SetInsertPoint(get);
        Value *tab = cachedGetitab(t, typ, 1);
        if (cc->list.size() == 1)
          clauseTab[i] = tab;
        b.CreateCondBr(itabFails(tab), next, bodies[i]);
      }
      b.SetInsertPoint(next);
    }
  }
  b.CreateBr(defaultBB);
  for (size_t i = 0; i < s->clauses.size(); ++i) {
    CaseClause *cc = s->clauses[i];
    b.SetInsertPoint(bodies[i]);
    if (Object *v = cc->implicitObj) {
      Value *addr = allocVar(v, v->name);
      Type *vt = v->type;
      Value *val;
      if (vt == xt) {
        val = x;
      } else if (under(vt)->kind != TypeKind::Interface) {
        if (isDirectIfaceT(vt))
          val = data;
        else if (sizeOf(vt) == 0)
          val = zeroValue(vt);
        else
          val = b.CreateLoad(llType(vt), data);
      } else if (isEmptyIface(vt)) {
        val = makeIface(typ, data);
      } else {
        // One interface type: the itab getitab returned on the way here
        // (dominates this block: it is the only edge into it).
        val = makeIface(clauseTab[i] ? clauseTab[i] : null, data);
      }
      b.CreateStore(val, addr);
    }
    fs->targets.push_back({s, endBB, nullptr});
    genStmts(cc->body);
    fs->targets.pop_back();
    if (blockOpen())
      b.CreateBr(endBB);
  }
  b.SetInsertPoint(endBB);
}

} // namespace glc
