//===- IRGen.h - lower the type-checked GL AST to LLVM IR ------------------===//
//
// irgen turns one type-checked File (every "sema:" annotation filled) into
// an LLVM module. It does not optimise, emit objects or link: the driver
// does that. It reports constructs it cannot lower yet ("not supported by
// glc yet") through the DiagEngine and returns null instead of crashing.
//
// Conventions of the generated code (the runtime and later phases rely on
// them; runtime/abi.def documents the runtime side):
//
//  Layout (named types lower to their underlying type):
//    intN/uintN -> iN (int, uint, uintptr = i64); bool -> i1 in SSA and in
//    memory (i8 only at the runtime boundary: abi.def's I8);
//    float64/float32 -> double/float; string -> {ptr, i64};
//    slice -> {ptr, i64, i64}; array [N]T -> [N x T];
//    func value -> ptr to a closure record whose first word is the code
//    pointer (null = nil func). Multiple results -> an LLVM literal struct.
//
//  Functions: every Go function gets a hidden first parameter `ptr %ctx`
//    (the closure record; top-level functions ignore it), so any function
//    can be called through a func value the same way: load the code
//    pointer from the record, call it with ctx = the record. A top-level
//    function used as a value is the constant global record `main.f·f`
//    = {ptr @main.f}. Calling a nil func value calls glrt_panicmem.
//    Results: void, the single value, or a literal struct of the results.
//
//  Closures: a func literal evaluates to a heap record (glrt_newobject)
//    {code ptr, box1, box2, ...}, one box pointer per FuncInfo::captures
//    entry, in that order. Every variable with Object::captured lives in a
//    heap box allocated when its declaration executes (so a variable
//    declared in a loop body gets a fresh box per iteration; the variables
//    of a for clause are per loop, as in Go 1.19). Other locals are
//    entry-block allocas that mem2reg/SROA promote.
//
//  Names: Go's symbols: main.main, main.f, main.main.func1 (FuncInfo::name),
//    init functions main.init.0, main.init.1, ...; package-level variables
//    are zero-initialised globals main.x. `main.init` runs the package
//    initialisers (File::initOrder) as gc's does; `__glc_main` calls it,
//    then the init functions, then main.main.
//
//  Large values: arrays over 64 bytes are zeroed/copied with memset and
//    memmove (never one SSA load/store); locals over 64 KB live on the
//    heap, as gc moves them; parameters/results over 64 KB are reported
//    as not supported yet.
//
//  Evaluation order: gc's. The calls of an expression run first (left to
//    right, innermost first), then its variables are loaded, so `x + f()`
//    sees the x that f stored (IRGen::hoistCalls).
//
//  Tracebacks: a function that calls anything is noinline and never
//    tail-calls, so every Go frame that can be on a panicking stack is
//    really there; call-free leaves inline, and so do functions whose only
//    calls are to leaves and to the runtime's panics, whose frame a stub
//    keeps on the panicking path (IRGen.cpp: keepTracebackFrames).
//
//  Goroutines: `go f(x, y)` evaluates the func value and the arguments in
//    the caller (gc's order), stores them in a heap block {fv, x, y}
//    (glrt_newobject) and calls glrt_newproc(@runtime.gowrap.N, block);
//    the trampoline runtime.gowrap.N (one per callee LLVM signature)
//    loads them back and calls fv like any func value, so a nil fv
//    panics in the new goroutine as gc's go-wrapper closure does. The
//    runtime package's Gosched/GOMAXPROCS/NumCPU/NumGoroutine call glrt.
//
//  Every generated function lives in section "gl_text" with
//    "frame-pointer"="all"; the module defines __glc_functab and
//    __glc_functab_len (the traceback table described in abi.def).
//
// Invariants of the emitted IR: it passes llvm::verifyModule (every block
// terminated; code after return/panic/break goes into a fresh block that
// has no predecessors), allocas live in the entry block, integer arithmetic
// never carries nsw/nuw (Go integers wrap), and nothing can trap in the
// machine sense except through the runtime's panic entry points (signed
// division by -1 and by zero are guarded explicitly).
//===----------------------------------------------------------------------===//
#ifndef GLC_IRGEN_IRGEN_H
#define GLC_IRGEN_IRGEN_H

