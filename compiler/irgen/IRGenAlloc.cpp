//===- IRGenAlloc.cpp - typed heap allocation ------------------------------===//
//
// Every heap allocation glc emits passes the runtime an exact type
// descriptor, so the collector can tell noscan objects (ptrdata == 0) from
// the others and scan the others precisely (runtime/malloc.cpp):
//
//   new(T), &T{...}, escaped locals, interface boxes
//                        glrt_newobject(type:T)
//   array backing stores (slice literals, variadic tails)
//                        glrt_mallocgc(n*sizeof(T), type:T, 1)
//   make([]T, ...)       glrt_makeslice(type:T, len, cap)
//   append growth        glrt_growslice(..., type:T)
//   make(chan T, n)      glrt_makechan(type:chan T, n)
//   make(map[K]V)        glrt_makemap(type:map[K]V, hint)
//   runtime records      glrt_mallocgc(size, record descriptor, 1)
//     (closure records, method values, go/defer argument blocks)
//
// After optimisation, compiler/driver/StackAlloc.cpp turns the
// glrt_newobject and constant-size glrt_mallocgc calls whose result is
// never captured into slots of the caller's frame.
//
// A record has no Go type: its descriptor (recordDesc) is a plain Type
// header built from the record's LLVM layout, with kind 0 (it never
// reaches an interface), no equal function, and the pointer bitmap of its
// fields. glc lowers every Go pointer word (pointers, the data words of
// strings and slices, both interface words, chans, maps, funcs,
// unsafe.Pointer) to an LLVM `ptr` and every other word to integers or
// floats, so "an LLVM ptr lives here" is exactly typedesc.def's bitmap
// (a closure's code pointer is a ptr too: harmless, as Go's bitmaps also
// mark words the collector then finds point outside the heap). Records
// with the same size and bitmap share one link-once descriptor.
//
// Write barriers (insertWriteBarriers, run once over the finished module,
// after keepTracebackFrames so a barrier call does not make a leaf
// function keep its frame): every store of a value that holds a pointer
// word, and every memcpy/memmove/memset, whose destination is not a stack
// slot (its underlying object is not an alloca) becomes
//
//     if (glrt_writeBarrier.enabled)            ; predicted not taken
//       glrt_gcWriteBarrier(slot, ptr)  per pointer word of the value
//       (glrt_bulkBarrierPreWrite(dst, src, n)  for the memory intrinsics)
//     store ...                                 ; the original store
//
// as Go's ssa writebarrier pass does (Go also barriers stores to globals:
// so does this). Like Go, stores into an object allocated in the same
// basic block with no call in between (the result of glrt_newobject or
// glrt_mallocgc) need none: the object is new and nothing else can see it.
// The barrier functions run before the store (a deletion barrier needs the
// old value); gcWriteBarrier also performs the pointer store itself, and
// the original store then writes the same bits again. The environment
// variable GLC_NOWRITEBARRIER=1 (hidden; for measuring the barriers' cost
// only) makes glc emit none.
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Comdat.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/MDBuilder.h"

#include <cstdlib>

using namespace llvm;

