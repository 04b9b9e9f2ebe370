// Tests for glrt's allocator (runtime/malloc.cpp, mheap.cpp, mcentral.cpp,
// mcache.cpp): go1.19's size-class tables, alignment/zeroing/disjointness
// under real concurrency (plain threads share the no-P cache; goroutines
// use their P's mcache), span alloc/free from several threads, spanOf and
// findObject for interior pointers and last bytes, large objects, explicit
// frees and reuse, scavenging, and the tiny allocator.
#include "abi.h"
#include "malloc.h"
#include "mheap.h"
#include "sched_harness.h"
#include "sizeclasses.h"
#include "type.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <pthread.h>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

using glrt::Type;

// A pointer-free type of `size` bytes, and one whose first word is a
// pointer (ptrdata 8). One descriptor per (size, kind), kept for the whole
// run in a static table (a descriptor lives as long as the program, as
// glc's do; a `new` per call leaked 80,000 of them under LeakSanitizer).
const uint8_t kOnePtr[1] = {1};
const Type *typeOf(uintptr_t size, bool scan) {
  static std::mutex mu;
  static std::map<std::pair<uintptr_t, bool>, Type> types;
  std::lock_guard<std::mutex> g(mu);
  auto [it, fresh] = types.try_emplace({size, scan});
  if (fresh) {
    Type &t = it->second;
    t.size = size;
    t.align = 8;
    if (scan) {
      t.ptrdata = 8;
      t.gcdata = kOnePtr;
    }
  }
  return &it->second;
}
const Type *noscanType(uintptr_t size) { return typeOf(size, false); }
const Type *scanType(uintptr_t size) { return typeOf(size, true); }

// ---- size classes ----

// Go's table text: `var name = [...]T{a, b, c}` -> values; divmagic entries
// (^uint32(0)/N + 1) are evaluated.
std::vector<uint64_t> goTable(const std::string &src, const std::string &name) {
  std::regex re("var " + name + " = \\[[^\\]]*\\][a-z0-9]+\\{([^}]*)\\}");
  std::smatch m;
  if (!std::regex_search(src, m, re))
    return {};
  std::vector<uint64_t> out;
  std::stringstream ss(m[1].str());
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(" "));
    if (item.rfind("^uint32(0)/", 0) == 0)
      out.push_back(uint64_t(~uint32_t(0) / std::stoul(item.substr(11)) + 1));
    else
      out.push_back(std::stoull(item));
  }
  return out;
}

TEST(MallocTest, SizeClassesMatchGo119) {
  std::ifstream f("/usr/share/go-1.19/src/runtime/sizeclasses.go");
  if (!f)
    GTEST_SKIP() << "go1.19 sources not installed";
  std::stringstream buf;
  buf << f.rdbuf();
  std::string src = buf.str();
  auto sizes = goTable(src, "class_to_size");
  auto npages = goTable(src, "class_to_allocnpages");
  auto divmagic = goTable(src, "class_to_divmagic");
  auto c8 = goTable(src, "size_to_class8");
  auto c128 = goTable(src, "size_to_class128");
  ASSERT_EQ(sizes.size(), size_t(glrt::_NumSizeClasses));
  ASSERT_EQ(npages.size(), size_t(glrt::_NumSizeClasses));
  ASSERT_EQ(divmagic.size(), size_t(glrt::_NumSizeClasses));
  for (int c = 0; c < glrt::_NumSizeClasses; c++) {
    EXPECT_EQ(glrt::class_to_size[c], sizes[c]) << c;
    EXPECT_EQ(glrt::class_to_allocnpages[c], npages[c]) << c;
    EXPECT_EQ(glrt::class_to_divmagic.v[c], divmagic[c]) << c;
  }
  ASSERT_EQ(c8.size(), sizeof glrt::size_to_class8.v);
  for (size_t i = 0; i < c8.size(); i++)
    EXPECT_EQ(glrt::size_to_class8.v[i], c8[i]) << i;
  ASSERT_EQ(c128.size(), sizeof glrt::size_to_class128.v);
  for (size_t i = 0; i < c128.size(); i++)
    EXPECT_EQ(glrt::size_to_class128.v[i], c128[i]) << i;
  // roundupsize (cap() after append) agrees with the classes.
  for (uint64_t s = 1; s <= glrt::_MaxSmallSize; s++)
    ASSERT_EQ(glrt::roundupsize(s), glrt::class_to_size[glrt::sizeToClass(s)]) << s;
}