#include "basic/Diagnostics.h"
#include "parse/AST.h"
#include "sema/Types.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

#include <memory>

namespace glc {

struct IRGenOptions {
  /// Mark generated functions "split-stack" (needs glrt's __morestack):
  /// every goroutine runs on a segmented stack. On by default; glc's
  /// -no-split-stack turns it off (then goroutines cannot grow their
  /// stacks: only for inspecting code).
  bool splitStack = true;
  /// DWARF (IRGenDebug.cpp): None emits no debug metadata (the default
  /// for library users: unit tests, the fuzzer); LineTables only the
  /// subprograms and the line table (what glc's traceback table is built
  /// from, -w and -s); Full adds types, parameters, locals and lexical
  /// blocks (glc's default, as go's).
  enum class Debug { None, LineTables, Full } debug = Debug::None;
  /// Separate compilation (the driver's per-package object cache): lower
  /// only this package's bodies (one of `pkgs`, which then hold it and
  /// the packages it imports, in initialisation order). Its functions,
  /// methods, exported variables and <pkg>.init get external linkage;
  /// other packages' are external declarations; type descriptors, itabs
  /// and equality functions are link-once as always, and wrappers and
  /// runtime bindings internal copies in each module that needs them.
  /// The functab goes into section gl_functab. Only package main's module
  /// (the root) defines __glc_main and __glc_text_base. Null: the whole
  /// program in one module.
  Package *only = nullptr;
  /// The optimiser will inline (glc -O1 and up): functions whose only
  /// calls are runtime panics get panic stubs so that they may inline
  /// (IRGen.cpp, keepTracebackFrames). Off (-O0): they keep their frame
  /// like every function that calls something.
  bool inlining = true;
};

/// Lower a type-checked file to a new module. Returns null (after reporting
/// through `diags`) if the file uses something irgen cannot lower yet.
/// Sizes depend on the target: the module gets `targetTriple` and a copy of
/// `dataLayout` (irgen sizes types with that copy, so one DataLayout may
/// serve compilations in different LLVMContexts).
/// A whole program: `pkgs` in initialisation order (every package after
/// the packages it imports; package main last), all lowered into one
/// module. Each package's var initialisers are `<path>.init`, run before
/// its init functions `<path>.init.N`; __glc_main runs the packages in
/// order, then main.main.
std::unique_ptr<llvm::Module> generateIR(const std::vector<Package *> &pkgs, TypeContext &types,
                                         DiagEngine &diags, llvm::LLVMContext &llctx,
                                         const llvm::DataLayout &dataLayout,
                                         llvm::StringRef targetTriple,
                                         const IRGenOptions &opts = {});

/// One file of package main (unit tests, the fuzzer); File::initOrder/inits.
std::unique_ptr<llvm::Module> generateIR(File *file, TypeContext &types, DiagEngine &diags,
                                         llvm::LLVMContext &llctx,
                                         const llvm::DataLayout &dataLayout,
                                         llvm::StringRef targetTriple,
                                         const IRGenOptions &opts = {});

/// After the optimiser (and before code generation) of a module from
/// generateIR: the panic stubs of functions that may inline (IRGen.cpp's
/// keepTracebackFrames) -- a stub call inlined into a caller takes the
/// call site's location, one left in its own function calls the runtime
/// directly again.
void finishPanicStubs(llvm::Module &m);

/// The function attribute marking those stubs.
inline constexpr const char *kPanicStubAttr = "glc-panic-stub";

} // namespace glc

#endif // GLC_IRGEN_IRGEN_H
