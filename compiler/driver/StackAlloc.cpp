//===- StackAlloc.cpp - heap objects that do not escape move to the frame -===//
//
// glc's front end gives every variable whose address is taken, every
// new(T) and &T{...}, every interface box and every closure record a heap
// object (irgen/IRGenAlloc.cpp). Go decides this with escape analysis; glc
// leaves it to LLVM: after the whole optimisation pipeline (inlining, and
// FunctionAttrs' bottom-up inference of `nocapture` parameters over the
// call graph, which is an interprocedural escape analysis for this
// module's functions), this pass looks at each
//
//   glrt_newobject(type)             size from the descriptor's size field
//   glrt_mallocgc(size, type, zero)  a constant size
//   glrt_makeslice(elem, len, cap)   constant len <= cap: cap * the element's size
//
// and, when LLVM's capture tracking proves the result is never captured
// (never stored anywhere, not returned, not converted to an integer, passed
// only to `nocapture` parameters: the runtime's functions are declarations
// without `nocapture` except the copying ones irgen marks (IRGen.cpp,
// declareRuntime: growslice's old array, string conversions and
// comparisons), and so is every function of another package when packages
// are separate modules (the object cache, driver/Cache.cpp), so passing the
// pointer to the others counts as an escape), replaces it with a slot in
// the function's frame, zeroed where the call was.
//
// Invariants this relies on (each checked or arranged here):
// - A slot is a static alloca in the entry block, so the prologue's stack
//   check covers it (glc's segmented stacks never move a frame, so a
//   pointer to the slot stays valid for the call's whole duration, even
//   across __morestack in a callee).
// - An allocation executed more than once per call (in a loop) reuses its
//   slot: allowed only when no pointer derived from it reaches a PHI, the
//   one way (besides memory, which is a capture) for one iteration's object
//   to be seen in the next.
// - Size: 1 to kMaxBytes. Size 0 stays (glrt returns zerobase, and Go
//   programs may compare such pointers); big objects stay on the heap so
//   frames stay small (Go's limit for implicit allocations is 64 KiB).
// - The collector: frames are scanned conservatively (runtime/mgc.cpp), so
//   a slot's pointers keep their targets alive; the write barriers irgen
//   emitted for stores into the object stay and are harmless (the barrier
//   shades the old value, and bulkShade ignores non-heap destinations).
//
// GLC_NOSTACKALLOC=1 (hidden, for measuring) turns the pass off.
//===----------------------------------------------------------------------===//
#include "driver/StackAlloc.h"

#include "llvm/ADT/SCCIterator.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Analysis/CaptureTracking.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/Transforms/InstCombine/InstCombine.h"
#include "llvm/Transforms/Scalar/EarlyCSE.h"
#include "llvm/Transforms/Scalar/SROA.h"

#include <cstdlib>

using namespace llvm;

