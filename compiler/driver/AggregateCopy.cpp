//===- AggregateCopy.cpp - large aggregate values live in memory ----------===//
//
// irgen represents a Go value of array or struct type as an LLVM
// first-class aggregate: `x := m[k]` with a [4096]byte element loads a
// [4096 x i8] value from the map's slot and stores it into x's slot, and
// K{a, "x"} is an insertvalue chain. LLVM handles such values element by
// element: InstCombine and SROA unpack a load or store of an array of up
// to 1024 elements into that many scalar loads and stores, SelectionDAG
// does the same with the rest, and the DAG's store merging is quadratic
// in the stores of a block. A 20-line program copying [4096]byte map
// values took 2.5 minutes of CPU to compile; Go's test/bigmap.go
// ([1000]byte values) 17 s.
//
// This pass runs on irgen's module before the pipeline, at every -O
// level, and moves every aggregate value over kLargeBytes to memory. Each
// such value V gets a "memory form": a pointer to bytes equal to V that
// nothing writes after V's definition point (an immutable copy):
//   - a load: a frame temporary, memcpy'd from the source where the load
//     was (so it is the source's bytes at that instant);
//   - a constant: a private constant global (zero or not);
//   - insertvalue(A, e, i...): a frame temporary holding A's bytes (A's
//     own temporary, reused when this insertvalue is A's only user, else
//     a copy) with e written at i (a memcpy when e is large);
//   - extractvalue(A, i...) that is itself large: a pointer into A's form;
//   - a PHI: a temporary of its own, filled at the end of each predecessor
//     (critical edges into its block are split first, so no other path
//     sees the copy) from the incoming value's form; an incoming value
//     that is another PHI of the same block is staged in a copy first
//     (PHIs of one block take their values in parallel: a, b = b, a);
//   - a select: a select of the two forms;
//   - anything else (not expected from irgen: large parameters and
//     results are passed by pointer, IRGenImpl.h's kLargeAggregate): a
//     temporary the value is stored to.
// Uses are then rewritten: a store of V is a memcpy from V's form, an
// extractvalue of a small part a load from it, an insertvalue or PHI of V
// reads its form; whatever else uses V (not expected) keeps V. The
// aggregate instructions left without users are deleted. A temporary is
// a static alloca in the entry block (segmented stacks never move a
// frame); one defined in a loop is rewritten at each iteration, which is
// what the SSA value does too (a use in a later iteration goes through a
// PHI, which has its own copy). At -O2, MemCpyOpt and SROA remove the
// copies that turn out to be unneeded.
//===----------------------------------------------------------------------===//
#include "driver/AggregateCopy.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/Instructions.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

using namespace llvm;

namespace glc {
namespace {

constexpr uint64_t kLargeBytes = 64; // irgen's kLargeAggregate

bool isLarge(llvm::Type *t, const DataLayout &dl) {
  return (t->isArrayTy() || t->isStructTy()) && dl.getTypeAllocSize(t).getFixedValue() > kLargeBytes;
}

struct Lowering {
  Lowering(Function &f, const DataLayout &dl) : f(f), dl(dl) {}
  Function &f;
  const DataLayout &dl;
  DenseMap<Value *, Value *> form;
  SmallVector<Instruction *, 32> dead; // rewritten aggregate instructions

  uint64_t size(llvm::Type *t) { return dl.getTypeAllocSize(t).getFixedValue(); }
  Align align(llvm::Type *t) { return dl.getABITypeAlign(t); }

  AllocaInst *temp(llvm::Type *t, const Twine &name) {
    IRBuilder<> entry(&*f.getEntryBlock().getFirstInsertionPt());
    AllocaInst *a = entry.CreateAlloca(t, nullptr, name);
    a->setAlignment(align(t));
    return a;
  }

  Value *gepInto(IRBuilder<> &b, llvm::Type *t, Value *p, ArrayRef<unsigned> idx) {
    SmallVector<Value *, 4> v{b.getInt32(0)};
    for (unsigned i : idx)
      v.push_back(b.getInt32(i));
    return b.CreateInBoundsGEP(t, p, v);
  }

