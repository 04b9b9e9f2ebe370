// Go's hash map (map.cpp) against a reference std::unordered_map, the
// iteration rules under mutation and growth, float/interface key
// semantics, and the deaths (nil map write, unhashable key, concurrent
// misuse). Descriptors are hand-built (map_types.h).
#include "map.h"
#include "abi.h"
#include "sched_harness.h"
#include "map_types.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <array>
#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

using namespace glrt;
using namespace maptest;
using glrt_test::runInGoroutine;

namespace {

// Operations through the generic entry points (key by address) or the fast
// ones; both must agree on every map of a type.
int64_t *assign(const MapType *t, hmap *h, const void *k) {
  return static_cast<int64_t *>(mapassign(t, h, k));
}
bool lookup(const MapType *t, hmap *h, const void *k, int64_t *v) {
  bool ok;
  *v = *static_cast<int64_t *>(mapaccess2(t, h, k, &ok));
  return ok;
}

struct Entry {
  const void *key;
  int64_t elem;
};
std::vector<Entry> iterate(const MapType *t, hmap *h) {
  std::vector<Entry> out;
  hiter it;
  for (mapiterinit(t, h, &it); it.key != nullptr; mapiternext(&it))
    out.push_back({it.key, *static_cast<int64_t *>(it.elem)});
  return out;
}

// Random insert/delete/lookup against std::unordered_map. keyOf(i) makes
// the i-th key (a stable address: keys are kept in a vector); hashOf is for
// the reference map. Every 1/16 of the way the whole map is iterated and
// compared.
template <class K, class KeyOf>
void randomOps(const MapType *t, int nops, int keyspace, KeyOf keyOf, uint64_t seed,
               bool fast64 = false, bool faststr = false) {
  std::vector<K> keys;
  for (int i = 0; i < keyspace; i++)
    keys.push_back(keyOf(i));
  std::unordered_map<int, int64_t> ref; // key index -> elem
  hmap *h = makemap(t, 0);
  std::mt19937_64 rng(seed);
  for (int op = 0; op < nops; op++) {
    // Phases: mostly inserts, then mixed, then mostly deletes, so the map
    // grows, churns (same-size growth) and shrinks.
    int phase = (op * 3) / nops;
    int ki = int(rng() % uint64_t(keyspace));
    const K &k = keys[size_t(ki)];
    unsigned r = unsigned(rng() % 100);
    unsigned pins = phase == 0 ? 70 : phase == 1 ? 40 : 15;
    unsigned pdel = phase == 0 ? 10 : phase == 1 ? 40 : 70;
    if (r < pins) {
      int64_t v = int64_t(rng());
      if (fast64) {
        int64_t kk;
        memcpy(&kk, &k, 8);
        *static_cast<int64_t *>(glrt_mapassign_fast64(const_cast<MapType *>(t), h, kk)) = v;
      } else if (faststr) {
        auto *s = reinterpret_cast<const GoString *>(&k);
        *static_cast<int64_t *>(glrt_mapassign_faststr(const_cast<MapType *>(t), h,
                                                      const_cast<uint8_t *>(s->str), s->len)) = v;
      } else {
        *assign(t, h, &k) = v;
      }
      ref[ki] = v;
    } else if (r < pins + pdel) {
      if (fast64) {
        int64_t kk;
        memcpy(&kk, &k, 8);
        glrt_mapdelete_fast64(const_cast<MapType *>(t), h, kk);
      } else if (faststr) {
        auto *s = reinterpret_cast<const GoString *>(&k);
        glrt_mapdelete_faststr(const_cast<MapType *>(t), h, const_cast<uint8_t *>(s->str), s->len);
      } else {
        mapdelete(t, h, &k);
      }
      ref.erase(ki);
    } else {
      int64_t v;
      bool ok;
      if (fast64) {
        int64_t kk;
        memcpy(&kk, &k, 8);
        glrt_pair p = glrt_mapaccess2_fast64(const_cast<MapType *>(t), h, kk);
        ok = p.n != 0;
        v = *static_cast<int64_t *>(p.p);
      } else if (faststr) {
        auto *s = reinterpret_cast<const GoString *>(&k);
        glrt_pair p = glrt_mapaccess2_faststr(const_cast<MapType *>(t), h,
                                              const_cast<uint8_t *>(s->str), s->len);
        ok = p.n != 0;
        v = *static_cast<int64_t *>(p.p);
      } else {
        ok = lookup(t, h, &k, &v);
      }
      auto it = ref.find(ki);
      ASSERT_EQ(ok, it != ref.end()) << "op " << op << " key " << ki;
      ASSERT_EQ(v, ok ? it->second : 0) << "op " << op;
      // The generic path finds what the fast path stored, and vice versa.
      int64_t g = *static_cast<int64_t *>(mapaccess1(t, h, &k));
      ASSERT_EQ(g, v);
    }
    ASSERT_EQ(h->count, intptr_t(ref.size()));
    if (op % (nops / 16) == 0 || op == nops - 1) {
      std::vector<Entry> seen = iterate(t, h);
      ASSERT_EQ(seen.size(), ref.size());
      std::set<int64_t> elems;
      for (auto &e : seen)
        elems.insert(e.elem);
      for (auto &kv : ref)
        ASSERT_TRUE(elems.count(kv.second)) << "op " << op;
    }
  }
}

std::vector<std::string> *strStore() {
  static std::vector<std::string> s;
  return &s;
}
GoString strKey(int i) {
  // Keys of varied lengths (0..60 bytes), so every memhash branch is hit.
  std::string s = "k" + std::to_string(i * 7919);
  s.append(size_t(i % 61), char('a' + i % 26));
  if (i == 0)
    s.clear();
  auto *st = strStore();
  st->reserve(1 << 20);
  st->push_back(s);
  return {reinterpret_cast<const uint8_t *>(st->back().data()), intptr_t(st->back().size())};
}

} // namespace

