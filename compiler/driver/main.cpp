//===- main.cpp - the glc driver -------------------------------------------===//
//
// The pipeline reads top-down:
//   load the packages (Loader.cpp: find, read, parse, order) -> checkPackage
//   on each, dependencies first -> for build/run with imports: each
//   imported package's object from the cache (Cache.cpp) or lowered alone
//   (IRGenOptions::only) -> generateIR of package main (or of the whole
//   program) -> verify (debug builds, --verify-ir) -> optimise (new pass
//   manager) -> emit (.ll / .s / object through TargetMachine) -> ld -r of
//   main's and the packages' objects -> the line table -> link with
//   clang-19 against libglrt.a -> for `run`, execute the program and
//   remove it.
//
// Command lines (a package is one directory, or .gl/.go files of one
// package; Loader.cpp describes imports, go.mod and stdlib/):
//   glc build file.gl... | dir [-o out]  (default out: the file's stem or
//                                      the directory's name, in .)
//   glc run file.gl... | dir [args...]  (exit status = the program's; a
//                                      signal N gives 128+N)
//   glc -S file.gl [-o out.s]         glc -emit-llvm file.gl [-o out.ll]
//   -O0 / -O2 (default), --verify-ir, -o - writes .s/.ll to stdout,
//   -no-split-stack (omit the segmented-stack prologues: inspection only),
//   -race (the data-race detector: Race.cpp).
//   -w (no DWARF in the executable), -s (no symbol table and no DWARF): go's
//   -ldflags=-w / -s; tracebacks keep file:line either way (LineTable.cpp).
// Everything after the source files (or directory) of `glc run` belongs to the program and
// is never parsed as a glc option.
//
// Exit status of glc itself: 0 ok, 1 the program was rejected (diagnostics
// printed) or a file could not be read/written, 3 internal compiler error
// (invalid IR, a crash, an LLVM fatal error: never a raw crash).
//
// Building or running a program that imports packages compiles each
// imported package alone into the object cache (Cache.cpp: $GLCCACHE,
// else $XDG_CACHE_HOME/glc or ~/.cache/glc; GLCCACHE=off compiles the
// whole program as one module; GLC_DEBUG_CACHE=1 prints each package's
// hit/miss/corrupt; `glc clean -cache` empties it); -S and -emit-llvm
// always lower the whole program. GLC_DEBUG_TIME=1 prints each phase's time.
//
// Environment: GLC_CC overrides the link driver (default: the clang-19
// found by CMake, GLC_LINKER); GLC_RUNTIME overrides the runtime library
// (default <dir of glc>/../lib/libglrt.a; with -race GLC_RACE_RUNTIME,
// default libglrt_race.a beside it); GLC_STDLIB overrides the stdlib
// root (default <dir of glc>/../lib/glc/stdlib); GLC_VERIFY_IR=1 turns on
// --verify-ir (for test runs of release builds).
//===----------------------------------------------------------------------===//
#include "Cache.h"
#include "LineTable.h"
#include "basic/Diagnostics.h"
#include "driver/Loader.h"
#include "driver/Race.h"
#include "driver/AggregateCopy.h"
#include "driver/StackAlloc.h"
#include "irgen/IRGen.h"
#include "parse/Parser.h"
#include "sema/Checker.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Triple.h"

#include <cstdlib>
#include <pthread.h>
#include <set>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef GLC_LINKER
#define GLC_LINKER "clang-19"
#endif

using namespace llvm;

