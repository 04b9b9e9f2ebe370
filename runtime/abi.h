//===- abi.h - C prototypes for every entry point in abi.def ---------------===//
//
// Turns each row of abi.def into an `extern "C"` prototype so that every
// runtime definition is checked against the one table the compiler also
// reads: a definition whose signature drifts from abi.def fails to compile
// ("conflicting types"). Every file that defines a glrt_* entry point
// includes this header.
//
// Type vocabulary of abi.def -> C type:
//   Void void, I8 uint8_t, I32 int32_t, I64 int64_t, F64 double,
//   Ptr void*, Fn void (*)(void *), Pair struct glrt_pair (returned in
//   rax:rdx).
//
// Rows that the compiler calls become `glrt_<name>`; GLRT_NORETURN rows are
// additionally [[noreturn]]; GLRT_GENERATED rows (defined by generated code)
// are declared under their own symbol name.
//
// Also declared here: the data glc emits for tracebacks (__glc_functab) and
// the linker-provided bounds of the generated-code section. Those are weak,
// so the runtime (and its unit tests) link with no generated code at all.
//===----------------------------------------------------------------------===//
#ifndef GLRT_ABI_H
#define GLRT_ABI_H

#include <stdint.h>

extern "C" {

// A two-word value: a string {data, len}, growslice's {newData, newCap},
// decoderune's {rune, next index}.
struct glrt_pair {
  void *p;
  int64_t n;
};

// An interface{} value {type descriptor, data word} (type.h's Eface).
struct glrt_eface {
  void *type;
  void *data;
};

// Function table for tracebacks (see the end of abi.def).
struct glc_funcinfo {
  void *entry;
  const char *name;
  int64_t flags; // GLC_FUNC_* below
};
// The function is a compiler-generated wrapper (main.T.M-fm, main.(*T).M
// for a value method, promoted-method wrappers): tracebacks show it only
// when it is the innermost generated frame (it panicked itself), as Go's
// traceback elides wrappers (runtime.elideWrapperCalling).
#define GLC_FUNC_WRAPPER 1

// The pc -> file:line table (Go's pclntab lines), written by glc's link
// step from the object's DWARF line table (compiler/driver/LineTable.cpp)
// into loaded data, so it survives stripping (glc -w / -s). Row i covers
// the PCs base+rows[i].off up to the next row's; line 0 means no line.
// Rows are sorted by off. Read by funcline (symtab.cpp).
struct glc_linetab_row {
  uint32_t off;  // from base
  uint32_t line;
  uint32_t file; // index into files
};
struct glc_linetab {
  const char *base; // __glc_text_base, a label in gl_text
  int64_t nrows;
  const struct glc_linetab_row *rows;
  int64_t nfiles;
  const char *const *files; // absolute paths
};

} // extern "C"

#define GLRT_T_Void void
#define GLRT_T_I8 uint8_t
#define GLRT_T_I32 int32_t
#define GLRT_T_I64 int64_t
#define GLRT_T_F64 double
#define GLRT_T_Ptr void *
#define GLRT_T_Fn void (*)(void *)
#define GLRT_T_Pair struct glrt_pair
#define GLRT_T_Eface struct glrt_eface

// Map a list of up to 6 abi.def type names to C types.
#define GLRT_MAP0()
#define GLRT_MAP1(a) GLRT_T_##a
#define GLRT_MAP2(a, b) GLRT_T_##a, GLRT_T_##b
#define GLRT_MAP3(a, b, c) GLRT_T_##a, GLRT_T_##b, GLRT_T_##c
#define GLRT_MAP4(a, b, c, d) GLRT_T_##a, GLRT_T_##b, GLRT_T_##c, GLRT_T_##d
#define GLRT_MAP5(a, b, c, d, e)                                               \
  GLRT_T_##a, GLRT_T_##b, GLRT_T_##c, GLRT_T_##d, GLRT_T_##e
#define GLRT_MAP6(a, b, c, d, e, f)                                            \
  GLRT_T_##a, GLRT_T_##b, GLRT_T_##c, GLRT_T_##d, GLRT_T_##e, GLRT_T_##f
#define GLRT_NARG_(_1, _2, _3, _4, _5, _6, N, ...) N
#define GLRT_NARG(...) GLRT_NARG_(__VA_ARGS__ __VA_OPT__(, ) 6, 5, 4, 3, 2, 1, 0)
#define GLRT_CAT_(a, b) a##b
#define GLRT_CAT(a, b) GLRT_CAT_(a, b)
#define GLRT_PARAMS(...) GLRT_CAT(GLRT_MAP, GLRT_NARG(__VA_ARGS__))(__VA_ARGS__)

#define GLRT_FUNC(name, ret, ...)                                              \
  extern "C" GLRT_T_##ret glrt_##name(GLRT_PARAMS(__VA_ARGS__));
#define GLRT_NORETURN(name, ...)                                               \
  extern "C" [[noreturn]] void glrt_##name(GLRT_PARAMS(__VA_ARGS__));
#define GLRT_GENERATED(symbol, ret, ...)                                       \
  extern "C" GLRT_T_##ret symbol(GLRT_PARAMS(__VA_ARGS__));
#include "abi.def" // #undefs the three row macros at its end

namespace glrt {
struct Type; // type.h
}

extern "C" {
// Emitted by glc once per program; absent (null) when no generated code is
// linked in, e.g. in the runtime's unit tests.
extern const struct glc_funcinfo __glc_functab[] __attribute__((weak));
extern const int64_t __glc_functab_len __attribute__((weak));
// A program compiled package by package (glc's object cache) has one table
// per object instead, each in section "gl_functab" (24-byte entries, no
// padding between objects' tables); the linker's bounds, null when absent.
extern const struct glc_funcinfo __start_gl_functab[] __attribute__((weak));
extern const struct glc_funcinfo __stop_gl_functab[] __attribute__((weak));
// Bounds of the "gl_text" section, provided by the linker when the section
// exists; both null otherwise.
extern char __start_gl_text[] __attribute__((weak));
extern char __stop_gl_text[] __attribute__((weak));
// Absent when the program was linked without glc's table (unit tests).
extern const struct glc_linetab __glc_linetab __attribute__((weak));

// The package variables glc defines (every package's, the program's and
// stdlib/'s), in section "gl_globals" (nobits), or "gl_globaldata" for
// those with a static initial value (a composite literal); the ranges
// mgcmark.cpp leaves out of its conservative scan of .data and .bss. Null
// when absent.
extern char __start_gl_globals[] __attribute__((weak));
extern char __stop_gl_globals[] __attribute__((weak));
extern char __start_gl_globaldata[] __attribute__((weak));
extern char __stop_gl_globaldata[] __attribute__((weak));
// One entry per package variable whose type holds pointers, in section
// "gl_gcroots" (24-byte entries, no padding between objects' tables:
// compiler/irgen/IRGenGlobals.cpp). typ is the variable's type, or for an
// array the innermost element type, whose gcdata repeats every typ->size
// bytes across size (as for an array on the heap). Scanned precisely.
struct glc_gcroot {
  void *addr;
  uint64_t size;
  const glrt::Type *typ;
};
extern const struct glc_gcroot __start_gl_gcroots[] __attribute__((weak));
extern const struct glc_gcroot __stop_gl_gcroots[] __attribute__((weak));

}

#endif // GLRT_ABI_H