TEST(MallocTest, ObjectsGetTheirSizeClassSlot) {
  for (uintptr_t size : {17u, 24u, 100u, 1024u, 1025u, 4000u, 32768u}) {
    auto *a = static_cast<char *>(glrt::mallocgc(size, scanType(size), true));
    glrt::mspan *s = glrt::spanOf(reinterpret_cast<uintptr_t>(a));
    ASSERT_NE(s, nullptr) << size;
    EXPECT_EQ(s->elemsize, glrt::roundupsize(size)) << size;
    EXPECT_FALSE(glrt::spanClassNoscan(s->spanclass)) << size;
    auto *b = static_cast<char *>(glrt::mallocgc(size, noscanType(size), true));
    glrt::mspan *t = glrt::spanOf(reinterpret_cast<uintptr_t>(b));
    ASSERT_NE(t, nullptr);
    EXPECT_TRUE(glrt::spanClassNoscan(t->spanclass)) << "ptrdata 0 is noscan: " << size;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 8, 0u);
  }
}

// ---- concurrency ----

struct Obj {
  unsigned char *p;
  size_t size;
};

constexpr int kThreads = 8;
constexpr int kPerThread = 20000;

// Allocates kPerThread objects of mixed sizes (1 in 1000 large), checking
// each is zeroed and aligned, and fills each with a pattern unique to it;
// checkDisjoint later finds any overlap as a corrupt pattern.
void allocLoop(int id, std::vector<Obj> &objs, int &failures) {
  uint32_t rng = 12345u + uint32_t(id);
  for (int i = 0; i < kPerThread; i++) {
    rng = rng * 1103515245u + 12345u;
    size_t size = 1 + (rng >> 16) % 300;
    if (i % 1000 == 999)
      size = 40000 + (rng >> 16) % 50000;
    const Type *t = (rng >> 8) & 1 ? scanType(8) : nullptr;
    auto *p = static_cast<unsigned char *>(glrt::mallocgc(size, t, true));
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    // Go's alignment: 8 for every size class; tiny noscan objects (< 16
    // bytes) by their size's factors.
    size_t align = (t != nullptr || size >= 16 || (size & 7) == 0) ? 8
                   : (size & 3) == 0                               ? 4
                   : (size & 1) == 0                               ? 2
                                                                   : 1;
    if (a % align != 0)
      failures++;
    for (size_t k = 0; k < size; k++)
      if (p[k] != 0) {
        failures++;
        break;
      }
    memset(p, (id * 31 + i) & 0xFF, size);
    objs.push_back({p, size});
  }
}

void checkDisjoint(std::vector<std::vector<Obj>> &all) {
  std::vector<Obj> flat;
  for (size_t t = 0; t < all.size(); t++)
    for (size_t i = 0; i < all[t].size(); i++) {
      const Obj &o = all[t][i];
      unsigned char want = (t * 31 + i) & 0xFF;
      for (size_t k = 0; k < o.size; k++)
        if (o.p[k] != want) {
          ADD_FAILURE() << "object " << t << "/" << i << " overwritten";
          break;
        }
      flat.push_back(o);
    }
  std::sort(flat.begin(), flat.end(), [](const Obj &a, const Obj &b) { return a.p < b.p; });
  for (size_t i = 1; i < flat.size(); i++)
    ASSERT_LE(flat[i - 1].p + flat[i - 1].size, flat[i].p) << "overlap";
}

TEST(MallocTest, ConcurrentThreadsWithoutPAreAlignedZeroedAndDisjoint) {
  std::vector<std::vector<Obj>> objs(kThreads);
  std::vector<int> failures(kThreads, 0);
  std::vector<pthread_t> th(kThreads);
  struct Arg {
    int id;
    std::vector<Obj> *objs;
    int *failures;
  };
  std::vector<Arg> args(kThreads);
  for (int t = 0; t < kThreads; t++) {
    args[t] = {t, &objs[t], &failures[t]};
    objs[t].reserve(kPerThread);
    ASSERT_EQ(pthread_create(
                  &th[t], nullptr,
                  [](void *a) -> void * {
                    auto *x = static_cast<Arg *>(a);
                    allocLoop(x->id, *x->objs, *x->failures);
                    return nullptr;
                  },
                  &args[t]),
              0);
  }
  for (int t = 0; t < kThreads; t++)
    pthread_join(th[t], nullptr);
  for (int t = 0; t < kThreads; t++)
    EXPECT_EQ(failures[t], 0) << t;
  checkDisjoint(objs);
}

