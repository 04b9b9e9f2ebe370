//===- os.cpp - process-level services: exit, the saved command line -------===//
//
// os.Exit(code) is glrt_exit: it flushes this thread's pending print output
// and ends the process at once with _exit (Go runs no deferred calls and no
// atexit handlers either). The command line saved by rt0 lives here so that
// a later os.Args can read it without pulling in the process entry.
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "print.h"

#include <unistd.h>

namespace glrt {
// Set once by rt0's main before anything else runs; read-only afterwards.
int argc;
char **argv;
} // namespace glrt

void glrt_exit(int64_t code) {
  glrt::printflush();
  _exit(static_cast<int>(code));
}
