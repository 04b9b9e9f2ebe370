//===- procsys.h - scheduler internals shared by proc.cpp and syscall.cpp ---===//
//
// proc.cpp's scheduler pieces that the system-call and locked-thread code
// (syscall.cpp) builds on, and syscall.cpp's functions that proc.cpp
// calls back. Not an API for the rest of the runtime: everything here has
// the calling rules of proc.cpp (most run on g0; REQUIRES names the lock).
//===----------------------------------------------------------------------===//
#pragma once

#include "gmp.h"
#include "proc.h"

namespace glrt {

// ---- proc.cpp
void casgstatus(g *gp, uint32_t oldval, uint32_t newval);
p *pidleget() REQUIRES(sched.lock);
// Wires pp (status _Pidle or just CASed out of _Psyscall, pp.mp null) to
// the current M and marks it _Prunning.
void acquirep(p *pp);
// Unwires the current M's P (status _Pidle afterwards, on no list).
p *releasep();
void handoffp(p *pp);
void startm(p *pp, bool spinning);
// traced: record MPark (GODEBUG=tracefile); newSpareM's first park is not
// (an M that never runs has no track in the trace).
void stopm(bool traced = true);
void checkdead() REQUIRES(sched.lock);
void dropg();
void schedule();
GLRT_SWITCH_NORETURN void execute(g *gp, bool inheritTime);

// ---- syscall.cpp
// Go's entersyscall/exitsyscall around a blocking call made by the
// running G (on its own stack, within the nosplit budget). Between them
// the G is _Gsyscall and its P _Psyscall; exitsyscall returns with some P
// (maybe another, maybe on another M) and the G _Grunning.
void entersyscall();
// For calls known to block: the P is handed off at once.
void entersyscallblock();
void exitsyscall();
// sysmon (no G): takes a P whose current system call has lasted at least
// tick (sysmon's current delay between looks) when there is other work,
// or for 10 ms; returns whether it did. now: nanotime().
bool retakesyscall(p *pp, int64_t now, int64_t tick);
// LockOSThread's scheduler half (schedule(), goexit0; on g0).
void stoplockedm();
void startlockedm(g *gp);
[[noreturn]] void mexit();

} // namespace glrt