TEST(MallocTest, ConcurrentGoroutinesUseTheirPsCaches) {
  glrt_test::ensureSched();
  int64_t old = glrt_GOMAXPROCS(4);
  std::vector<std::vector<Obj>> objs(kThreads);
  std::vector<int> failures(kThreads, 0);
  std::atomic<int> done{0};
  glrt::note alldone{};
  for (int t = 0; t < kThreads; t++) {
    objs[t].reserve(kPerThread);
    glrt_test::go([&, t] {
      allocLoop(t, objs[t], failures[t]);
      if (done.fetch_add(1) + 1 == kThreads)
        glrt::notewakeup(&alldone);
    });
  }
  glrt::notesleep(&alldone);
  glrt_GOMAXPROCS(old);
  for (int t = 0; t < kThreads; t++)
    EXPECT_EQ(failures[t], 0) << t;
  checkDisjoint(objs);
}

TEST(MallocTest, HeapSpansAllocAndFreeConcurrently) {
  // 8 threads take and return spans of 1..40 pages straight from mheap;
  // every span must be disjoint from every other live span (each thread
  // stamps its spans and checks the stamp survives until it frees them).
  std::vector<pthread_t> th(kThreads);
  std::atomic<int> bad{0};
  struct Arg {
    int id;
    std::atomic<int> *bad;
  };
  std::vector<Arg> args(kThreads);
  for (int t = 0; t < kThreads; t++) {
    args[t] = {t, &bad};
    pthread_create(
        &th[t], nullptr,
        [](void *a) -> void * {
          auto *x = static_cast<Arg *>(a);
          uint32_t rng = 777u * uint32_t(x->id + 1);
          std::vector<glrt::mspan *> live;
          for (int i = 0; i < 3000; i++) {
            rng = rng * 1103515245u + 12345u;
            if (live.size() > 20 || (!live.empty() && (rng >> 16) % 3 == 0)) {
              size_t k = (rng >> 8) % live.size();
              glrt::mspan *s = live[k];
              auto *w = reinterpret_cast<uint64_t *>(s->startAddr);
              auto *e = reinterpret_cast<uint64_t *>(s->startAddr + s->npages * glrt::_PageSize) - 1;
              if (*w != uint64_t(s) || *e != uint64_t(s) ||
                  glrt::spanOf(s->startAddr + s->npages * glrt::_PageSize - 1) != s)
                x->bad->fetch_add(1);
              live.erase(live.begin() + long(k));
              glrt::mheap_.freeSpan(s);
              continue;
            }
            uintptr_t np = 1 + (rng >> 16) % 40;
            glrt::mspan *s = glrt::mheap_.alloc(np, glrt::makeSpanClass(0, true));
            auto *w = reinterpret_cast<uint64_t *>(s->startAddr);
            auto *e = reinterpret_cast<uint64_t *>(s->startAddr + np * glrt::_PageSize) - 1;
            *w = uint64_t(s);
            *e = uint64_t(s);
            live.push_back(s);
          }
          for (glrt::mspan *s : live)
            glrt::mheap_.freeSpan(s);
          return nullptr;
        },
        &args[t]);
  }
  for (int t = 0; t < kThreads; t++)
    pthread_join(th[t], nullptr);
  EXPECT_EQ(bad.load(), 0);
}

// ---- spanOf / findObject ----

