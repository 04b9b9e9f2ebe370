//===- Diagnostics.h - file:line:col diagnostics with a caret --------------===//
//
// Every phase reports problems through one DiagEngine. Output format, as gc
// prints it plus the source line and a caret (llvm::SourceMgr renders them):
//
//   x.gl:3:2: undefined: y
//     y = 1
//     ^
//
// After 10 errors the engine prints "x.gl:L:C: too many errors" (gc's
// wording) and sets tooMany(); phases should stop early once it is set.
// Errors are printed in the order they are reported; gc sorts by position,
// so phases report in source order where they can.
//===----------------------------------------------------------------------===//
#ifndef GLC_BASIC_DIAGNOSTICS_H
#define GLC_BASIC_DIAGNOSTICS_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace glc {

class DiagEngine {
public:
  explicit DiagEngine(llvm::SourceMgr &sm, llvm::raw_ostream &os = llvm::errs())
      : sm_(sm), os_(os) {}

  /// Report an error at `loc`. Ignored once tooMany() is set.
  void error(llvm::SMLoc loc, const llvm::Twine &msg);

  unsigned errorCount() const { return errors_; }
  bool hasErrors() const { return errors_ != 0; }
  bool tooMany() const { return tooMany_; }
  llvm::SourceMgr &sourceMgr() { return sm_; }

  /// 1-based line and column of `loc` (column counts bytes, like gc).
  std::pair<unsigned, unsigned> lineCol(llvm::SMLoc loc) const;

  static constexpr unsigned kMaxErrors = 10;

private:
  llvm::SourceMgr &sm_;
  llvm::raw_ostream &os_;
  unsigned errors_ = 0;
  bool tooMany_ = false;
};

} // namespace glc

#endif // GLC_BASIC_DIAGNOSTICS_H
