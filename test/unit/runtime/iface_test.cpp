// The itab cache (iface.cpp) under concurrent lookups: every thread gets
// the same itab for a pair, the method table is right, a type missing a
// method fails (canfail) and stays failed, and the table grows past its
// initial size while readers probe it without a lock.
#include "iface.h"

#include "abi.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace glrt;

namespace {

GoString gostr(const char *s) {
  return GoString{reinterpret_cast<const uint8_t *>(s), intptr_t(strlen(s))};
}

// A family of hand-built descriptors: kTypes named types, each with
// methods "A" and "M" (every third type lacks "M"), and kIfaces interfaces
// {M}, {A, M}, {A}.
constexpr int kTypes = 1500; // > the initial 512-slot table
FuncType sigM{}, sigA{};
std::vector<std::string> names;
Type types[kTypes];
UncommonType uncommons[kTypes];
Method methods[kTypes][2];
int fnMarker[kTypes][2]; // the ifn "code" pointers: addresses of these
IMethod imethodsM[1], imethodsAM[2], imethodsA[1];
InterfaceType ifaceM{}, ifaceAM{}, ifaceA{};

void setup() {
  if (!names.empty())
    return;
  names.resize(kTypes);
  for (int i = 0; i < kTypes; ++i) {
    names[i] = "main.T" + std::to_string(i);
    Type &t = types[i];
    t.size = 8;
    t.kind = KindInt;
    t.str = gostr(names[i].c_str());
    t.hash = uint32_t(i * 2654435761u);
    t.tflag = TFlagUncommon | TFlagNamed;
    methods[i][0] = Method{gostr("A"), &sigA, &fnMarker[i][0], &fnMarker[i][0]};
    methods[i][1] = Method{gostr("M"), &sigM, &fnMarker[i][1], &fnMarker[i][1]};
    uncommons[i].pkgpath = gostr("main");
    uncommons[i].methods = GoSlice<Method>{methods[i], i % 3 == 0 ? 1 : 2, 2};
    t.uncommon = &uncommons[i];
  }
  imethodsM[0] = IMethod{gostr("M"), &sigM};
  imethodsAM[0] = IMethod{gostr("A"), &sigA};
  imethodsAM[1] = IMethod{gostr("M"), &sigM};
  imethodsA[0] = IMethod{gostr("A"), &sigA};
  auto init = [](InterfaceType &it, IMethod *ms, intptr_t n, const char *s, uint32_t h) {
    it.typ.kind = KindInterface;
    it.typ.str = gostr(s);
    it.typ.hash = h;
    it.methods = GoSlice<IMethod>{ms, n, n};
  };
  init(ifaceM, imethodsM, 1, "main.IM", 11);
  init(ifaceAM, imethodsAM, 2, "main.IAM", 22);
  init(ifaceA, imethodsA, 1, "main.IA", 33);
}

} // namespace

TEST(IfaceTest, ItabCacheUnderConcurrentLookups) {
  setup();
  constexpr int kThreads = 6;
  InterfaceType *ifaces[3] = {&ifaceM, &ifaceAM, &ifaceA};
  // results[t][pair] = the itab thread t got (null: failed).
  std::vector<std::vector<const Itab *>> results(kThreads,
                                                 std::vector<const Itab *>(3 * kTypes));
  std::atomic<int> go{0};
  std::vector<std::thread> th;
  for (int t = 0; t < kThreads; ++t)
    th.emplace_back([&, t] {
      while (!go.load())
        ;
      // Each thread walks every pair in its own order (a stride coprime
      // with 3 * kTypes = 4500), twice.
      static const int kStride[kThreads] = {1, 7, 11, 13, 17, 19};
      for (int round = 0; round < 2; ++round)
        for (int k = 0; k < 3 * kTypes; ++k) {
          int pair = (k * kStride[t] + t * 97) % (3 * kTypes);
          const Itab *m = getitab(ifaces[pair % 3], &types[pair / 3], true, 0, 0);
          if (round == 1)
            EXPECT_EQ(m, results[t][pair]) << "itab changed for pair " << pair;
          results[t][pair] = m;
        }
    });
  go.store(1);
  for (auto &x : th)
    x.join();
  for (int pair = 0; pair < 3 * kTypes; ++pair) {
    int i = pair / 3;
    InterfaceType *it = ifaces[pair % 3];
    bool hasM = i % 3 != 0;
    bool want = it == &ifaceA || hasM;
    const Itab *m = results[0][pair];
    ASSERT_EQ(m != nullptr, want) << names[i] << " / " << pair % 3;
    for (int t = 1; t < kThreads; ++t)
      ASSERT_EQ(results[t][pair], m) << "threads disagree on pair " << pair;
    if (!m)
      continue;
    EXPECT_EQ(m->inter, it);
    EXPECT_EQ(m->type, &types[i]);
    const void *const *fun = itabfun(m);
    if (it == &ifaceM) {
      EXPECT_EQ(fun[0], &fnMarker[i][1]);
    } else if (it == &ifaceAM) {
      EXPECT_EQ(fun[0], &fnMarker[i][0]);
      EXPECT_EQ(fun[1], &fnMarker[i][1]);
    } else {
      EXPECT_EQ(fun[0], &fnMarker[i][0]);
    }
  }
}

TEST(IfaceTest, SignatureMustMatch) {
  setup();
  // A type whose "M" has another signature does not implement {M}.
  static FuncType otherSig{};
  static Method ms[1] = {Method{gostr("M"), &otherSig, &fnMarker[0][0], &fnMarker[0][0]}};
  static UncommonType u{gostr("main"), GoSlice<Method>{ms, 1, 1}};
  static Type t{};
  t.size = 8;
  t.kind = KindInt;
  t.str = gostr("main.Other");
  t.tflag = TFlagUncommon;
  t.uncommon = &u;
  EXPECT_EQ(getitab(&ifaceM, &t, true, 0, 0), nullptr);
  EXPECT_EQ(getitab(&ifaceM, &t, true, 0, 0), nullptr); // the cached failure
}

// getitabany (glrt_getitab's canfail bit 2, for generated code's per-site
// caches): the itab of a pair whatever the outcome, a failure recorded as
// fun[0] == null, the same pointer each time (a site caches it), and the
// same itab getitab returns for a pair that succeeds.
TEST(IfaceTest, GetitabAnyReturnsFailuresToo) {
  setup();
  for (int i : {0, 3, 4, 5}) { // types 0 and 3 lack "M"
    const Itab *m = getitabany(&ifaceM, &types[i]);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->inter, &ifaceM);
    EXPECT_EQ(m->type, &types[i]);
    EXPECT_EQ(getitabany(&ifaceM, &types[i]), m);
    EXPECT_EQ(glrt_getitab(&ifaceM, &types[i], 4), m); // bit 2, no panic
    EXPECT_EQ(glrt_getitab(&ifaceM, &types[i], 5), m);
    if (i % 3 == 0) {
      EXPECT_EQ(itabfun(m)[0], nullptr);
      EXPECT_EQ(getitab(&ifaceM, &types[i], true, 0, 0), nullptr);
    } else {
      EXPECT_EQ(itabfun(m)[0], &fnMarker[i][1]);
      EXPECT_EQ(getitab(&ifaceM, &types[i], true, 0, 0), m);
    }
  }
}