TEST(MallocTest, FindObjectFromInteriorPointersAndLastBytes) {
  for (int c = 1; c < glrt::_NumSizeClasses; c++) {
    uintptr_t size = glrt::class_to_size[c];
    uintptr_t objs[3];
    for (auto &o : objs)
      o = reinterpret_cast<uintptr_t>(glrt::mallocgc(size, scanType(size), true));
    for (uintptr_t o : objs) {
      glrt::mspan *s = nullptr;
      uintptr_t idx = 0;
      EXPECT_EQ(glrt::findObject(o, &s, &idx), o) << size;
      ASSERT_NE(s, nullptr);
      EXPECT_EQ(s->startAddr + idx * s->elemsize, o);
      EXPECT_EQ(glrt::findObject(o + size / 2), o) << "interior, class " << c;
      EXPECT_EQ(glrt::findObject(o + size - 1), o) << "last byte, class " << c;
      EXPECT_EQ(glrt::objectSize(o), size);
      // The byte after the object is the next slot (or the span's tail).
      uintptr_t next = glrt::findObject(o + size);
      EXPECT_TRUE(next == 0 || next == o + size) << c;
    }
    // The tail past the span's last object is no object.
    glrt::mspan *s = glrt::spanOf(objs[0]);
    if (s->limit < s->startAddr + s->npages * glrt::_PageSize)
      EXPECT_EQ(glrt::findObject(s->limit), 0u) << c;
  }
  int local = 0;
  static int global;
  EXPECT_EQ(glrt::findObject(reinterpret_cast<uintptr_t>(&local)), 0u);
  EXPECT_EQ(glrt::findObject(reinterpret_cast<uintptr_t>(&global)), 0u);
  EXPECT_EQ(glrt::spanOf(0), nullptr);
  EXPECT_EQ(glrt::spanOf(~uintptr_t(0)), nullptr);
}

TEST(MallocTest, FreeSlotsAreNoObject) {
  // A fresh span's slots past freeindex are not allocated.
  glrt::mspan *s = glrt::mheap_.alloc(1, glrt::makeSpanClass(5, false)); // 48-byte class
  EXPECT_EQ(glrt::findObject(s->startAddr), 0u);
  s->freeindex = 2;
  EXPECT_EQ(glrt::findObject(s->startAddr + 50), s->startAddr + 48);
  EXPECT_EQ(glrt::findObject(s->startAddr + 96), 0u);
  glrt::mheap_.freeSpan(s);
  EXPECT_EQ(glrt::spanOf(s->startAddr), nullptr) << "a freed span's pages map to no span";
}

// ---- large objects ----

TEST(MallocTest, LargeObjects) {
  for (size_t size : {size_t(32769), size_t(100) << 10, size_t(10) << 20, size_t(100) << 20}) {
    auto *p = static_cast<unsigned char *>(glrt::mallocgc(size, noscanType(size), true));
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    EXPECT_EQ(a % glrt::_PageSize, 0u) << size;
    EXPECT_EQ(p[0] | p[size - 1], 0);
    p[size - 1] = 1;
    EXPECT_EQ(glrt::findObject(a + size - 1), a) << size;
    EXPECT_EQ(glrt::findObject(a + size / 2), a) << size;
    glrt::mspan *s = glrt::spanOf(a + size - 1);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(glrt::spanClassSize(s->spanclass), 0);
    EXPECT_EQ(s->npages, (size + glrt::_PageSize - 1) / glrt::_PageSize);
  }
}

TEST(MallocTest, FreedLargePagesAreReusedZeroed) {
  size_t size = size_t(1) << 20;
  auto *p = static_cast<unsigned char *>(glrt::mallocgc(size, nullptr, true));
  memset(p, 0xAB, size);
  glrt::freeLarge(p);
  EXPECT_EQ(glrt::spanOf(reinterpret_cast<uintptr_t>(p)), nullptr);
  // These pages (or a hole no longer than theirs: 1 MiB is placed best
  // fit) come back; reused dirty pages must be cleared.
  auto *q = static_cast<unsigned char *>(glrt::mallocgc(size, nullptr, true));
  for (size_t i = 0; i < size; i += 4096)
    ASSERT_EQ(q[i], 0) << i;
  EXPECT_EQ(q[size - 1], 0);
  glrt::freeLarge(q);
}