namespace {

cl::OptionCategory glcCat("glc options");
cl::list<std::string> positionals(cl::Positional, cl::desc("build|run <file.gl> [args...]"),
                                  cl::cat(glcCat));
cl::opt<std::string> outputFile("o", cl::desc("Output file (- for stdout with -S/-emit-llvm)"),
                                cl::value_desc("file"), cl::cat(glcCat));
cl::opt<bool> emitAsm("S", cl::desc("Emit assembly"), cl::cat(glcCat));
cl::opt<bool> emitLLVM("emit-llvm", cl::desc("Emit LLVM IR"), cl::cat(glcCat));
cl::opt<unsigned> optLevel("O", cl::Prefix, cl::desc("Optimisation level (0 or 2)"), cl::init(2),
                           cl::cat(glcCat));
#ifndef NDEBUG
constexpr bool kVerifyDefault = true;
#else
constexpr bool kVerifyDefault = false;
#endif
cl::opt<bool> verifyIR("verify-ir", cl::desc("Run the IR verifier"), cl::init(kVerifyDefault),
                       cl::cat(glcCat));
// Testing the crash path: crash on purpose after reading the options.
cl::opt<bool> crashForTest("glc-crash-for-test", cl::Hidden, cl::init(false));
// Segmented stacks are the default (every goroutine, main's included,
// runs on a small first segment). -no-split-stack omits the prologues, for
// reading code only: a program built so cannot grow its stacks and
// overruns its first segment. -split-stack is accepted for old scripts.
cl::opt<bool> noSplitStack("no-split-stack",
                           cl::desc("Omit split-stack prologues (programs cannot grow stacks)"),
                           cl::init(false), cl::cat(glcCat));
cl::opt<bool> splitStackCompat("split-stack", cl::Hidden, cl::init(false));
cl::opt<bool> raceFlag("race", cl::desc("Enable data race detection (ThreadSanitizer)"),
                       cl::init(false), cl::cat(glcCat));
// Debug information (compiler/irgen/IRGenDebug.cpp) is on by default, as
// in go. These are go's linker flags -w and -s: the traceback table
// (__glc_linetab, LineTable.cpp) is built from the object's line table
// before the link strips DWARF, so panics still print file:line.
cl::opt<bool> stripDWARF("w", cl::desc("Omit DWARF debug information (like go's -ldflags=-w)"),
                         cl::init(false), cl::cat(glcCat));
cl::opt<bool> stripAll("s",
                       cl::desc("Omit the symbol table and DWARF (like go's -ldflags=-s); "
                                "tracebacks keep file:line"),
                       cl::init(false), cl::cat(glcCat));
// No debug metadata at all (then tracebacks print ?:0): only to measure
// what debug information costs (README, "Debugging").
cl::opt<bool> noDebugInfo("no-debug-info", cl::Hidden, cl::init(false));

/// GLC_DEBUG_TIME=1: each phase's wall and CPU milliseconds on stderr
/// (the link step's CPU is the child's, counted in its wall time only).
struct PhaseTimer {
  bool on = [] {
    const char *e = getenv("GLC_DEBUG_TIME");
    return e && *e && StringRef(e) != "0";
  }();
  double wall0 = wallNow(), cpu0 = cpuNow();
  static double wallNow() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
  }
  static double cpuNow() {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
  }
  void mark(const char *phase) {
    if (!on)
      return;
    double w = wallNow(), c = cpuNow();
    errs() << "glc: time " << phase << ": " << format("%.1f", w - wall0) << " ms wall, "
           << format("%.1f", c - cpu0) << " ms cpu\n";
    wall0 = w;
    cpu0 = c;
  }
};
PhaseTimer phaseTimer;

[[noreturn]] void internalError(const Twine &msg) {
  errs() << "glc: internal compiler error: " << msg << "\n";
  errs().flush();
  _exit(3);
}

void crashHandler(void *) {
  static const char msg[] = "glc: internal compiler error\n";
  ssize_t r = write(2, msg, sizeof msg - 1);
  (void)r;
  _exit(3);
}

void fatalHandler(void *, const char *reason, bool) { internalError(reason); }

bool isSourceFile(StringRef s) { return s.ends_with(".gl") || s.ends_with(".go"); }

std::string errnoText(std::error_code ec) {
  if (ec == std::errc::no_such_file_or_directory)
    return "no such file or directory";
  if (ec == std::errc::permission_denied)
    return "permission denied";
  if (ec == std::errc::is_a_directory)
    return "is a directory";
  std::string m = ec.message();
  if (!m.empty())
    m[0] = (char)tolower((unsigned char)m[0]);
  return m;
}

std::string mainExecutable() {
  static int anchor;
  return sys::fs::getMainExecutable("glc", (void *)&anchor);
}

std::string runtimeLibrary() {
  if (const char *e = getenv(raceFlag ? "GLC_RACE_RUNTIME" : "GLC_RUNTIME"); e && *e)
    return e;
  SmallString<256> p(sys::path::parent_path(mainExecutable()));
  sys::path::append(p, "..", "lib", raceFlag ? "libglrt_race.a" : "libglrt.a");
  SmallString<256> real;
  if (!sys::fs::real_path(p, real))
    return std::string(real);
  return std::string(p);
}

std::string linker() {
  if (const char *e = getenv("GLC_CC"); e && *e)
    return e;
  return GLC_LINKER;
}

