//===- LineTable.h - the allocated pc -> file:line table (LineTable.cpp) ---===//
#ifndef GLC_DRIVER_LINETABLE_H
#define GLC_DRIVER_LINETABLE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace glc {

/// Reads the DWARF line table of the relocatable object at objPath and
/// writes to `out` an x86-64 assembly file defining __glc_linetab
/// (runtime/abi.h). An object without __glc_text_base or line rows gives
/// an empty table. Returns false (with `err`) if the object cannot be read.
bool writeLineTable(llvm::StringRef objPath, llvm::raw_ostream &out, std::string &err);

} // namespace glc

#endif // GLC_DRIVER_LINETABLE_H
