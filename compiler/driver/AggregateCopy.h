//===- AggregateCopy.h - large aggregate copies as memcpy -----------------===//
#pragma once

#include "llvm/IR/Module.h"

namespace glc {
/// Rewrites first-class loads and stores of arrays and structs over 64
/// bytes into memcpy/memset (see AggregateCopy.cpp). Runs on irgen's
/// module before the optimisation pipeline, at every -O level.
void lowerLargeAggregateCopies(llvm::Module &m);
} // namespace glc
