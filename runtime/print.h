//===- print.h - the print sink shared by print builtins and panics --------===//
//
// Everything glrt writes for the user (print/println output, panic text,
// fatal errors, tracebacks) goes through this buffered sink so it reaches
// fd 2 whole and in order. See print.cpp for the buffering rules.
//===----------------------------------------------------------------------===//
#ifndef GLRT_PRINT_H
#define GLRT_PRINT_H

#include <stddef.h>
#include <stdint.h>

namespace glrt {

// Append raw bytes / a NUL-terminated string to this thread's print buffer.
// Outside a printlock/printunlock pair the buffer is flushed at once.
void gwrite(const char *p, size_t n);
void gwrites(const char *s);
// Go's print formats, usable from any runtime file (same as the builtins).
void printint(int64_t v);
void printuint(uint64_t v);
void printhex(uint64_t v); // 0x..., lowercase, "0x0" for zero
void printfloat(double v);
void printbool(bool v);

// Write this thread's pending print output to fd 2 now. Async-signal-safe
// (write(2) only); used before exit and by the panic path.
void printflush();

// True while this thread is between printlock and printunlock. The
// scheduler must not move a goroutine to another M (or preempt it) while
// this holds, or its half-built line would be left behind (Go keeps
// mp.locks raised for the same reason).
bool printlocked();

// write(2) all of [p, p+n) to fd, retrying on EINTR and partial writes.
// Async-signal-safe.
void writeall(int fd, const char *p, size_t n);

// Test hook: when set, flushed output goes to sink(p, n) instead of fd 2.
// Pass nullptr to restore fd 2. Not thread-safe with concurrent printing.
using PrintSink = void (*)(const char *p, size_t n);
void setprintsink(PrintSink sink);

// Go's g0.writebuf (runtime.Stack): until clearwritebuf, this thread's
// gwrite output goes to [p, p+cap) (the excess is dropped) instead of fd 2.
// clearwritebuf returns the number of bytes stored. Nothing may park or
// switch M in between (runtime.Stack runs both on g0).
void setwritebuf(char *p, size_t cap);
size_t clearwritebuf();

// Format helpers shared with panic.cpp; each writes into buf (which must
// hold at least 32 bytes) and returns the length. No NUL is written.
size_t fmtint(char *buf, int64_t v);
size_t fmtuint(char *buf, uint64_t v);
size_t fmthex(char *buf, uint64_t v);
size_t fmtfloat(char *buf, double v);

} // namespace glrt

#endif // GLRT_PRINT_H
