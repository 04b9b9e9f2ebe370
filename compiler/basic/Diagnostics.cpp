//===- Diagnostics.cpp ------------------------------------------------------===//
#include "basic/Diagnostics.h"

using namespace glc;

std::pair<unsigned, unsigned> DiagEngine::lineCol(llvm::SMLoc loc) const {
  return sm_.getLineAndColumn(loc);
}

void DiagEngine::error(llvm::SMLoc loc, const llvm::Twine &msg) {
  if (tooMany_)
    return;
  if (errors_ == kMaxErrors) {
    tooMany_ = true;
    sm_.GetMessage(loc, llvm::SourceMgr::DK_Error, "too many errors")
        .print(nullptr, os_, /*ShowColors=*/false, /*ShowKindLabel=*/false);
    return;
  }
  ++errors_;
  sm_.GetMessage(loc, llvm::SourceMgr::DK_Error, msg)
      .print(nullptr, os_, /*ShowColors=*/false, /*ShowKindLabel=*/false);
}
