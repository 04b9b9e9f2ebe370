//===- Diagnostics.h - file:line:col diagnostics with a caret --------------===//
//
// Every phase reports problems through one DiagEngine. Output format, as gc
// (go1.19) prints it plus the source line and a caret (llvm::SourceMgr
// renders them):
//
//   x.gl:3:2: undefined: y
//     y = 1
//     ^
//
// Like gc (cmd/compile/internal/base/print.go), the engine collects errors
// and prints them sorted by position (flush()), dropping exact duplicates
// and, at report time, a syntax error on the same line as the previous
// syntax error or a repeat of the previous message on the same line. When
// the 10th error is reported, it is the last: flush() then prints the 10
// sorted and "x.gl:L:C: too many errors" at the 10th's position, and later
// reports are ignored. Phases may stop early once tooMany() is set. The
// driver calls flush() after each phase.
//===----------------------------------------------------------------------===//
#ifndef GLC_BASIC_DIAGNOSTICS_H
#define GLC_BASIC_DIAGNOSTICS_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace glc {

class DiagEngine {
public:
  explicit DiagEngine(llvm::SourceMgr &sm, llvm::raw_ostream &os = llvm::errs())
      : sm_(sm), os_(os) {}
  ~DiagEngine() { flush(); }

  /// Record an error at `loc` (printed by flush()).
  void error(llvm::SMLoc loc, const llvm::Twine &msg);

  /// Print the recorded errors sorted by position; clears the buffer.
  void flush();

  unsigned errorCount() const { return errors_; }
  bool hasErrors() const { return errors_ != 0; }
  /// gc's limit was reached: later errors are dropped.
  bool tooMany() const { return errors_ >= kMaxErrors; }
  llvm::SourceMgr &sourceMgr() { return sm_; }

  /// 1-based line and column of `loc` (column counts bytes, like gc).
  std::pair<unsigned, unsigned> lineCol(llvm::SMLoc loc) const;

  static constexpr unsigned kMaxErrors = 10;

private:
  struct Pending {
    llvm::SMLoc loc;
    std::string msg;
  };
  llvm::SourceMgr &sm_;
  llvm::raw_ostream &os_;
  std::vector<Pending> pending_;
  unsigned errors_ = 0;  // recorded so far (all phases)
  llvm::SMLoc tooManyLoc_; // position of the 10th error, once reached
  bool printedTooMany_ = false;
  llvm::SMLoc lastSyntax_, lastOther_; // gc's per-line filters
  std::string lastOtherMsg_;
  bool sameLine(llvm::SMLoc a, llvm::SMLoc b) const;
};

} // namespace glc

#endif // GLC_BASIC_DIAGNOSTICS_H