  // Writes v (of type t) to p at b's position.
  void write(IRBuilder<> &b, Value *v, Value *p) {
    llvm::Type *t = v->getType();
    if (isLarge(t, dl))
      b.CreateMemCpy(p, align(t), memForm(v), align(t), size(t));
    else
      b.CreateStore(v, p);
  }

  Value *memForm(Value *v) {
    if (auto it = form.find(v); it != form.end())
      return it->second;
    llvm::Type *t = v->getType();
    Value *p = nullptr;
    if (auto *c = dyn_cast<Constant>(v)) {
      auto *gv = new GlobalVariable(*f.getParent(), t, /*isConstant=*/true,
                                    GlobalValue::PrivateLinkage, c, ".aggregate");
      gv->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
      gv->setAlignment(align(t));
      p = gv;
    } else if (auto *ld = dyn_cast<LoadInst>(v); ld && !ld->isVolatile() && !ld->isAtomic()) {
      p = temp(t, ld->getName() + ".mem");
      IRBuilder<> b(ld);
      b.CreateMemCpy(p, align(t), ld->getPointerOperand(), ld->getAlign(), size(t));
      dead.push_back(ld);
    } else if (auto *iv = dyn_cast<InsertValueInst>(v)) {
      Value *base = iv->getAggregateOperand();
      auto *baseIv = dyn_cast<InsertValueInst>(base);
      IRBuilder<> b(iv);
      if (baseIv && baseIv->hasOneUse() && baseIv->getParent() == iv->getParent()) {
        p = memForm(baseIv); // its temporary, which only this insertvalue reads
      } else {
        p = temp(t, iv->getName() + ".mem");
        if (isa<ConstantAggregateZero>(base) || isa<UndefValue>(base))
          b.CreateMemSet(p, b.getInt8(0), size(t), align(t));
        else
          b.CreateMemCpy(p, align(t), memForm(base), align(t), size(t));
      }
      write(b, iv->getInsertedValueOperand(), gepInto(b, t, p, iv->getIndices()));
      dead.push_back(iv);
    } else if (auto *ev = dyn_cast<ExtractValueInst>(v)) {
      Value *agg = memForm(ev->getAggregateOperand());
      IRBuilder<> b(ev);
      p = gepInto(b, ev->getAggregateOperand()->getType(), agg, ev->getIndices());
      dead.push_back(ev);
    } else if (auto *phi = dyn_cast<PHINode>(v)) {
      lowerPhis(phi->getParent());
      return form.lookup(v);
    } else if (auto *sel = dyn_cast<SelectInst>(v)) {
      Value *x = memForm(sel->getTrueValue()), *y = memForm(sel->getFalseValue());
      IRBuilder<> b(sel);
      p = b.CreateSelect(sel->getCondition(), x, y);
      dead.push_back(sel);
    } else {
      // A call's result, an argument: stored once where it is defined.
      p = temp(t, v->getName() + ".mem");
      Instruction *at = isa<Instruction>(v) ? cast<Instruction>(v)->getNextNode()
                                            : &*f.getEntryBlock().getFirstInsertionPt();
      while (isa<PHINode>(at))
        at = at->getNextNode();
      IRBuilder<> b(at);
      b.CreateStore(v, p);
    }
    form[v] = p;
    return p;
  }