TEST(MapTest, RandomOpsInt64KeysAgainstReference) {
  randomOps<int64_t>(&mInt64, 1000000, 50000, [](int i) { return int64_t(i) * 1000003; }, 1);
}

TEST(MapTest, RandomOpsInt64FastPathAgainstReference) {
  randomOps<int64_t>(&mInt64, 300000, 20000, [](int i) { return int64_t(i) - 10000; }, 2, true);
}

TEST(MapTest, RandomOpsStringKeysAgainstReference) {
  randomOps<GoString>(&mString, 300000, 20000, strKey, 3);
  randomOps<GoString>(&mString, 200000, 20000, strKey, 4, false, true);
}

TEST(MapTest, RandomOpsStructKeysAgainstReference) {
  randomOps<SKey>(&mSKey, 200000, 10000,
                  [](int i) { return SKey{strKey(i % 100), int64_t(i / 100)}; }, 5);
}

TEST(MapTest, RandomOpsSmallArrayAndIndirectKeys) {
  randomOps<std::array<int8_t, 3>>(&mArr3, 100000, 3000, [](int i) {
    return std::array<int8_t, 3>{int8_t(i), int8_t(i >> 8), int8_t(i >> 16)};
  }, 6);
  // 200-byte keys and elems are stored indirectly.
  hmap *h = makemap(&mBig, 0);
  std::vector<std::array<int64_t, 25>> keys(500);
  for (int i = 0; i < 500; i++) {
    keys[size_t(i)].fill(i);
    auto *e = static_cast<int64_t *>(mapassign(&mBig, h, keys[size_t(i)].data()));
    e[24] = i * 2;
  }
  for (int i = 0; i < 500; i += 2)
    mapdelete(&mBig, h, keys[size_t(i)].data());
  EXPECT_EQ(h->count, 250);
  for (int i = 0; i < 500; i++) {
    bool ok;
    auto *e = static_cast<int64_t *>(mapaccess2(&mBig, h, keys[size_t(i)].data(), &ok));
    EXPECT_EQ(ok, i % 2 == 1);
    EXPECT_EQ(e[24], ok ? i * 2 : 0);
  }
}

