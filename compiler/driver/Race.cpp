//===- Race.cpp - `glc build -race`: ThreadSanitizer instrumentation -----===//
//
// -race, as `go build -race`: generated code is instrumented by LLVM's
// ThreadSanitizer pass (every load and store of memory that may be shared,
// __tsan_func_entry/exit for report stacks; TSan's module constructor
// calls __tsan_init) and linked, by `clang-19 -fsanitize=thread`, with
// clang-19's TSan runtime (libclang_rt.tsan-x86_64.a, Debian's
// libclang-rt-19-dev) and glrt's race variant libglrt_race.a, which tells
// TSan about goroutines (fibers) and Go's happens-before edges
// (runtime/race.h). glrt itself is not instrumented.
//
// The passes run last (OptimizerLastEP), after inlining and the scalar
// optimisations, as clang places them: loads and stores that were promoted
// to registers are not instrumented, and allocas that do not escape are
// skipped by the pass itself. Only functions with sanitize_thread are
// instrumented: every function glc emitted into gl_text (generated code),
// whatever the optimiser later derives from them inherits the attribute.
//
// Package variables are kept (llvm.compiler.used) so that every access the
// program makes to one reaches the pass. Without that GlobalOpt deletes a
// variable that is only ever stored to, stores and all (and IPSCCP folds one
// stored with a single constant): `go func() { x = 1 }(); ...; x = 2;
// println(x)` printed 2 with no report while go1.19 reports the two writes
// (gc instruments every access as written). A variable that is read
// somewhere kept its stores, so only write-only (or constant-folded)
// variables lost their accesses; the optimiser's other rewrites (a load
// forwarded from a store, a loop's accesses hoisted out of it) keep at
// least one instrumented access of each kind per variable and goroutine.
//===----------------------------------------------------------------------===//
#include "driver/Race.h"

#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"
#include "llvm/Transforms/Instrumentation/ThreadSanitizer.h"

using namespace llvm;

namespace glc {

void addRaceInstrumentation(Module &m, PassBuilder &pb) {
  for (Function &fn : m)
    if (!fn.isDeclaration() && fn.getSection() == "gl_text")
      fn.addFnAttr(Attribute::SanitizeThread);
  // Package variables (IRGenGlobals.cpp: placePackageVar puts them in
  // gl_globals) defined here.
  SmallVector<GlobalValue *, 16> vars;
  for (GlobalVariable &gv : m.globals())
    if (!gv.isDeclaration() && !gv.isConstant() &&
        gv.getAttribute("bss-section").getValueAsString() == "gl_globals")
      vars.push_back(&gv);
  if (!vars.empty())
    appendToCompilerUsed(m, vars);
  pb.registerOptimizerLastEPCallback(
      [](ModulePassManager &mpm, OptimizationLevel) {
        mpm.addPass(ModuleThreadSanitizerPass());
        mpm.addPass(createModuleToFunctionPassAdaptor(ThreadSanitizerPass()));
      });
}

std::vector<const char *> raceLinkFlags() {
  // __tsan_on_finalize (libglrt_race.a: "Found N data race(s)") is looked up
  // by TSan with dlsym, so it must be in the dynamic symbol table.
  return {"-fsanitize=thread", "-Wl,--export-dynamic-symbol=__tsan_on_finalize"};
}

} // namespace glc
