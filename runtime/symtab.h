//===- symtab.h - PC -> file:line (symtab.cpp) -----------------------------===//
#ifndef GLRT_SYMTAB_H
#define GLRT_SYMTAB_H

#include <stdint.h>

namespace glrt {

// Go's funcline: the source file (absolute path) and line of the
// instruction at pc, from glc's __glc_linetab. False if pc is outside
// generated code or has no line (then tracebacks print "?:0"). For a
// return address, pass pc-1 (the call instruction), as Go does.
// Async-signal-safe, allocation-free; the strings are static.
bool funcline(uintptr_t pc, const char **file, int32_t *line);

} // namespace glrt

#endif // GLRT_SYMTAB_H
