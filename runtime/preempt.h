//===- preempt.h - preemption requests and sysmon (preempt.cpp, sysmon.cpp) ===//
#pragma once

#include <atomic>
#include <cstdint>

#include "gmp.h"

namespace glrt {

// Asks the G running on pp to yield: sets its preempt flag, poisons its M's
// %fs:0x70 slot and (unless async preemption is off) sends SIGURG to that
// M. Any thread; racy by design. Returns false if pp runs no user G.
bool preemptone(p *pp);
// preemptone on every _Prunning P (stop-the-world waits with it).
void preemptall();
// Installs the SIGURG handler (once, before any M runs a G).
void initPreemptSignal();
// GODEBUG=asyncpreemptoff=1: cooperative requests only, no signals.
void setAsyncPreemptOff(bool off);

struct preemptStats {
  std::atomic<int64_t> requests{0};    // preemptone calls that flagged a G
  std::atomic<int64_t> signals{0};     // SIGURGs sent
  std::atomic<int64_t> cooperative{0}; // yields at a prologue (__morestack)
  std::atomic<int64_t> async{0};       // calls injected by the SIGURG handler
};
extern preemptStats preemptStat;

// sysmon (sysmon.cpp): starts the monitor thread (real programs only:
// glrt_rt0_go). Wakes it if it sleeps because every P was idle.
void startSysmon();
void wakeSysmon();

} // namespace glrt
