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
// Like gc, the engine collects errors and prints them sorted by position
// (flush()), dropping exact duplicates; after 10 it prints
// "x.gl:L:C: too many errors" and stops. Phases may stop early once
// tooMany() is set. The driver calls flush() after each phase.
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
  /// More errors than gc would print: later errors would be dropped anyway.
  bool tooMany() const { return errors_ > kMaxErrors; }
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
  unsigned printed_ = 0; // printed so far (all flushes)
  bool printedTooMany_ = false;
};

} // namespace glc

#endif // GLC_BASIC_DIAGNOSTICS_H