std::unique_ptr<TargetMachine> makeTargetMachine(const Triple &triple) {
  std::string err;
  const Target *target = TargetRegistry::lookupTarget(triple.str(), err);
  if (!target)
    internalError("no target for " + triple.str() + ": " + err);
  TargetOptions to;
  auto level = optLevel == 0 ? CodeGenOptLevel::None : CodeGenOptLevel::Default;
  return std::unique_ptr<TargetMachine>(target->createTargetMachine(
      triple.str(), "x86-64", "", to, Reloc::PIC_, std::nullopt, level));
}

/// The optimizer may create functions irgen never saw: clones made by
/// function specialization ("main.get.specialized.1") or split-off parts.
/// They live in gl_text too, and a traceback that meets one of their PCs
/// must still name the Go function. Rebuilds __glc_functab (irgen's
/// entries, plus every other defined gl_text function under its source
/// name: the symbol up to the first '.' suffix LLVM appends after the Go
/// name, i.e. ".specialized", ".cold", ".llvm"...).
void completeFunctab(Module &m) {
  // A package's module under separate compilation has an internal table
  // in section gl_functab and no length (IRGen.cpp's genFunctab).
  GlobalVariable *tab = m.getGlobalVariable("__glc_functab", /*AllowInternal=*/true);
  GlobalVariable *len = m.getGlobalVariable("__glc_functab_len");
  if (!tab || (!len && !tab->hasLocalLinkage()) || !tab->hasInitializer())
    return;
  auto *init = dyn_cast<ConstantArray>(tab->getInitializer());
  if (!init && !isa<ConstantAggregateZero>(tab->getInitializer()))
    return;
  std::vector<Constant *> entries;
  llvm::SmallPtrSet<const Value *, 32> known;
  auto *entryTy = init ? cast<StructType>(init->getType()->getElementType()) : nullptr;
  if (init)
    for (Use &u : init->operands()) {
      auto *e = cast<Constant>(u.get());
      entries.push_back(e);
      known.insert(e->getOperand(0)->stripPointerCasts());
    }
  LLVMContext &C = m.getContext();
  Type *ptrTy = PointerType::getUnqual(C);
  if (!entryTy)
    entryTy = StructType::get(C, {ptrTy, ptrTy});
  static const char *const suffixes[] = {".specialized.", ".cold", ".llvm.", ".part."};
  bool added = false;
  for (Function &fn : m) {
    if (fn.isDeclaration() || fn.getSection() != "gl_text" || known.count(&fn))
      continue;
    StringRef name = fn.getName();
    for (const char *sfx : suffixes) {
      size_t at = name.find(sfx);
      if (at != StringRef::npos)
        name = name.take_front(at);
    }
    auto *str = ConstantDataArray::getString(C, name, /*AddNull=*/true);
    auto *gv = new GlobalVariable(m, str->getType(), true, GlobalValue::PrivateLinkage, str,
                                  ".fname");
    gv->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
    entries.push_back(ConstantStruct::get(entryTy, {&fn, gv}));
    added = true;
  }
  if (!added)
    return;
  auto *arrTy = ArrayType::get(entryTy, entries.size());
  auto *ntab = new GlobalVariable(m, arrTy, true, tab->getLinkage(),
                                  ConstantArray::get(arrTy, entries), "");
  ntab->takeName(tab);
  ntab->setSection(tab->getSection());
  ntab->setAlignment(tab->getAlign());
  tab->replaceAllUsesWith(ntab); // llvm.compiler.used keeps a section table
  tab->eraseFromParent();
  if (len)
    len->setInitializer(ConstantInt::get(len->getValueType(), entries.size()));
}

void optimise(Module &m, TargetMachine &tm) {
  glc::lowerLargeAggregateCopies(m); // AggregateCopy.cpp: before any pass splits them
  LoopAnalysisManager lam;
  FunctionAnalysisManager fam;
  CGSCCAnalysisManager cgam;
  ModuleAnalysisManager mam;
  PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  glc::addStackAlloc(pb); // before TSan: it instruments the moved objects' slots
  if (raceFlag)
    glc::addRaceInstrumentation(m, pb);
  ModulePassManager mpm = optLevel == 0
                              ? pb.buildO0DefaultPipeline(OptimizationLevel::O0)
                              : pb.buildPerModuleDefaultPipeline(OptimizationLevel::O2);
  mpm.run(m, mam);
  glc::finishPanicStubs(m); // irgen/IRGen.cpp: keepTracebackFrames
  completeFunctab(m);
}