  // Gives every large PHI of bb its temporary and fills them at the end of
  // each predecessor (critical edges were split: a predecessor has no
  // other successor, so the copies cannot clobber a value another path
  // still reads). The PHIs of a block take their values in parallel: one
  // whose incoming value is another PHI of bb (a, b = b, a) reads a staged
  // copy, made before any of bb's temporaries is written.
  void lowerPhis(BasicBlock *bb) {
    SmallVector<PHINode *, 4> phis;
    for (PHINode &phi : bb->phis())
      if (isLarge(phi.getType(), dl) && !form.count(&phi)) {
        phis.push_back(&phi);
        form[&phi] = temp(phi.getType(), phi.getName() + ".mem");
      }
    if (phis.empty())
      return;
    SmallVector<BasicBlock *, 4> preds(predecessors(bb));
    for (BasicBlock *pred : preds) {
      SmallVector<std::pair<PHINode *, Value *>, 4> srcs;
      for (PHINode *phi : phis)
        srcs.push_back({phi, memForm(phi->getIncomingValueForBlock(pred))});
      IRBuilder<> b(pred->getTerminator());
      for (auto &[phi, src] : srcs)
        if (auto *in = dyn_cast<PHINode>(phi->getIncomingValueForBlock(pred)); in && in->getParent() == bb) {
          llvm::Type *t = phi->getType();
          AllocaInst *stage = temp(t, phi->getName() + ".stage");
          b.CreateMemCpy(stage, align(t), src, align(t), size(t));
          src = stage;
        }
      for (auto &[phi, src] : srcs) {
        llvm::Type *t = phi->getType();
        b.CreateMemCpy(form[phi], align(t), src, align(t), size(t));
      }
    }
    for (PHINode *phi : phis)
      dead.push_back(phi);
  }

  bool run() {
    // Critical edges into blocks with large PHIs are split first (see
    // lowerPhis).
    SmallVector<BasicBlock *, 8> phiBlocks;
    for (BasicBlock &bb : f)
      for (PHINode &phi : bb.phis())
        if (isLarge(phi.getType(), dl)) {
          phiBlocks.push_back(&bb);
          break;
        }
    for (BasicBlock *bb : phiBlocks) {
      SmallVector<BasicBlock *, 4> preds(predecessors(bb));
      for (BasicBlock *pred : preds)
        if (pred->getTerminator()->getNumSuccessors() > 1)
          SplitEdge(pred, bb);
    }
    SmallVector<Instruction *, 32> uses;
    for (BasicBlock &bb : f)
      for (Instruction &i : bb) {
        if (auto *st = dyn_cast<StoreInst>(&i)) {
          if (!st->isVolatile() && !st->isAtomic() && isLarge(st->getValueOperand()->getType(), dl))
            uses.push_back(st);
        } else if (auto *ev = dyn_cast<ExtractValueInst>(&i)) {
          if (isLarge(ev->getAggregateOperand()->getType(), dl) && !isLarge(ev->getType(), dl))
            uses.push_back(ev);
        } else if (auto *ld = dyn_cast<LoadInst>(&i)) {
          // `_ = x`: a load nothing reads.
          if (ld->use_empty() && !ld->isVolatile() && !ld->isAtomic() && isLarge(ld->getType(), dl))
            dead.push_back(ld);
        }
      }
    if (uses.empty() && dead.empty())
      return false;
    for (Instruction *u : uses) {
      if (auto *st = dyn_cast<StoreInst>(u)) {
        Value *v = st->getValueOperand();
        llvm::Type *t = v->getType();
        IRBuilder<> b(st);
        if (isa<ConstantAggregateZero>(v))
          b.CreateMemSet(st->getPointerOperand(), b.getInt8(0), size(t), st->getAlign());
        else
          b.CreateMemCpy(st->getPointerOperand(), st->getAlign(), memForm(v), align(t), size(t));
        st->eraseFromParent();
        continue;
      }
      auto *ev = cast<ExtractValueInst>(u);
      Value *agg = memForm(ev->getAggregateOperand());
      IRBuilder<> b(ev);
      Value *p = gepInto(b, ev->getAggregateOperand()->getType(), agg, ev->getIndices());
      LoadInst *ld = b.CreateLoad(ev->getType(), p, ev->getName());
      ev->replaceAllUsesWith(ld);
      ev->eraseFromParent();
    }
    // Delete the aggregate instructions nothing reads any more (an
    // instruction some other user still needs stays, with its operands).
    for (bool again = true; again;) {
      again = false;
      for (Instruction *&i : dead)
        if (i && i->use_empty()) {
          i->eraseFromParent();
          i = nullptr;
          again = true;
        }
    }
    return true;
  }
};

} // namespace

void lowerLargeAggregateCopies(Module &m) {
  for (Function &f : m)
    if (!f.isDeclaration())
      Lowering(f, m.getDataLayout()).run();
}

} // namespace glc