TEST(MallocTest, LargeSpansTakeTheShortestHoleThatFits) {
  // Two holes between spans in use: a 300-page one and, above it, a
  // 200-page one. 200 pages go in the second (best fit from 128 pages up),
  // leaving the lower, longer hole whole; first fit would have split it.
  auto cls = glrt::makeSpanClass(0, true);
  glrt::mspan *a = glrt::mheap_.alloc(300, cls);
  glrt::mspan *g1 = glrt::mheap_.alloc(128, cls);
  glrt::mspan *b = glrt::mheap_.alloc(200, cls);
  glrt::mspan *g2 = glrt::mheap_.alloc(128, cls);
  uintptr_t pa = a->startAddr, pb = b->startAddr;
  auto inUse = [](uintptr_t addr) { return glrt::spanOf(addr) != nullptr; };
  // Each hole must be closed on both sides for the test to mean anything:
  // the page below each is in use (best fit starts a span at the start of
  // its run), and a guard span follows each.
  bool laidOut = pb > pa && g1->startAddr == pa + 300 * glrt::_PageSize &&
                 g2->startAddr == pb + 200 * glrt::_PageSize && inUse(pa - glrt::_PageSize) &&
                 inUse(pb - glrt::_PageSize);
  glrt::mheap_.freeSpan(a);
  glrt::mheap_.freeSpan(b);
  if (!laidOut) {
    glrt::mheap_.freeSpan(g1);
    glrt::mheap_.freeSpan(g2);
    GTEST_SKIP() << "the heap did not lay the spans out next to each other";
  }
  // Best fit puts each in a hole exactly its size (hole b, hole a, or an
  // equal one lower down that the heap already had); first fit puts the
  // 200 pages at the start of hole a (or lower) and the 300 above it.
  auto fillsItsHole = [&](glrt::mspan *s) {
    return inUse(s->startAddr - glrt::_PageSize) &&
           inUse(s->startAddr + s->npages * glrt::_PageSize);
  };
  glrt::mspan *c = glrt::mheap_.alloc(200, cls);
  EXPECT_NE(c->startAddr, pa);
  EXPECT_TRUE(fillsItsHole(c));
  glrt::mspan *d = glrt::mheap_.alloc(300, cls);
  EXPECT_TRUE(fillsItsHole(d));
  for (glrt::mspan *s : {c, d, g1, g2})
    glrt::mheap_.freeSpan(s);
}

TEST(MallocTest, ScavengeReleasesFreeDirtyPages) {
  size_t size = size_t(16) << 20;
  auto *p = static_cast<unsigned char *>(glrt::mallocgc(size, nullptr, true));
  memset(p, 1, size);
  glrt::freeLarge(p);
  uint64_t before = glrt::mheap_.released.load();
  EXPECT_GE(glrt::mheap_.pagesDirty.load(), size);
  glrt::mheap_.scavenge(~uintptr_t(0));
  EXPECT_GE(glrt::mheap_.released.load() - before, size);
  EXPECT_EQ(glrt::mheap_.pagesDirty.load(), 0u);
  // Released pages read as zero and come back without clearing.
  auto *q = static_cast<unsigned char *>(glrt::mallocgc(size, nullptr, true));
  EXPECT_EQ(q[0] | q[size / 2] | q[size - 1], 0);
  EXPECT_FALSE(glrt::spanOf(reinterpret_cast<uintptr_t>(q))->needzero);
  glrt::freeLarge(q);
}

// ---- tiny allocator ----

TEST(MallocTest, TinyNoscanObjectsShareBlocks) {
  glrt_test::runInGoroutine([] {
    // Eight 4-byte noscan objects (32 bytes) take at most 3 blocks of
    // 16 bytes (the P's current block may have room for a few).
    std::vector<uintptr_t> blocks;
    for (int i = 0; i < 8; i++) {
      auto x = reinterpret_cast<uintptr_t>(glrt::mallocgc(4, nullptr, true));
      EXPECT_EQ(x % 4, 0u);
      uintptr_t base = glrt::findObject(x);
      EXPECT_EQ(glrt::objectSize(base), glrt::_TinySize);
      if (std::find(blocks.begin(), blocks.end(), base) == blocks.end())
        blocks.push_back(base);
    }
    EXPECT_LE(blocks.size(), 3u) << "tiny noscan objects share 16-byte blocks";
    auto *c = static_cast<char *>(glrt::mallocgc(8, nullptr, true));
    EXPECT_EQ(reinterpret_cast<uintptr_t>(c) % 8, 0u);
    // Scan objects never share.
    auto *d = glrt::mallocgc(8, scanType(8), true);
    auto *e = glrt::mallocgc(8, scanType(8), true);
    EXPECT_NE(glrt::findObject(reinterpret_cast<uintptr_t>(d)),
              glrt::findObject(reinterpret_cast<uintptr_t>(e)));
  });
}

TEST(MallocTest, ZeroSizeIsZerobase) {
  EXPECT_EQ(glrt::mallocgc(0, nullptr, true), glrt::zerobase());
  EXPECT_EQ(glrt::mallocgc(0, scanType(8), true), glrt::zerobase());
}

} // namespace