// Every key present for the whole iteration is seen exactly once; a key
// deleted before the iteration reaches it is not seen; nothing is seen
// twice -- while inserts make the map grow (several times, and with the
// iteration starting before, during and after a growth).
TEST(MapTest, IterationDuringGrowth) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; round++) {
    int n0 = 1 + int(rng() % 2000);
    hmap *h = makemap(&mInt64, 0);
    for (int64_t k = 0; k < n0; k++)
      *assign(&mInt64, h, &k) = k;
    std::set<int64_t> stable, deleted, seen;
    for (int64_t k = 0; k < n0; k++)
      stable.insert(k);
    int64_t next = n0;
    hiter it;
    mapiterinit(&mInt64, h, &it);
    int steps = 0;
    while (it.key != nullptr) {
      int64_t k = *static_cast<int64_t *>(it.key);
      ASSERT_EQ(*static_cast<int64_t *>(it.elem), k) << "elem of " << k;
      ASSERT_TRUE(seen.insert(k).second) << "key " << k << " seen twice, round " << round;
      ASSERT_FALSE(deleted.count(k)) << "deleted key " << k << " seen";
      // Mutate: add a few (forces growth), delete a random old key.
      int adds = int(rng() % 4);
      for (int a = 0; a < adds; a++) {
        int64_t nk = next++;
        *assign(&mInt64, h, &nk) = nk;
      }
      if (rng() % 3 == 0) {
        int64_t dk = int64_t(rng() % uint64_t(n0));
        if (stable.erase(dk)) {
          mapdelete(&mInt64, h, &dk);
          if (!seen.count(dk))
            deleted.insert(dk);
        }
      }
      mapiternext(&it);
      steps++;
    }
    for (int64_t k : stable)
      ASSERT_TRUE(seen.count(k)) << "key " << k << " present throughout but not seen, round "
                                 << round;
  }
}

TEST(MapTest, IterationOrderIsRandomized) {
  for (int n : {3, 8, 100}) {
    hmap *h = makemap(&mInt64, 0);
    for (int64_t k = 0; k < n; k++)
      *assign(&mInt64, h, &k) = k;
    std::set<int64_t> firsts;
    for (int i = 0; i < 200; i++) {
      hiter it;
      mapiterinit(&mInt64, h, &it);
      firsts.insert(*static_cast<int64_t *>(it.key));
    }
    EXPECT_GE(firsts.size(), size_t(n < 8 ? n : 8)) << "map of " << n;
  }
}

TEST(MapTest, SeedsDifferPerMap) {
  std::set<uintptr_t> seeds;
  for (int r = 0; r < 20; r++)
    seeds.insert(makemap(&mInt64, 0)->hash0);
  EXPECT_EQ(seeds.size(), 20u);
}

TEST(MapTest, FloatKeysNaNAndSignedZero) {
  hmap *h = makemap(&mFloat, 0);
  double nan = std::nan("");
  for (int i = 0; i < 3; i++)
    *assign(&mFloat, h, &nan) = i;
  EXPECT_EQ(h->count, 3); // every NaN insert is a new entry
  int64_t v;
  EXPECT_FALSE(lookup(&mFloat, h, &nan, &v)); // and none is found
  mapdelete(&mFloat, h, &nan);
  EXPECT_EQ(h->count, 3);
  double pz = 0.0, nz = -0.0;
  *assign(&mFloat, h, &pz) = 10;
  *assign(&mFloat, h, &nz) = 20; // the same key; the key becomes -0
  EXPECT_EQ(h->count, 4);
  EXPECT_TRUE(lookup(&mFloat, h, &pz, &v));
  EXPECT_EQ(v, 20);
  int nans = 0, zeros = 0;
  for (auto &e : iterate(&mFloat, h)) {
    double k = *static_cast<const double *>(e.key);
    nans += k != k;
    if (k == 0) {
      zeros++;
      EXPECT_TRUE(std::signbit(k));
    }
  }
  EXPECT_EQ(nans, 3);
  EXPECT_EQ(zeros, 1);
  // NaNs survive growth (evacuated by the tophash bit) and iteration sees
  // each once.
  for (int i = 0; i < 1000; i++)
    *assign(&mFloat, h, &nan) = i;
  for (int64_t i = 0; i < 1000; i++) {
    double d = double(i) + 0.5;
    *assign(&mFloat, h, &d) = i;
  }
  nans = 0;
  for (auto &e : iterate(&mFloat, h)) {
    double k = *static_cast<const double *>(e.key);
    nans += k != k;
  }
  EXPECT_EQ(nans, 1003);
  EXPECT_EQ(h->count, 2004);
}