namespace glc {
namespace {

constexpr uint64_t kMaxBytes = 4096;

// The size field (offset 0 of every descriptor, runtime/typedesc.def) of a
// type descriptor defined in this module; 0 when unknown.
uint64_t descSize(Value *desc) {
  auto *gv = dyn_cast<GlobalVariable>(desc->stripPointerCasts());
  if (!gv || !gv->hasInitializer())
    return 0;
  Constant *c = gv->getInitializer();
  while (c && !isa<ConstantInt>(c)) {
    if (!isa<ConstantAggregate>(c))
      return 0;
    c = c->getAggregateElement(0u);
  }
  return c ? cast<ConstantInt>(c)->getZExtValue() : 0;
}

// The object's size if `call` allocates one this pass may move, else 0.
uint64_t allocSize(CallInst *call) {
  Function *callee = call->getCalledFunction();
  if (!callee)
    return 0;
  StringRef name = callee->getName();
  if (name == "glrt_newobject" && call->arg_size() == 1)
    return descSize(call->getArgOperand(0));
  if (name == "glrt_mallocgc" && call->arg_size() == 3)
    if (auto *n = dyn_cast<ConstantInt>(call->getArgOperand(0)))
      return n->getZExtValue();
  // make([]T, len, cap) with both constant and in range (makeslice would
  // panic otherwise: leave those calls alone).
  if (name == "glrt_makeslice" && call->arg_size() == 3) {
    auto *len = dyn_cast<ConstantInt>(call->getArgOperand(1));
    auto *cap = dyn_cast<ConstantInt>(call->getArgOperand(2));
    if (!len || !cap || len->isNegative() || cap->getSExtValue() < len->getSExtValue())
      return 0;
    uint64_t elem = descSize(call->getArgOperand(0));
    uint64_t n = cap->getZExtValue();
    if (elem == 0 || n == 0 || n > kMaxBytes / elem)
      return 0;
    return elem * n;
  }
  return 0;
}

// Whether a pointer derived from v (through GEPs, casts, selects) flows
// into a PHI.
bool reachesPhi(Value *v) {
  SmallVector<Value *, 8> work{v};
  SmallPtrSet<Value *, 16> seen;
  while (!work.empty()) {
    Value *x = work.pop_back_val();
    if (!seen.insert(x).second)
      continue;
    for (User *u : x->users()) {
      if (isa<PHINode>(u))
        return true;
      if (isa<GetElementPtrInst>(u) || isa<CastInst>(u) || isa<SelectInst>(u))
        work.push_back(u);
    }
  }
  return false;
}

} // namespace

PreservedAnalyses StackAllocPass::run(Function &f, FunctionAnalysisManager &) {
  if (f.isDeclaration())
    return PreservedAnalyses::all();
  SmallVector<std::pair<CallInst *, uint64_t>, 8> cands;
  for (BasicBlock &bb : f)
    for (Instruction &i : bb)
      if (auto *call = dyn_cast<CallInst>(&i))
        if (uint64_t n = allocSize(call); n > 0 && n <= kMaxBytes)
          cands.push_back({call, n});
  if (cands.empty())
    return PreservedAnalyses::all();
  // Blocks that can run more than once per call: those in a cyclic SCC.
  SmallPtrSet<BasicBlock *, 16> inCycle;
  for (auto it = scc_begin(&f); !it.isAtEnd(); ++it)
    if (it.hasCycle())
      for (BasicBlock *bb : *it)
        inCycle.insert(bb);
  const DataLayout &dl = f.getDataLayout();
  bool changed = false;
  for (auto [call, size] : cands) {
    if (PointerMayBeCaptured(call, /*ReturnCaptures=*/true, /*StoreCaptures=*/true))
      continue;
    if (inCycle.count(call->getParent()) && reachesPhi(call))
      continue;
    IRBuilder<> entry(&*f.getEntryBlock().getFirstInsertionPt());
    auto *ty = ArrayType::get(entry.getInt8Ty(), size);
    AllocaInst *slot = entry.CreateAlloca(ty, dl.getAllocaAddrSpace(), nullptr,
                                          call->getName() + ".stack");
    slot->setAlignment(Align(8));
    IRBuilder<> at(call);
    at.CreateMemSet(slot, at.getInt8(0), size, Align(8));
    call->replaceAllUsesWith(slot);
    call->eraseFromParent();
    changed = true;
  }
  return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

void addStackAlloc(PassBuilder &pb) {
  if (const char *off = std::getenv("GLC_NOSTACKALLOC"); off && *off && *off != '0')
    return;
  pb.registerOptimizerLastEPCallback([](ModulePassManager &mpm, OptimizationLevel level) {
    FunctionPassManager fpm;
    fpm.addPass(StackAllocPass());
    if (level != OptimizationLevel::O0) {
      // The moved objects' loads and stores become SSA values where their
      // address is not passed on.
      fpm.addPass(SROAPass(SROAOptions::ModifyCFG));
      fpm.addPass(EarlyCSEPass());
      fpm.addPass(InstCombinePass());
    }
    mpm.addPass(createModuleToFunctionPassAdaptor(std::move(fpm)));
  });
}

} // namespace glc
