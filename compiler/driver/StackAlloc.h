//===- StackAlloc.h - heap objects that do not escape move to the frame --===//
#pragma once

#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"

namespace glc {
/// Replaces glrt_newobject / glrt_mallocgc calls whose result LLVM proves
/// is never captured with a zeroed slot in the caller's frame (see
/// StackAlloc.cpp for the rules).
struct StackAllocPass : llvm::PassInfoMixin<StackAllocPass> {
  llvm::PreservedAnalyses run(llvm::Function &f, llvm::FunctionAnalysisManager &am);
};
/// Registers StackAllocPass (and the cleanups it enables) at the end of the
/// optimisation pipeline, before anything registered after it (-race's TSan).
void addStackAlloc(llvm::PassBuilder &pb);
} // namespace glc
