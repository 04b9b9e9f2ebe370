//===- rt0.cpp - the process entry point of every GL program --------------===//
//
// A GL program links generated code (which defines __glc_main) with
// libglrt.a; the C start-up code calls this main, which
//   1. saves argc/argv (os.cpp; for a later os.Args),
//   2. initialises the runtime: this thread's alternate signal stack and
//      the fault signal handlers (panic.cpp), the traceback table
//      (traceback.cpp), the itab cache (iface.cpp: the itabs glc emitted),
//      then the scheduler (proc.cpp: m0, g0, the Ps from
//      GOMAXPROCS, GODEBUG=schedtrace),
//   3. starts the scheduler on this thread as M0 with goroutine 1 running
//      __glc_main (package initialisers, then main.main) on a segmented
//      stack, as Go's rt0_go -> schedinit -> newproc(runtime.main) ->
//      mstart does. glrt_rt0_go never returns: when __glc_main returns,
//      goroutine 1 flushes print output and exits the process with status
//      0 at once, whatever other goroutines are doing; os.Exit (glrt_exit)
//      does the same from any goroutine with its status.
//
// Invariants: every M has its own sigaltstack (this one here; the others
// in proc.cpp's mstart_thread) and writes its stack-limit slot (%fs:0x70)
// before running any split-stack code; glrt_schedinit does that for m0.
// No generated code runs on this thread's original stack.
//
// This file holds only main, so that linking libglrt.a into a program that
// has its own main (the runtime's unit tests) never pulls it in. It
// includes both abi.h and proc.h, so the scheduler rows of abi.def and
// proc.h's declarations cannot drift apart (a mismatch fails to compile).
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "iface.h"
#include "panic.h"
#include "print.h"
#include "proc.h"
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
  glrt::itabsinit();
  glrt::settracebackstop(
      reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
  glrt_schedinit(argc, argv);
  glrt_rt0_go(__glc_main);
}
