//===- rt0.cpp - the process entry point of every GL program --------------===//
//
// A GL program links generated code (which defines __glc_main) with
// libglrt.a; the C start-up code calls this main, which
//   1. saves argc/argv (os.cpp; for a later os.Args),
//   2. initialises the runtime: the fault signal handlers and this
//      thread's alternate signal stack (panic.cpp), the traceback table
//      (traceback.cpp),
//   3. runs __glc_main (package initialisers, then main.main),
//   4. flushes print output and exits with status 0.
//
// The scheduler plugs in at step 2/3: schedinit() joins the initialisation,
// and instead of calling __glc_main directly on the thread's stack, main
// creates goroutine 1 with __glc_main as its entry and starts this thread as
// M0 running the scheduler (Go's rt0_go -> schedinit -> newproc(runtime.main)
// -> mstart). Exiting after main.main returns then happens on goroutine 1.
//
// This file holds only main, so that linking libglrt.a into a program that
// has its own main (the runtime's unit tests) never pulls it in.
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "panic.h"
#include "print.h"
#include "traceback.h"

#include <stdlib.h>

namespace glrt {
extern int argc;
extern char **argv;
} // namespace glrt

int main(int argc, char **argv) {
  glrt::argc = argc;
  glrt::argv = argv;
  glrt::minitsignalstack();
  glrt::initsig();
  glrt::tracebackinit();
  glrt::settracebackstop(
      reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
  __glc_main();
  glrt::printflush();
  exit(0);
}
