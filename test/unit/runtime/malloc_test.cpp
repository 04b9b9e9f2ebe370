// Tests for runtime/malloc.cpp: alignment, zeroing and no overlap, under
// real concurrency (8 threads allocating at once).
#include "abi.h"
#include "malloc.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <pthread.h>
#include <vector>

namespace {

struct Obj {
  unsigned char *p;
  size_t size;
};

constexpr int kThreads = 8;
constexpr int kPerThread = 20000;

struct Work {
  int id;
  std::vector<Obj> objs;
  int failures;
};

void *worker(void *arg) {
  auto *w = static_cast<Work *>(arg);
  uint32_t rng = 12345u + uint32_t(w->id);
  for (int i = 0; i < kPerThread; i++) {
    rng = rng * 1103515245u + 12345u;
    size_t size = 1 + (rng >> 16) % 300;
    if (i % 1000 == 999)
      size = 40000 + (rng >> 16) % 50000; // large: own mapping
    auto *p = static_cast<unsigned char *>(glrt_newobject(int64_t(size)));
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    size_t align = size <= 8 ? 8 : 16;
    if (a % align != 0)
      w->failures++;
    for (size_t k = 0; k < size; k++)
      if (p[k] != 0) {
        w->failures++;
        break;
      }
    // Fill with a pattern unique to this object; checked after all threads
    // finish, so any overlap between objects shows up as a corrupt pattern.
    memset(p, (w->id * 31 + i) & 0xFF, size);
    w->objs.push_back({p, size});
  }
  return nullptr;
}

TEST(MallocTest, ConcurrentAllocationsAreAlignedZeroedAndDisjoint) {
  std::vector<Work> work(kThreads);
  pthread_t th[kThreads];
  for (int t = 0; t < kThreads; t++) {
    work[t].id = t;
    work[t].failures = 0;
    work[t].objs.reserve(kPerThread);
    ASSERT_EQ(pthread_create(&th[t], nullptr, worker, &work[t]), 0);
  }
  for (int t = 0; t < kThreads; t++)
    pthread_join(th[t], nullptr);

  std::vector<Obj> all;
  for (int t = 0; t < kThreads; t++) {
    EXPECT_EQ(work[t].failures, 0) << "thread " << t;
    for (int i = 0; i < kPerThread; i++) {
      const Obj &o = work[t].objs[size_t(i)];
      unsigned char want = (t * 31 + i) & 0xFF;
      for (size_t k = 0; k < o.size; k++)
        if (o.p[k] != want) {
          ADD_FAILURE() << "object " << t << "/" << i << " overwritten";
          break;
        }
      all.push_back(o);
    }
  }
  std::sort(all.begin(), all.end(),
            [](const Obj &a, const Obj &b) { return a.p < b.p; });
  for (size_t i = 1; i < all.size(); i++)
    ASSERT_LE(all[i - 1].p + all[i - 1].size, all[i].p) << "overlap";
}

TEST(MallocTest, ZeroSizeAndBig) {
  void *a = glrt_newobject(0);
  void *b = glrt_newobject(0);
  EXPECT_NE(a, nullptr);
  EXPECT_EQ(a, b) << "zero-sized objects share Go's zerobase";
  size_t big = size_t(10) << 20;
  auto *p = static_cast<unsigned char *>(glrt_newobject(int64_t(big)));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p[0], 0);
  EXPECT_EQ(p[big - 1], 0);
  p[big - 1] = 1;
}

TEST(MallocTest, ManySmallObjectsCrossChunkBoundaries) {
  // More than one arena block (64 MiB) from one thread.
  unsigned char *prev = nullptr;
  for (int i = 0; i < 700000; i++) {
    auto *p = static_cast<unsigned char *>(glrt_newobject(128));
    ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);
    ASSERT_EQ(p[0] | p[127], 0);
    p[0] = p[127] = 0xAB;
    if (prev)
      ASSERT_EQ(prev[127], 0xAB);
    prev = p;
  }
}

} // namespace
