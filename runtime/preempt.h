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
// A preemption point at the entry of a blocking runtime operation called
// from generated code (channel send/receive, select): Go's runtime
// functions check for a request in their prologues, glrt's C++ does not
// (it is not split-stack code), so a goroutine whose loop only calls the
// runtime would never see a cooperative request. Yields (Gosched) if sysmon
// asked this G to. One TLS load and one byte load when there is none.
// Also at the entry of the short entry points that a loop's body may
// consist of alone once LLVM has deleted the rest (a polling loop): the
// one-case selects (chan.cpp), every map operation (map.cpp), efaceeq/
// ifaceeq (iface.cpp), eqstring/cmpstring (string.cpp), chanlen/chancap
// and runtime.NumGoroutine. Go preempts such loops at the callee's
// prologue (mapaccess*, efaceeq, selectnb*) or, where the callee is
// nosplit or inline code (memequal, cmpstring, len(c), NumGoroutine's
// leaf), by a signal landing in the loop's own code; here a SIGURG that
// lands in the runtime is declined, and in a loop of a few instructions
// around a call that is nearly every signal, so the entry point checks.
// Only at the entry, before the operation touches any shared state.
//
// The check is a TLS load, a byte load and a not-taken branch; the call
// on the taken branch is to preemptYieldSaving, whose preserve_most
// convention keeps every general-purpose register but r11 (it saves what
// it uses, on the slow path only), so the caller keeps its arguments in
// their registers across it: checking adds no spills and no frame to an
// entry point (AbiStack: map entry points unchanged, while a plain call
// grew mapaccess2's frame from 240 to 272 bytes).
void preemptYield();
[[clang::preserve_most]] void preemptYieldSaving();
inline void preemptCheck() {
  g *gp = getg();
  if (gp != nullptr && __atomic_load_n(&gp->preempt, __ATOMIC_RELAXED)) [[unlikely]]
    preemptYieldSaving();
}
// Go's canPreemptM: the G running on mp may be preempted now (no acquirem
// held: not inside a print statement; not allocating; no preemptoff
// reason). The SIGURG handler and both cooperative paths check it; a
// request they decline stays pending (g.preempt) until releasem.
inline bool canPreemptM(m *mp) {
  return __atomic_load_n(&mp->locks, __ATOMIC_RELAXED) == 0 &&
         __atomic_load_n(&mp->mallocing, __ATOMIC_RELAXED) == 0 &&
         __atomic_load_n(&mp->preemptoff, __ATOMIC_RELAXED) == nullptr;
}
// Go's acquirem/releasem: no preemption of the current G between them
// (they nest). Return null / do nothing when not on an M (runtime tests
// calling entry points from a plain thread). The signal fences order the
// count against code the SIGURG handler may interrupt on this thread.
inline m *acquirem() {
  g *gp = getg();
  if (gp == nullptr || gp->mp == nullptr)
    return nullptr;
  m *mp = gp->mp;
  __atomic_store_n(&mp->locks, mp->locks + 1, __ATOMIC_RELAXED);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  return mp;
}
// Out of line: re-arms a request that arrived while preemption was off.
void releasemSlow(m *mp);
inline void releasem(m *mp) {
  if (mp == nullptr)
    return;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  int32_t n = mp->locks - 1;
  __atomic_store_n(&mp->locks, n, __ATOMIC_RELAXED);
  if (n == 0 && mp->curg != nullptr && __atomic_load_n(&mp->curg->preempt, __ATOMIC_RELAXED)) [[unlikely]]
    releasemSlow(mp);
}

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
// proc.cpp: starts one idle M (no P) that parks at once; sysmon calls it.
void newSpareM();

} // namespace glrt
