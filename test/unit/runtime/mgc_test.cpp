// Tests for the collector's mark phase (runtime/mgcmark.cpp): synthetic
// object graphs marked from explicit roots (cycles, interior pointers,
// pointers to the last byte, precision: a non-pointer word that happens to
// hold an address keeps nothing), large objects, and parallel marking with
// 1-8 workers that must find exactly the reachable set of a random graph.
// The heap bitmap written at allocation (heapBitsSetType) is checked word
// by word. Marks are cleared after each test; nothing is swept (other
// tests' objects live in the same heap, reachable only from their roots).
#include "malloc.h"
#include "mgc.h"
#include "mheap.h"
#include "type.h"
#include "sched_harness.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <unordered_map>
#include <vector>

namespace {

using glrt::Type;

// struct Node { next, other *Node; val uintptr } : words 0 and 1 pointers.
struct Node {
  Node *next;
  Node *other;
  uintptr_t val;
};
const uint8_t kNodeBits[1] = {0x3};
const Type kNode = [] {
  Type t{};
  t.size = sizeof(Node);
  t.ptrdata = 16;
  t.gcdata = kNodeBits;
  t.align = 8;
  t.kind = glrt::KindStruct;
  return t;
}();
// *Node (a pointer type: arrays of it are []*Node).
const uint8_t kPtrBits[1] = {0x1};
const Type kPtr = [] {
  Type t{};
  t.size = 8;
  t.ptrdata = 8;
  t.gcdata = kPtrBits;
  t.align = 8;
  t.kind = glrt::KindPointer;
  return t;
}();

Node *newNode() { return static_cast<Node *>(glrt::mallocgc(sizeof(Node), &kNode, true)); }
uintptr_t U(const void *p) { return reinterpret_cast<uintptr_t>(p); }

struct MgcTest : ::testing::Test {
  void TearDown() override { glrt::gcClearMarks(); }
};

TEST_F(MgcTest, HeapBitsFollowTheType) {
  Node *n = newNode();
  EXPECT_TRUE(glrt::heapBitsIsPointer(U(n)));
  EXPECT_TRUE(glrt::heapBitsIsPointer(U(n) + 8));
  EXPECT_FALSE(glrt::heapBitsIsPointer(U(n) + 16));
  // An array of 5 Nodes: the pattern repeats per element.
  auto *arr = static_cast<Node *>(glrt::mallocgc(5 * sizeof(Node), &kNode, true));
  for (int i = 0; i < 5; i++) {
    EXPECT_TRUE(glrt::heapBitsIsPointer(U(&arr[i].next)));
    EXPECT_TRUE(glrt::heapBitsIsPointer(U(&arr[i].other)));
    EXPECT_FALSE(glrt::heapBitsIsPointer(U(&arr[i].val)));
  }
  // conservativeType: every word.
  auto *c = static_cast<uintptr_t *>(glrt::mallocscan(48));
  for (int i = 0; i < 6; i++)
    EXPECT_TRUE(glrt::heapBitsIsPointer(U(&c[i])));
}

// Random struct layouts for the heap-bitmap tests: each has minWords to
// maxWords words, each word a pointer with probability 1/oneIn (at least
// one is), ptrdata ending after the last pointer word. Deques: a Type's
// gcdata and the Types themselves stay where they were made.
struct RandomLayouts {
  std::deque<std::vector<uint8_t>> masks;
  std::deque<Type> types;
  const Type *add(std::mt19937_64 &rng, uintptr_t minWords, uintptr_t maxWords, unsigned oneIn) {
    uintptr_t ew = minWords + rng() % (maxWords - minWords + 1);
    std::vector<uint8_t> &mask = masks.emplace_back((ew + 7) / 8);
    uintptr_t pw = 0;
    for (uintptr_t j = 0; j < ew; j++)
      if (rng() % oneIn == 0) {
        mask[j / 8] |= uint8_t(1u << (j % 8));
        pw = j + 1;
      }
    if (pw == 0) {
      mask[0] |= 1;
      pw = 1;
    }
    Type &t = types.emplace_back();
    t.size = ew * 8;
    t.ptrdata = pw * 8;
    t.gcdata = mask.data();
    t.align = 8;
    t.kind = glrt::KindStruct;
    return &t;
  }
  bool isPointer(size_t i, uintptr_t word) const { return (masks[i][word / 8] >> (word % 8)) & 1; }
};

// Arrays of 64 words or more take heapBitsSetType's repeating path (whole
// bitmap bytes copied from eight elements' pattern): every word of random
// element layouts (2-70 words, some pointer words, ptrdata ending anywhere)
// in arrays from 64 words to past 32 KiB (large objects) is a pointer
// exactly where the element's gcdata says, and the slot's tail past the
// data (a size class rounds up) is not.
TEST_F(MgcTest, HeapBitsOfLargeArraysRepeatTheElement) {
  std::mt19937_64 rng(42);
  RandomLayouts lay;
  for (int trial = 0; trial < 300; trial++) {
    // At least 2 words: a 1-word element with a pointer is an array of pointers.
    const Type *tp = lay.add(rng, 2, 70, 3);
    uintptr_t ew = tp->size / 8, pw = tp->ptrdata / 8;
    uintptr_t minElems = (64 + ew - 1) / ew;
    uintptr_t n = minElems + rng() % (trial % 4 == 0 ? 6000 / ew + 1 : 40);
    uintptr_t size = n * ew * 8;
    auto *obj = static_cast<uintptr_t *>(glrt::mallocgc(size, tp, true));
    for (uintptr_t i = 0; i < size / 8; i++) {
      uintptr_t j = i % ew;
      bool want = j < pw && lay.isPointer(lay.masks.size() - 1, j);
      ASSERT_EQ(glrt::heapBitsIsPointer(U(&obj[i])), want)
          << "elem words " << ew << " elems " << n << " word " << i;
    }
    uintptr_t slot = glrt::objectSize(U(obj));
    for (uintptr_t i = size / 8; i < slot / 8; i++)
      ASSERT_FALSE(glrt::heapBitsIsPointer(U(&obj[i]))) << "tail word " << i << " of " << slot / 8;
  }
}

// Slots of at most 256 bytes allocated by a goroutine (its P's mcache:
// mallocgc's fast path, heapBitsSetSmall): random element layouts of 1-32
// words, one element or an array of them filling at most 256 bytes; every
// word is a pointer exactly where the element's gcdata says, the slot's
// tail is not, and the neighbouring slots allocated before and after keep
// their own bits (the fast path rewrites whole bitmap bytes).
TEST_F(MgcTest, HeapBitsOfSmallSlotsOnTheFastPath) {
  std::mt19937_64 rng(7);
  RandomLayouts lay;
  for (int trial = 0; trial < 400; trial++)
    lay.add(rng, 1, 32, 2);
  glrt_test::runInGoroutine([&] {
    struct Obj {
      uintptr_t *p;
      size_t trial;
      uintptr_t words;
    };
    std::vector<Obj> objs;
    for (int round = 0; round < 4; round++)
      for (size_t trial = 0; trial < lay.types.size(); trial++) {
        const Type *tp = &lay.types[trial];
        uintptr_t ew = tp->size / 8;
        uintptr_t n = 1 + rng() % (32 / ew);
        objs.push_back({static_cast<uintptr_t *>(glrt::mallocgc(n * ew * 8, tp, true)), trial, n * ew});
      }
    for (const Obj &o : objs) {
      const Type *tp = &lay.types[o.trial];
      uintptr_t ew = tp->size / 8, pw = tp->ptrdata / 8;
      uintptr_t slot = glrt::objectSize(U(o.p));
      ASSERT_LE(slot, 256u);
      for (uintptr_t i = 0; i < slot / 8; i++) {
        uintptr_t j = i % ew;
        bool want = i < o.words && j < pw && lay.isPointer(o.trial, j);
        ASSERT_EQ(glrt::heapBitsIsPointer(U(&o.p[i])), want)
            << "elem words " << ew << " data words " << o.words << " word " << i << " of " << slot / 8;
      }
    }
  });
}

TEST_F(MgcTest, CycleIsMarkedUnreachableIsNot) {
  Node *a = newNode(), *b = newNode(), *c = newNode(), *d = newNode();
  a->next = b;
  b->next = c;
  c->next = a; // cycle
  d->next = a; // d points in, nothing points to d
  uintptr_t roots[] = {U(a)};
  glrt::markResult r = glrt::gcMarkFromRoots(roots, 1, 1);
  EXPECT_TRUE(glrt::isMarked(U(a)));
  EXPECT_TRUE(glrt::isMarked(U(b)));
  EXPECT_TRUE(glrt::isMarked(U(c)));
  EXPECT_FALSE(glrt::isMarked(U(d)));
  EXPECT_EQ(r.markedObjects, 3u);
}

TEST_F(MgcTest, InteriorAndLastBytePointers) {
  Node *a = newNode(), *b = newNode(), *c = newNode();
  a->other = reinterpret_cast<Node *>(U(b) + 8);            // interior
  b->next = reinterpret_cast<Node *>(U(c) + sizeof(Node) - 1); // c's last byte
  uintptr_t roots[] = {U(a) + 16}; // interior root
  glrt::gcMarkFromRoots(roots, 1, 1);
  EXPECT_TRUE(glrt::isMarked(U(a)));
  EXPECT_TRUE(glrt::isMarked(U(b)));
  EXPECT_TRUE(glrt::isMarked(U(c)));
}

TEST_F(MgcTest, NonPointerWordsKeepNothing) {
  Node *a = newNode(), *e = newNode();
  a->val = U(e); // an integer field holding an address: not a pointer
  uintptr_t roots[] = {U(a)};
  glrt::gcMarkFromRoots(roots, 1, 1);
  EXPECT_TRUE(glrt::isMarked(U(a)));
  EXPECT_FALSE(glrt::isMarked(U(e)));
}

TEST_F(MgcTest, LargeArrayOfPointers) {
  constexpr int n = 6000; // 48000 bytes: a large object
  auto **arr = static_cast<Node **>(glrt::mallocgc(n * sizeof(Node *), &kPtr, true));
  std::vector<Node *> nodes;
  for (int i = 0; i < n; i++) {
    nodes.push_back(newNode());
    if (i % 3 != 0)
      arr[i] = nodes.back();
  }
  uintptr_t roots[] = {U(arr) + 40000}; // interior pointer into the large object
  glrt::markResult r = glrt::gcMarkFromRoots(roots, 1, 4);
  EXPECT_TRUE(glrt::isMarked(U(arr)));
  int marked = 0;
  for (int i = 0; i < n; i++) {
    EXPECT_EQ(glrt::isMarked(U(nodes[i])), i % 3 != 0) << i;
    marked += glrt::isMarked(U(nodes[i]));
  }
  EXPECT_EQ(marked, n - n / 3);
  EXPECT_EQ(r.markedObjects, uint64_t(marked + 1));
}

// A random graph of 30000 nodes: every worker count must mark exactly the
// set a BFS from the roots reaches.
TEST_F(MgcTest, ParallelMarkFindsExactlyTheReachableSet) {
  constexpr int n = 30000;
  std::mt19937 rng(7);
  std::vector<Node *> nodes(n);
  for (auto &p : nodes)
    p = newNode();
  for (int i = 0; i < n; i++) {
    // Sparse enough that a good part of the graph is unreachable.
    if (rng() % 100 < 55)
      nodes[i]->next = nodes[rng() % n];
    if (rng() % 100 < 45)
      nodes[i]->other = nodes[rng() % n];
    nodes[i]->val = U(nodes[rng() % n]); // never followed
  }
  std::vector<uintptr_t> roots;
  for (int i = 0; i < 40; i++)
    roots.push_back(U(nodes[rng() % n]) + (rng() % 3) * 8); // some interior
  std::vector<char> reach(n, 0);
  std::unordered_map<uintptr_t, int> index;
  for (int i = 0; i < n; i++)
    index[U(nodes[i])] = i;
  std::vector<int> stack;
  for (uintptr_t r : roots) {
    int i = -1; // roots may be interior: find the node
    for (uintptr_t off = 0; off < sizeof(Node); off += 8)
      if (index.count(r - off)) {
        i = index[r - off];
        break;
      }
    ASSERT_GE(i, 0);
    stack.push_back(i);
  }
  while (!stack.empty()) {
    int i = stack.back();
    stack.pop_back();
    if (reach[i])
      continue;
    reach[i] = 1;
    if (nodes[i]->next)
      stack.push_back(index[U(nodes[i]->next)]);
    if (nodes[i]->other)
      stack.push_back(index[U(nodes[i]->other)]);
  }
  uint64_t want = 0;
  for (char c : reach)
    want += c;
  ASSERT_GT(want, 100u);
  ASSERT_LT(want, uint64_t(n));
  for (int workers = 1; workers <= 8; workers++) {
    glrt::markResult r = glrt::gcMarkFromRoots(roots.data(), roots.size(), workers);
    EXPECT_EQ(r.markedObjects, want) << workers << " workers";
    int wrong = 0;
    for (int i = 0; i < n; i++)
      wrong += glrt::isMarked(U(nodes[i])) != bool(reach[i]);
    EXPECT_EQ(wrong, 0) << workers << " workers";
    glrt::gcClearMarks();
  }
}

} // namespace