/// Write .ll, .s or .o. Returns false after printing an error.
bool emit(Module &m, TargetMachine &tm, StringRef path, bool asLL, CodeGenFileType kind) {
  std::error_code ec;
  auto out = std::make_unique<ToolOutputFile>(path, ec, sys::fs::OF_None);
  if (ec) {
    errs() << "glc: open " << path << ": " << errnoText(ec) << "\n";
    return false;
  }
  if (asLL) {
    m.print(out->os(), nullptr);
  } else {
    legacy::PassManager pm;
    if (tm.addPassesToEmitFile(pm, out->os(), nullptr, kind))
      internalError("the target cannot emit this file type");
    pm.run(m);
  }
  out->keep();
  return true;
}

/// Object code for `m` in memory (a package's object, for the cache).
bool emitObject(Module &m, TargetMachine &tm, SmallVectorImpl<char> &out) {
  raw_svector_ostream os(out);
  legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, os, nullptr, CodeGenFileType::ObjectFile))
    internalError("the target cannot emit this file type");
  pm.run(m);
  return true;
}

/// Everything besides a package's sources that changes its object
/// (Cache.cpp): glc itself (version; its executable's size and mtime, so a
/// rebuilt glc never reuses an older one's objects) and the flags that
/// change code generation.
std::string cacheSalt(const glc::IRGenOptions &o) {
  std::string s = "glc " GLC_VERSION " LLVM " GLC_LLVM_VERSION;
  sys::fs::file_status st;
  if (!sys::fs::status(mainExecutable(), st))
    s += " exe " + std::to_string(st.getSize()) + " " +
         std::to_string(st.getLastModificationTime().time_since_epoch().count());
  s += " -O" + std::to_string((unsigned)optLevel);
  s += raceFlag ? " -race" : "";
  s += " debug=" + std::to_string((int)o.debug);
  s += o.splitStack ? " split-stack" : " no-split-stack";
  s += " x86_64-pc-linux-gnu x86-64 pic";
  return s;
}

/// One relocatable object of `inputs`, in that order (`ld -r`). The
/// system's ld is run directly when there is one: through the clang driver
/// the step costs ~0.2 s of CPU (loading clang), ld itself ~0.02 s.
int linkRelocatable(const std::vector<std::string> &inputs, StringRef out) {
  std::string cc = linker();
  bool direct = !getenv("GLC_CC");
  auto prog = direct ? sys::findProgramByName("ld") : sys::findProgramByName(cc);
  if (!prog) {
    direct = false;
    prog = sys::findProgramByName(cc);
  }
  if (!prog) {
    errs() << "glc: link driver " << cc << " not found\n";
    return 1;
  }
  std::vector<StringRef> args{*prog, "-r", "-o", out};
  if (!direct)
    args.push_back("-nostdlib");
  for (const std::string &in : inputs)
    args.push_back(in);
  std::string err;
  int rc = sys::ExecuteAndWait(*prog, args, std::nullopt, {}, 0, 0, &err);
  if (rc != 0) {
    errs() << "glc: link failed" << (err.empty() ? "" : ": " + err) << "\n";
    return 1;
  }
  return 0;
}

int link(StringRef obj, StringRef exe) {
  std::string cc = linker();
  std::string rt = runtimeLibrary();
  auto prog = sys::findProgramByName(cc);
  if (!prog) {
    errs() << "glc: link driver " << cc << " not found\n";
    return 1;
  }
  // Never -fsplit-stack here: that would link libgcc's __morestack, and
  // glrt's own (runtime/arch/amd64/morestack_amd64.S) must be the one.
  // -z now: resolve every libc symbol at start-up. With lazy binding the
  // first call through a PLT entry (memset, memmove from generated code;
  // libc from glrt) runs the dynamic linker's resolver on the caller's
  // stack, ~1.6 KB with its xsave area: far beyond the 800-byte reserve a
  // goroutine segment keeps below its limit (runtime/stack.h).
  // The traceback table (LineTable.cpp), assembled by the link driver.
  SmallString<128> table;
  if (auto ec = sys::fs::createTemporaryFile("glc-linetab", "s", table)) {
    errs() << "glc: cannot create a temporary file: " << ec.message() << "\n";
    return 1;
  }
  FileRemover tableRemover(table);
  {
    std::error_code ec;
    raw_fd_ostream os(table, ec);
    std::string err;
    if (ec || !glc::writeLineTable(obj, os, err))
      internalError("line table: " + (ec ? ec.message() : err));
  }
  phaseTimer.mark("linetab");
  std::vector<StringRef> args{*prog, obj, table, rt, "-o", exe, "-lpthread", "-lm", "-Wl,-z,now"};
  if (raceFlag) // clang-19's TSan runtime
    for (const char *f : glc::raceLinkFlags())
      args.push_back(f);
  if (stripAll)
    args.push_back("-Wl,--strip-all");
  else if (stripDWARF)
    args.push_back("-Wl,--strip-debug");
  std::string err;
  int rc = sys::ExecuteAndWait(*prog, args, std::nullopt, {}, 0, 0, &err);
  phaseTimer.mark("link");
  if (rc != 0) {
    errs() << "glc: link failed" << (err.empty() ? "" : ": " + err) << "\n";
    return 1;
  }
  return 0;
}

