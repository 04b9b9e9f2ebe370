//===- Race.h - `glc build -race`: ThreadSanitizer instrumentation -------===//
#pragma once

#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"

#include <vector>

namespace glc {
/// Marks every function glc generated (section gl_text) sanitize_thread and
/// registers LLVM's TSan passes at the end of the optimisation pipeline.
void addRaceInstrumentation(llvm::Module &m, llvm::PassBuilder &pb);
/// The link driver's flags that add clang-19's TSan runtime.
std::vector<const char *> raceLinkFlags();
} // namespace glc
