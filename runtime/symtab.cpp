//===- symtab.cpp - PC -> file:line (Go's funcline) ------------------------===//
//
// The line half of Go's symbol table: glc's link step writes
// __glc_linetab (abi.h; compiler/driver/LineTable.cpp) from the program's
// DWARF line table into loaded data, so lookups need no file access and
// work on a stripped executable, as Go's pclntab does. Function names stay
// in __glc_functab (traceback.cpp's funcname).
//
// funcline is the one entry point: tracebacks call it today, and
// runtime.Caller/Callers/FuncForPC(pc).FileLine will call it later. It is
// async-signal-safe (no locks, no allocation: a binary search over
// read-only data) and may run on any stack with ~64 bytes to spare.
//===----------------------------------------------------------------------===//
#include "symtab.h"

#include "abi.h"

namespace glrt {

bool funcline(uintptr_t pc, const char **file, int32_t *line) {
  const glc_linetab *t = &__glc_linetab;
  if (t == nullptr || t->base == nullptr || t->nrows == 0)
    return false;
  uintptr_t base = reinterpret_cast<uintptr_t>(t->base);
  if (pc < base || pc - base > UINT32_MAX)
    return false;
  uint32_t off = static_cast<uint32_t>(pc - base);
  // Largest row with rows[i].off <= off.
  int64_t lo = 0, hi = t->nrows;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (t->rows[mid].off <= off)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0)
    return false;
  const glc_linetab_row &r = t->rows[lo - 1];
  if (r.line == 0 || r.file >= static_cast<uint64_t>(t->nfiles))
    return false;
  *file = t->files[r.file];
  *line = static_cast<int32_t>(r.line);
  return true;
}

} // namespace glrt
