//===- Diagnostics.cpp ------------------------------------------------------===//
#include "basic/Diagnostics.h"

#include <algorithm>

using namespace glc;

std::pair<unsigned, unsigned> DiagEngine::lineCol(llvm::SMLoc loc) const {
  return sm_.getLineAndColumn(loc);
}

void DiagEngine::error(llvm::SMLoc loc, const llvm::Twine &msg) {
  ++errors_;
  pending_.push_back({loc, msg.str()});
}

void DiagEngine::flush() {
  // One buffer per compilation, so pointer order is source order.
  std::stable_sort(pending_.begin(), pending_.end(), [](const Pending &a, const Pending &b) {
    return a.loc.getPointer() < b.loc.getPointer();
  });
  const Pending *prev = nullptr;
  for (const Pending &p : pending_) {
    if (prev && prev->loc == p.loc && prev->msg == p.msg)
      continue;
    prev = &p;
    if (printedTooMany_)
      break;
    if (printed_ == kMaxErrors) {
      printedTooMany_ = true;
      sm_.GetMessage(p.loc, llvm::SourceMgr::DK_Error, "too many errors")
          .print(nullptr, os_, /*ShowColors=*/false, /*ShowKindLabel=*/false);
      break;
    }
    ++printed_;
    sm_.GetMessage(p.loc, llvm::SourceMgr::DK_Error, p.msg)
        .print(nullptr, os_, /*ShowColors=*/false, /*ShowKindLabel=*/false);
  }
  pending_.clear();
  os_.flush();
}