/// Run `exe` with `args`; return its exit status, or 128+signal.
int runProgram(const std::string &exe, const std::vector<std::string> &args,
               const std::string &argv0) {
  std::vector<char *> argv;
  argv.push_back(const_cast<char *>(argv0.c_str()));
  for (auto &a : args)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  outs().flush();
  errs().flush();
  pid_t pid = fork();
  if (pid < 0) {
    errs() << "glc: fork failed\n";
    return 1;
  }
  if (pid == 0) {
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return 1;
  }
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return 1;
}

/// The whole compiler (parse, sema, irgen, LLVM's passes and code
/// generation) recurses over expression trees, and Go accepts long
/// left-to-right chains: `x + x + ... + x` with 100,000 terms is a tree
/// 100,000 deep (gc compiles it). The 8 MB main-thread stack overflows near
/// 11,600 terms, so glcMain runs on a thread whose stack is reserved at
/// kCompilerStack and committed page by page as it is touched. The parser
/// bounds tree height (parse/ParserImpl.h, kMaxHeight) so that every phase
/// fits in this stack; past the bound the program is rejected with a
/// diagnostic instead of overflowing.
constexpr size_t kCompilerStack = size_t(1) << 30; // 1 GiB reserved, lazily committed

struct CompilerThread {
  int argc;
  char **argv;
  int (*fn)(int, char **);
  int status = 0;
};

void *compilerThreadMain(void *arg) {
  auto *ct = static_cast<CompilerThread *>(arg);
  ct->status = ct->fn(ct->argc, ct->argv);
  return nullptr;
}

/// Runs fn(argc, argv) on a thread with a kCompilerStack stack and returns
/// its result. The stack is an anonymous MAP_NORESERVE mapping: untouched
/// pages cost neither memory nor commit charge. Its lowest page stays
/// PROT_NONE as a guard, so an overflow is a SIGSEGV that LLVM's handler
/// reports as an internal compiler error (it runs on the alternate signal
/// stack InitLLVM installs for the thread that calls it: glcMain's).
/// If the stack cannot be had, fn runs on the main thread.
int runOnLargeStack(int (*fn)(int, char **), int argc, char **argv) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  void *mem = mmap(nullptr, kCompilerStack, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (mem == MAP_FAILED)
    return fn(argc, argv);
  mprotect(mem, page, PROT_NONE);
  CompilerThread ct{argc, argv, fn};
  pthread_attr_t attr;
  pthread_t th;
  bool started = pthread_attr_init(&attr) == 0 &&
                 pthread_attr_setstack(&attr, mem, kCompilerStack) == 0 &&
                 pthread_create(&th, &attr, compilerThreadMain, &ct) == 0;
  pthread_attr_destroy(&attr);
  if (!started) {
    munmap(mem, kCompilerStack);
    return fn(argc, argv);
  }
  pthread_join(th, nullptr);
  munmap(mem, kCompilerStack);
  return ct.status;
}

} // namespace

static void printVersion(raw_ostream &os) {
  os << "glc version " GLC_VERSION " linux/amd64 (LLVM " GLC_LLVM_VERSION ")\n";
}

static int glcMain(int argc, char **argv);
int runToolCommand(int argc, char **argv); // Tools.cpp: glc trace, glc explore

int main(int argc, char **argv) {
  if (int rc = runToolCommand(argc, argv); rc >= 0)
    return rc;
  return runOnLargeStack(glcMain, argc, argv);
}

