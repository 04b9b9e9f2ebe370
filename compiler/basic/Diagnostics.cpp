//===- Diagnostics.cpp ------------------------------------------------------===//
#include "basic/Diagnostics.h"

#include <algorithm>

using namespace glc;

std::pair<unsigned, unsigned> DiagEngine::lineCol(llvm::SMLoc loc) const {
  return sm_.getLineAndColumn(loc);
}

bool DiagEngine::sameLine(llvm::SMLoc a, llvm::SMLoc b) const {
  if (!a.isValid() || !b.isValid())
    return false;
  return sm_.getLineAndColumn(a).first == sm_.getLineAndColumn(b).first;
}

void DiagEngine::error(llvm::SMLoc loc, const llvm::Twine &msg) {
  if (tooMany())
    return;
  std::string text = msg.str();
  if (llvm::StringRef(text).starts_with("syntax error")) {
    // Only one syntax error per line, whatever it says.
    if (sameLine(lastSyntax_, loc))
      return;
    lastSyntax_ = loc;
  } else {
    if (sameLine(lastOther_, loc) && lastOtherMsg_ == text)
      return;
    lastOther_ = loc;
    lastOtherMsg_ = text;
  }
  pending_.push_back({loc, std::move(text)});
  if (++errors_ == kMaxErrors)
    tooManyLoc_ = loc;
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
    sm_.GetMessage(p.loc, llvm::SourceMgr::DK_Error, p.msg)
        .print(nullptr, os_, /*ShowColors=*/false, /*ShowKindLabel=*/false);
  }
  pending_.clear();
  if (tooMany() && !printedTooMany_) {
    printedTooMany_ = true;
    sm_.GetMessage(tooManyLoc_, llvm::SourceMgr::DK_Error, "too many errors")
        .print(nullptr, os_, /*ShowColors=*/false, /*ShowKindLabel=*/false);
  }
  os_.flush();
}