TEST(MapTest, InterfaceKeys) {
  hmap *h = makemap(&mEface, 0);
  static int64_t boxed[100];
  for (int i = 0; i < 100; i++) {
    boxed[i] = i;
    Eface k{&tInt64, &boxed[i]};
    *assign(&mEface, h, &k) = i;
  }
  Eface nilk{nullptr, nullptr};
  *assign(&mEface, h, &nilk) = -1;
  static GoString s = gs("str");
  Eface sk{&tString, &s};
  *assign(&mEface, h, &sk) = -2;
  EXPECT_EQ(h->count, 102);
  int64_t v;
  int64_t seven = 7;
  Eface k7{&tInt64, &seven}; // a different box, the same value
  EXPECT_TRUE(lookup(&mEface, h, &k7, &v));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(lookup(&mEface, h, &nilk, &v));
  EXPECT_EQ(v, -1);
  GoString s2 = gs("str");
  Eface sk2{&tString, &s2};
  EXPECT_TRUE(lookup(&mEface, h, &sk2, &v));
  EXPECT_EQ(v, -2);
}

TEST(MapTest, NilMapReadsAndDeletes) {
  int64_t k = 5;
  EXPECT_EQ(*static_cast<int64_t *>(mapaccess1(&mInt64, nullptr, &k)), 0);
  bool ok = true;
  mapaccess2(&mInt64, nullptr, &k, &ok);
  EXPECT_FALSE(ok);
  mapdelete(&mInt64, nullptr, &k);
  hiter it;
  mapiterinit(&mInt64, nullptr, &it);
  EXPECT_EQ(it.key, nullptr);
}

TEST(MapTest, DeletedSlotsHandOutZeroElems) {
  hmap *h = makemap(&mInt64, 0);
  for (int64_t k = 0; k < 8; k++)
    *assign(&mInt64, h, &k) = 99;
  for (int64_t k = 0; k < 8; k++)
    mapdelete(&mInt64, h, &k);
  int64_t k = 42;
  EXPECT_EQ(*assign(&mInt64, h, &k), 0); // m[k] += v starts from zero
}

// ---- deaths ----

TEST(MapDeathTest, NilMapWrite) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(runInGoroutine([] {
                int64_t k = 1;
                glrt_mapassign(&mInt64, nullptr, &k);
              }),
              ::testing::ExitedWithCode(2),
              "(^|\n)panic: assignment to entry in nil map\n\ngoroutine [0-9]+ \\[running\\]:");
}

TEST(MapDeathTest, UnhashableInterfaceKey) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(runInGoroutine([] {
                hmap *h = makemap(&mEface, 0);
                static GoSlice<int64_t> sl{nullptr, 0, 0};
                Eface k{&tSliceInt, &sl};
                glrt_mapassign(&mEface, h, &k);
              }),
              ::testing::ExitedWithCode(2),
              "(^|\n)panic: runtime error: hash of unhashable type \\[\\]int\n");
  // Also on a nil map read, as Go.
  EXPECT_EXIT(runInGoroutine([] {
                static GoSlice<int64_t> sl{nullptr, 0, 0};
                Eface k{&tSliceInt, &sl};
                glrt_mapaccess1(&mEface, nullptr, &k);
              }),
              ::testing::ExitedWithCode(2), "hash of unhashable type \\[\\]int\n");
}

// The hashWriting flag: an operation that finds a write in progress dies
// with Go's fatal error (set by hand: deterministic; lit tests race real
// goroutines).
TEST(MapDeathTest, ConcurrentMisuseIsFatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  struct Case {
    int op;
    const char *msg;
  } cases[] = {{0, "concurrent map writes"},
               {1, "concurrent map read and map write"},
               {2, "concurrent map writes"},
               {3, "concurrent map iteration and map write"}};
  for (const Case &c : cases) {
    EXPECT_EXIT(runInGoroutine([op = c.op] {
                  hmap *h = makemap(&mInt64, 0);
                  int64_t k = 1;
                  *assign(&mInt64, h, &k) = 1;
                  hiter it;
                  mapiterinit(&mInt64, h, &it);
                  h->flags.store(h->flags.load() | kHashWriting);
                  if (op == 0)
                    glrt_mapassign_fast64(&mInt64, h, 2);
                  else if (op == 1)
                    glrt_mapaccess1(&mInt64, h, &k);
                  else if (op == 2)
                    glrt_mapdelete(&mInt64, h, &k);
                  else
                    glrt_mapiternext(&it);
                }),
                ::testing::ExitedWithCode(2),
                std::string("(^|\n)fatal error: ") + c.msg + "\n\ngoroutine [0-9]+ \\[running\\]:")
        << c.msg;
  }
}