static int glcMain(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  setBugReportMsg("glc: internal compiler error; LLVM's stack dump follows:\n");
  sys::AddSignalHandler(crashHandler, nullptr);
  install_fatal_error_handler(fatalHandler, nullptr);

  // `glc run file.gl args...`: everything after the source file belongs to
  // the program, so only the part before it goes to llvm::cl.
  std::vector<const char *> glcArgs;
  std::vector<std::string> programArgs;
  bool seenSource = false;
  bool isRun = false; // the first non-option word is the action
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-') {
      if (StringRef(argv[i]) == "-o")
        ++i;
      continue;
    }
    isRun = StringRef(argv[i]) == "run";
    break;
  }
  if (const char *v = getenv("GLC_VERIFY_IR"); v && *v && StringRef(v) != "0")
    verifyIR = true;
  // `glc run a.gl b.gl args...` / `glc run ./dir args...`: the sources are
  // the .gl/.go words right after `run`, or one directory.
  bool seenAction = false;
  for (int i = 0; i < argc; ++i) {
    if (seenSource && isRun) {
      programArgs.push_back(argv[i]);
      continue;
    }
    glcArgs.push_back(argv[i]);
    if (i == 0 || argv[i][0] == '-' || (i > 1 && StringRef(argv[i - 1]) == "-o"))
      continue;
    if (!seenAction) {
      seenAction = true;
      if (isRun)
        continue;
    }
    bool src = isSourceFile(argv[i]);
    bool nextSrc = i + 1 < argc && isSourceFile(argv[i + 1]);
    if (!src || !nextSrc)
      seenSource = true; // a directory, or the last of the files
  }
  cl::HideUnrelatedOptions(glcCat);
  // `glc --version` and `glc version` print glc's version (as `go version`
  // does), not LLVM's.
  cl::SetVersionPrinter([](raw_ostream &os) { printVersion(os); });
  const char *overview = "glc: the GL compiler\n\n"
                         "  glc build file.gl [-o out]\n"
                         "  glc run file.gl [args...]\n"
                         "  glc trace TRACE.json [-o OUT.html|OUT.svg]\n"
                         "  glc explore file.gl [-n 1000] [-p 1] [--trace]\n"
                         "  glc -S|-emit-llvm file.gl [-o out]\n"
                         "  glc clean -cache\n"
                         "  glc help | glc version\n";
  // `glc clean -cache` (go clean -cache): removes the object cache.
  if (argc >= 2 && StringRef(argv[1]) == "clean") {
    if (argc != 3 || StringRef(argv[2]) != "-cache") {
      errs() << "usage: glc clean -cache\n";
      return 1;
    }
    std::string err, dir = glc::ObjectCache::defaultDir();
    if (!glc::ObjectCache::clean(dir, err)) {
      errs() << "glc: clean " << dir << ": " << err << "\n";
      return 1;
    }
    return 0;
  }
  // `glc help` and `glc version` are commands, not file names.
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-')
      continue;
    StringRef word(argv[i]);
    if (word == "help" || word == "version") {
      const char *self[] = {argv[0]};
      cl::ParseCommandLineOptions(1, self, overview);
      if (word == "help")
        cl::PrintHelpMessage(); // exits 0
      printVersion(outs());
      return 0;
    }
    break;
  }
  if (!cl::ParseCommandLineOptions((int)glcArgs.size(), glcArgs.data(), overview))
    return 1;

  if (crashForTest) {
    volatile int *p = nullptr;
    *p = 1; // must end as "glc: internal compiler error", exit 3
  }

  enum { Build, Run, Asm, LL } action = Build;
  std::vector<std::string> pos(positionals.begin(), positionals.end());
  if (!pos.empty() && (pos[0] == "build" || pos[0] == "run")) {
    action = pos[0] == "run" ? Run : Build;
    pos.erase(pos.begin());
  }
  if (emitLLVM)
    action = LL;
  else if (emitAsm)
    action = Asm;
  if (pos.empty()) {
    errs() << "usage: glc build|run file.gl... | dir [-o out] | glc -S|-emit-llvm file.gl [-o out]\n";
    return 1;
  }
  if (optLevel != 0 && optLevel != 1 && optLevel != 2 && optLevel != 3) {
    errs() << "glc: unknown optimisation level -O" << optLevel << "\n";
    return 1;
  }
  std::string srcPath = pos[0];

  // ---- load (find, parse every package), check package by package
  SourceMgr sm;
  glc::DiagEngine diags(sm);
  glc::ASTContext astCtx;
  glc::Loader loader(sm, astCtx, diags, glc::Loader::defaultStdlibRoot(mainExecutable()));
  if (!loader.load(pos)) {
    diags.flush();
    return 1;
  }
  phaseTimer.mark("load");
  glc::TypeContext types;
  for (glc::Package *pkg : loader.order) {
    if (!glc::checkPackage(pkg, types, diags) || diags.hasErrors()) {
      diags.flush();
      return 1;
    }
  }
  phaseTimer.mark("check");

  // ---- irgen
  LLVMInitializeX86TargetInfo();
  LLVMInitializeX86Target();
  LLVMInitializeX86TargetMC();
  LLVMInitializeX86AsmPrinter();
  LLVMInitializeX86AsmParser();
  Triple triple("x86_64-pc-linux-gnu");
  auto tm = makeTargetMachine(triple);
  glc::IRGenOptions irOpts;
  irOpts.splitStack = !noSplitStack;
  irOpts.inlining = optLevel != 0;
  irOpts.debug = noDebugInfo                ? glc::IRGenOptions::Debug::None
                 : stripDWARF || stripAll ? glc::IRGenOptions::Debug::LineTables
                                          : glc::IRGenOptions::Debug::Full;
  // Lowers `pkgs` (with irOpts.only: one of them) into `llctx`, verifies
  // and optimises; null after reporting (status in `rc`).
  int rc = 0;
  auto lower = [&](const std::vector<glc::Package *> &pkgs, glc::Package *only,
                   LLVMContext &llctx) -> std::unique_ptr<Module> {
    glc::IRGenOptions o = irOpts;
    o.only = only;
    auto m = glc::generateIR(pkgs, types, diags, llctx, tm->createDataLayout(), triple.str(), o);
    if (!m || diags.hasErrors()) {
      diags.flush();
      rc = 1;
      return nullptr;
    }
    if (verifyIR) {
      std::string msg;
      raw_string_ostream os(msg);
      if (verifyModule(*m, &os)) {
        errs() << "glc: internal compiler error: invalid IR\n" << os.str();
        rc = 3;
        return nullptr;
      }
    }
    optimise(*m, *tm);
    return m;
  };

  // ---- imported packages: one object each, from the cache (Cache.cpp)
  // or compiled and stored there; package main alone is lowered below.
  std::vector<std::string> pkgObjects;
  std::vector<std::unique_ptr<FileRemover>> pkgTemps; // when the cache is read-only
  glc::Package *only = nullptr;
  if ((action == Build || action == Run) && loader.order.size() > 1) {
    glc::ObjectCache cache(glc::ObjectCache::defaultDir(), cacheSalt(irOpts));
    if (cache.usable()) {
      only = loader.order.back();
      for (size_t i = 0; i + 1 < loader.order.size(); ++i) {
        glc::Package *pkg = loader.order[i];
        const std::string &key = cache.key(pkg, sm);
        bool corrupt = false;
        std::string path = cache.lookup(key, corrupt);
        if (glc::debugCache())
          errs() << "glc: cache " << (!path.empty() ? "hit" : corrupt ? "corrupt" : "miss") << " "
                 << pkg->path << "\n";
        if (path.empty()) {
          // The package and what it imports, in initialisation order.
          std::set<glc::Package *> need{pkg};
          for (size_t j = i + 1; j-- > 0;)
            if (need.count(loader.order[j]))
              need.insert(loader.order[j]->imports.begin(), loader.order[j]->imports.end());
          std::vector<glc::Package *> pkgs;
          for (size_t j = 0; j <= i; ++j)
            if (need.count(loader.order[j]))
              pkgs.push_back(loader.order[j]);
          LLVMContext ctx;
          auto m = lower(pkgs, pkg, ctx);
          if (!m)
            return rc;
          SmallVector<char, 0> bytes;
          if (!emitObject(*m, *tm, bytes))
            return 1;
          std::string err;
          path = cache.store(key, StringRef(bytes.data(), bytes.size()), err);
          if (path.empty()) {
            // An unwritable cache still builds: the object goes to a temporary file.
            SmallString<128> tmp;
            if (auto ec = sys::fs::createTemporaryFile("glc-pkg", "o", tmp)) {
              errs() << "glc: cannot create a temporary file: " << ec.message() << "\n";
              return 1;
            }
            pkgTemps.push_back(std::make_unique<FileRemover>(tmp));
            std::error_code ec;
            raw_fd_ostream os(tmp, ec);
            os << StringRef(bytes.data(), bytes.size());
            path = std::string(tmp);
          }
        }
        pkgObjects.push_back(path);
      }
      // Go's rule (Cache.cpp): at most once a day, drop the entries unused
      // for 5 days. After the lookups, so this build's entries are fresh.
      cache.trim(glc::ObjectCache::now());
      phaseTimer.mark("packages");
    }
  }

  // ---- package main (or the whole program without a cache)
  LLVMContext llctx;
  auto mod = lower(loader.order, only, llctx);
  if (!mod)
    return rc;
  phaseTimer.mark("irgen+optimise");
  // The executable's default name: the file's stem, or the directory's
  // name (as go build names it after the package's directory).
  std::string stemStr = sys::path::stem(srcPath).str();
  if (sys::fs::is_directory(srcPath)) {
    SmallString<256> real;
    if (!sys::fs::real_path(srcPath, real))
      stemStr = sys::path::filename(real).str();
  }
  StringRef stem = stemStr;
  if (action == LL || action == Asm) {
    std::string out = outputFile.empty() ? (stem + (action == LL ? ".ll" : ".s")).str()
                                         : std::string(outputFile);
    return emit(*mod, *tm, out, action == LL, CodeGenFileType::AssemblyFile) ? 0 : 1;
  }

  SmallString<128> obj;
  if (auto ec = sys::fs::createTemporaryFile("glc", "o", obj)) {
    errs() << "glc: cannot create a temporary file: " << ec.message() << "\n";
    return 1;
  }
  FileRemover objRemover(obj);
  if (!emit(*mod, *tm, obj, false, CodeGenFileType::ObjectFile))
    return 1;
  phaseTimer.mark("codegen");

  // Package main's object first: its gl_text padding and __glc_text_base
  // open the section (IRGen.cpp, LineTable.cpp). With package objects, one
  // relocatable object of all of them (ld -r) is what the line table is
  // read from and what is linked, so both see one layout.
  SmallString<128> combined;
  std::unique_ptr<FileRemover> combinedRemover;
  if (!pkgObjects.empty()) {
    if (auto ec = sys::fs::createTemporaryFile("glc-all", "o", combined)) {
      errs() << "glc: cannot create a temporary file: " << ec.message() << "\n";
      return 1;
    }
    combinedRemover = std::make_unique<FileRemover>(combined);
    std::vector<std::string> inputs{std::string(obj)};
    inputs.insert(inputs.end(), pkgObjects.begin(), pkgObjects.end());
    if (int rc = linkRelocatable(inputs, combined))
      return rc;
    phaseTimer.mark("ld -r");
    obj = combined;
  }

  if (action == Build) {
    std::string exe = outputFile.empty() ? stem.str() : std::string(outputFile);
    // The linker replaces its output file; never let it replace a device
    // such as /dev/null: link to a temporary and copy into it instead.
    sys::fs::file_status st;
    if (!sys::fs::status(exe, st) && sys::fs::exists(st) && !sys::fs::is_regular_file(st)) {
      SmallString<128> tmp;
      if (auto ec = sys::fs::createTemporaryFile("glc-out", "", tmp)) {
        errs() << "glc: cannot create a temporary file: " << ec.message() << "\n";
        return 1;
      }
      FileRemover tmpRemover(tmp);
      if (int rc = link(obj, tmp))
        return rc;
      if (auto ec = sys::fs::copy_file(tmp, exe)) {
        errs() << "glc: write " << exe << ": " << errnoText(ec) << "\n";
        return 1;
      }
      return 0;
    }
    return link(obj, exe);
  }

  // ---- run
  SmallString<128> exe;
  if (auto ec = sys::fs::createTemporaryFile("glc-run", "", exe)) {
    errs() << "glc: cannot create a temporary file: " << ec.message() << "\n";
    return 1;
  }
  FileRemover exeRemover(exe);
  if (int rc = link(obj, exe))
    return rc;
  objRemover.releaseFile();
  sys::fs::remove(obj);
  combinedRemover.reset();
  pkgTemps.clear();
  return runProgram(std::string(exe), programArgs, std::string(exe));
}