namespace glc {

void IRGen::llPointerWords(llvm::Type *t, uint64_t off, std::vector<bool> &words) {
  if (t->isPointerTy()) {
    uint64_t w = off / 8;
    if (words.size() <= w)
      words.resize(w + 1, false);
    words[w] = true;
    return;
  }
  if (auto *st = dyn_cast<llvm::StructType>(t)) {
    const StructLayout *sl = DL.getStructLayout(st);
    for (unsigned i = 0; i < st->getNumElements(); ++i)
      llPointerWords(st->getElementType(i), off + sl->getElementOffset(i), words);
    return;
  }
  if (auto *at = dyn_cast<llvm::ArrayType>(t)) {
    uint64_t es = DL.getTypeAllocSize(at->getElementType());
    std::vector<bool> probe;
    llPointerWords(at->getElementType(), 0, probe);
    if (probe.empty())
      return;
    for (uint64_t i = 0; i < at->getNumElements(); ++i)
      llPointerWords(at->getElementType(), off + i * es, words);
  }
}

Constant *IRGen::recordDesc(llvm::Type *t) {
  uint64_t size = DL.getTypeAllocSize(t);
  std::vector<bool> words;
  llPointerWords(t, 0, words);
  while (!words.empty() && !words.back())
    words.pop_back();
  std::string bits;
  std::vector<uint8_t> bytes((words.size() + 7) / 8, 0);
  for (size_t i = 0; i < words.size(); ++i)
    if (words[i])
      bytes[i / 8] |= uint8_t(1u << (i % 8));
  for (uint8_t x : bytes) {
    static const char hex[] = "0123456789abcdef";
    bits += hex[x >> 4];
    bits += hex[x & 15];
  }
  std::string link = ".record." + std::to_string(size) + "." + (bits.empty() ? "0" : bits);
  std::string sym = "type:" + link;
  if (auto *gv = mod->getGlobalVariable(sym, true))
    return gv;
  Constant *null = ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  Constant *gcdata = null;
  if (!bytes.empty()) {
    std::string name = "gcbits:" + link;
    auto *arr = ConstantDataArray::get(C, bytes);
    auto *g = new GlobalVariable(*mod, arr->getType(), true, GlobalValue::LinkOnceODRLinkage,
                                 arr, name);
    g->setComdat(mod->getOrInsertComdat(name));
    gcdata = g;
  }
  uint64_t align = DL.getABITypeAlign(t).value();
  Constant *header = ConstantStruct::get(
      descType(Desc::Type),
      {ConstantInt::get(i64, size), ConstantInt::get(i64, words.size() * 8),
       ConstantInt::get(i32, 0), ConstantInt::get(i8, 0), ConstantInt::get(i8, align),
       ConstantInt::get(i8, align), ConstantInt::get(i8, 0), null, gcdata,
       constString("runtime" + link), null, null});
  auto *gv = new GlobalVariable(*mod, header->getType(), true, GlobalValue::LinkOnceODRLinkage,
                                header, sym);
  gv->setComdat(mod->getOrInsertComdat(sym));
  gv->setAlignment(Align(8));
  return gv;
}

Value *IRGen::newArray(Type *elem, uint64_t n, const Twine &name) {
  Value *p = callRT(RT::mallocgc, {i64c((int64_t)(sizeOf(elem) * n)), typeDesc(elem),
                                   ConstantInt::get(i8, 1)});
  p->setName(name);
  return p;
}

Value *IRGen::newRecord(llvm::Type *t, const Twine &name) {
  uint64_t size = DL.getTypeAllocSize(t);
  Value *p = callRT(RT::mallocgc, {i64c((int64_t)size), recordDesc(t), ConstantInt::get(i8, 1)});
  p->setName(name);
  return p;
}

namespace {

// The pointer leaves of a first-class value of type t: (index path, byte
// offset) pairs.
void ptrLeaves(const DataLayout &DL, llvm::Type *t, std::vector<unsigned> &path, uint64_t off,
               std::vector<std::pair<std::vector<unsigned>, uint64_t>> &out) {
  if (t->isPointerTy()) {
    out.push_back({path, off});
    return;
  }
  if (auto *st = dyn_cast<llvm::StructType>(t)) {
    const StructLayout *sl = DL.getStructLayout(st);
    for (unsigned i = 0; i < st->getNumElements(); ++i) {
      path.push_back(i);
      ptrLeaves(DL, st->getElementType(i), path, off + sl->getElementOffset(i), out);
      path.pop_back();
    }
    return;
  }
  if (auto *at = dyn_cast<llvm::ArrayType>(t)) {
    uint64_t es = DL.getTypeAllocSize(at->getElementType());
    for (unsigned i = 0; i < at->getNumElements(); ++i) {
      path.push_back(i);
      ptrLeaves(DL, at->getElementType(), path, off + i * es, out);
      path.pop_back();
    }
  }
}

// Is the store's destination object allocated by the runtime earlier in
// the same block, with no call (a safe point) in between?
bool isFreshObject(const Value *obj, const Instruction *store) {
  auto *call = dyn_cast<CallInst>(obj);
  if (!call || call->getParent() != store->getParent())
    return false;
  Function *f = call->getCalledFunction();
  if (!f || (f->getName() != "glrt_newobject" && f->getName() != "glrt_mallocgc"))
    return false;
  for (const Instruction *i = call->getNextNode(); i && i != store; i = i->getNextNode())
    if (isa<CallBase>(i) && !isa<IntrinsicInst>(i))
      return false;
  return true;
}

} // namespace

void IRGen::insertWriteBarriers() {
  // GLC_NOWRITEBARRIER=1 (hidden, for measuring the barriers' cost only):
  // emit none. Such a program is wrong once a collector runs concurrently.
  if (const char *e = getenv("GLC_NOWRITEBARRIER"); e && *e == '1')
    return;
  auto *flagTy = llvm::StructType::get(C, {i32, i32, i64}); // runtime/mgc.h: writeBarrier
  GlobalVariable *flag = mod->getNamedGlobal("glrt_writeBarrier");
  if (!flag)
    flag = new GlobalVariable(*mod, flagTy, false, GlobalValue::ExternalLinkage, nullptr,
                              "glrt_writeBarrier");
  Function *wb = rt[(int)RT::gcWriteBarrier];
  Function *bulk = rt[(int)RT::bulkBarrierPreWrite];
  MDNode *unlikely = MDBuilder(C).createBranchWeights(1, 1u << 16);
  for (Function &f : *mod) {
    if (f.isDeclaration())
      continue;
    std::vector<Instruction *> sites;
    for (BasicBlock &bb : f)
      for (Instruction &inst : bb) {
        Value *dst = nullptr;
        if (auto *st = dyn_cast<StoreInst>(&inst)) {
          if (st->getMetadata("glc.nowb"))
            continue; // g->_defer (markNoWriteBarrier, IRGenDefer.cpp)
          std::vector<bool> words;
          llPointerWords(st->getValueOperand()->getType(), 0, words);
          if (words.empty())
            continue;
          dst = st->getPointerOperand();
        } else if (auto *mi = dyn_cast<MemIntrinsic>(&inst)) {
          dst = mi->getRawDest();
        } else {
          continue;
        }
        const Value *obj = getUnderlyingObject(dst, 0);
        if (isa<AllocaInst>(obj) || isFreshObject(obj, &inst))
          continue;
        sites.push_back(&inst);
      }
    for (Instruction *inst : sites) {
      BasicBlock *bb = inst->getParent();
      BasicBlock *cont = bb->splitBasicBlock(inst, bb->getName() + ".wb.cont");
      bb->getTerminator()->eraseFromParent();
      BasicBlock *slow = BasicBlock::Create(C, "wb.slow", &f, cont);
      IRBuilder<> ib(bb);
      Value *on = ib.CreateICmpNE(ib.CreateLoad(i32, flag, "wb.enabled"), ib.getInt32(0));
      ib.CreateCondBr(on, slow, cont, unlikely);
      IRBuilder<> sb(slow);
      if (auto *st = dyn_cast<StoreInst>(inst)) {
        Value *v = st->getValueOperand(), *p = st->getPointerOperand();
        std::vector<std::pair<std::vector<unsigned>, uint64_t>> leaves;
        std::vector<unsigned> path;
        ptrLeaves(DL, v->getType(), path, 0, leaves);
        for (auto &[idx, off] : leaves) {
          Value *pv = idx.empty() ? v : sb.CreateExtractValue(v, idx);
          Value *slot = off ? sb.CreateConstGEP1_64(i8, p, off) : p;
          sb.CreateCall(wb, {slot, pv});
        }
      } else {
        auto *mi = cast<MemIntrinsic>(inst);
        Value *src = ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
        if (auto *mt = dyn_cast<MemTransferInst>(mi))
          src = mt->getRawSource();
        Value *len = sb.CreateZExtOrTrunc(mi->getLength(), i64);
        sb.CreateCall(bulk, {mi->getRawDest(), src, len});
      }
      sb.CreateBr(cont);
    }
  }
}

} // namespace glc
