//===- sudog.cpp - per-M sudog free lists over a central list -------------===//
//
// See sudog.h. Two levels, as Go's (which keeps the per-P level in
// p.sudogcache; glrt keeps it per M in TLS because p is owned by the
// scheduler files; a G running runtime code never changes M between
// acquireSudog and its return, so per-M is as good):
//   1. sudogcache: this M's singly-linked free list (through next), at most
//      kCacheCap entries. No atomics: only this thread touches it.
//   2. central: a global free list under sudoglock. acquireSudog refills
//      half the per-M capacity from it when the M's list is empty;
//      releaseSudog moves half of a full list to it.
// Lock order: sudoglock is a leaf (taken with channel locks held, never
// the other way round, never with sched.lock needed inside).
//===----------------------------------------------------------------------===//
#include "sudog.h"

#include "lock.h"
#include "malloc.h"
#include "panic.h"

namespace glrt {
namespace {

constexpr int kCacheCap = 128;

struct sudogCache {
  sudog *head;
  int n;
};
__thread sudogCache sudogcache __attribute__((tls_model("initial-exec")));

mutex sudoglock;
sudog *central GUARDED_BY(sudoglock) = nullptr;
std::atomic<int64_t> nallocated{0}; // statistics only: relaxed

} // namespace

sudog *acquireSudog() {
  sudogCache *pc = &sudogcache;
  if (pc->head == nullptr) {
    lock(&sudoglock);
    while (pc->n < kCacheCap / 2 && central != nullptr) {
      sudog *s = central;
      central = s->next;
      s->next = pc->head;
      pc->head = s;
      pc->n++;
    }
    unlock(&sudoglock);
    if (pc->head == nullptr) {
      nallocated.fetch_add(1, std::memory_order_relaxed);
      sudog *s = static_cast<sudog *>(persistentalloc(sizeof(sudog)));
      return s; // zeroed
    }
  }
  sudog *s = pc->head;
  pc->head = s->next;
  pc->n--;
  s->next = nullptr;
  return s;
}

void releaseSudog(sudog *s) {
  if (s->elem != nullptr || s->next != nullptr || s->prev != nullptr ||
      s->waitlink != nullptr || s->c != nullptr)
    fatal("runtime: sudog with non-nil fields");
  s->gp = nullptr;
  s->selectDone = nullptr;
  s->isSelect = false;
  s->success = false;
  sudogCache *pc = &sudogcache;
  if (pc->n == kCacheCap) {
    // Move half to the central list.
    sudog *first = nullptr, *last = nullptr;
    while (pc->n > kCacheCap / 2) {
      sudog *t = pc->head;
      pc->head = t->next;
      pc->n--;
      t->next = first;
      if (last == nullptr)
        last = t;
      first = t;
    }
    lock(&sudoglock);
    last->next = central;
    central = first;
    unlock(&sudoglock);
  }
  s->next = pc->head;
  pc->head = s;
  pc->n++;
}

int64_t sudogsAllocated() { return nallocated.load(std::memory_order_relaxed); }

} // namespace glrt
