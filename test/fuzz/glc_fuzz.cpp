//===- glc_fuzz.cpp - libFuzzer target: glc's front end and irgen ----------===//
//
// One input = one source file. The target runs exactly the driver's
// pipeline up to verified IR (compiler/driver/main.cpp): parseFile; stop on
// any error; checkFile; stop on any error; generateIR; stop if it reported
// "not supported"; verifyModule. Optimisation, object emission and linking
// are LLVM's, not glc's, and are left out. Nothing the driver would accept
// is rejected here, and nothing is filtered: every input reaches the lexer.
//
// Diagnostics go to a string sink (DiagEngine renders them, so the
// caret/line code is exercised too, but nothing is printed).
//
// A finding is anything the driver would report as an internal compiler
// error (exit 3) or that would crash it: an ASan/UBSan report, a SEGV
// (null dereference, stack overflow), a fatal LLVM error (the handler below
// turns it into abort()), or IR that fails verifyModule (printed, then
// abort()). The compiler is built from its sources here with assertions on
// (no NDEBUG), so its own assert()s count too.
//
// test/fuzz/run.py builds the seed corpus and runs this binary; `make
// fuzz` and the `fuzz` suite of scripts/run-tests.py call run.py.
//===----------------------------------------------------------------------===//
#include "basic/Diagnostics.h"
#include "irgen/IRGen.h"
#include "parse/Parser.h"
#include "sema/Checker.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Triple.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

using namespace llvm;

namespace {

const char *const kTriple = "x86_64-pc-linux-gnu";
// Built once: the driver's data layout (sizes depend on it).
std::optional<DataLayout> gDataLayout;

void fatalHandler(void *, const char *reason, bool) {
  fprintf(stderr, "glc-fuzz: LLVM fatal error: %s\n", reason);
  abort();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  install_fatal_error_handler(fatalHandler, nullptr);
  LLVMInitializeX86TargetInfo();
  LLVMInitializeX86Target();
  LLVMInitializeX86TargetMC();
  std::string err;
  const Target *target = TargetRegistry::lookupTarget(kTriple, err);
  if (!target) {
    fprintf(stderr, "glc-fuzz: no target for %s: %s\n", kTriple, err.c_str());
    abort();
  }
  std::unique_ptr<TargetMachine> tm(target->createTargetMachine(
      kTriple, "x86-64", "", TargetOptions(), Reloc::PIC_, std::nullopt,
      CodeGenOptLevel::Default));
  gDataLayout = tm->createDataLayout();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // The sink outlives the DiagEngine, whose destructor flushes into it.
  std::string sink;
  raw_string_ostream sinkOS(sink);
  SourceMgr sm;
  unsigned bufID = sm.AddNewSourceBuffer(
      MemoryBuffer::getMemBufferCopy(StringRef((const char *)data, size), "fuzz.gl"),
      SMLoc());
  glc::DiagEngine diags(sm, sinkOS);

  glc::ASTContext astCtx;
  glc::File *file = glc::parseFile(sm, bufID, astCtx, diags);
  if (!file || diags.hasErrors()) {
    diags.flush();
    return 0;
  }
  glc::TypeContext types;
  bool ok = glc::checkFile(file, types, diags);
  if (!ok || diags.hasErrors()) {
    diags.flush();
    return 0;
  }

  LLVMContext llctx;
  auto mod = glc::generateIR(file, types, diags, llctx, *gDataLayout, kTriple, {});
  if (!mod || diags.hasErrors()) {
    diags.flush();
    return 0;
  }
  std::string msg;
  raw_string_ostream os(msg);
  if (verifyModule(*mod, &os)) {
    fprintf(stderr, "glc-fuzz: invalid IR (the driver's exit 3):\n%s\n", os.str().c_str());
    abort();
  }
  return 0;
}
