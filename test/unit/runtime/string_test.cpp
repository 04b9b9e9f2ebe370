// Tests for runtime/string.cpp: comparisons, concatenation and Go's UTF-8
// rules (invalid input decodes as U+FFFD one byte at a time; invalid runes
// encode as U+FFFD).
#include "abi.h"
#include "malloc.h"
#include "proc.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace {

void *P(const std::string &s) { return const_cast<char *>(s.data()); }
std::string S(glrt_pair p) {
  return std::string(static_cast<const char *>(p.p), size_t(p.n));
}

// Runs f on a goroutine (256 KiB first segment) and waits for it.
template <class F> void runOnG(F f) {
  struct Ctx {
    F *f;
    glrt::note done;
  } c{&f, {}};
  glrt::newproc1(
      [](void *a) {
        auto *c = static_cast<Ctx *>(a);
        (*c->f)();
        glrt::notewakeup(&c->done);
      },
      &c, 256 << 10);
  glrt::notesleep(&c.done);
}

TEST(StringTest, Compare) {
  std::string a = "abc", b = "abd", c = "ab", e;
  EXPECT_EQ(glrt_cmpstring(P(a), 3, P(b), 3), -1);
  EXPECT_EQ(glrt_cmpstring(P(b), 3, P(a), 3), 1);
  EXPECT_EQ(glrt_cmpstring(P(a), 3, P(a), 3), 0);
  EXPECT_EQ(glrt_cmpstring(P(c), 2, P(a), 3), -1);
  EXPECT_EQ(glrt_cmpstring(P(a), 3, P(c), 2), 1);
  EXPECT_EQ(glrt_cmpstring(nullptr, 0, P(a), 3), -1);
  std::string hi = "\xff", lo = "\x01";
  EXPECT_EQ(glrt_cmpstring(P(hi), 1, P(lo), 1), 1) << "bytes are unsigned";
  EXPECT_EQ(glrt_eqstring(P(a), 3, P(a), 3), 1);
  std::string a2 = "abc";
  EXPECT_EQ(glrt_eqstring(P(a), 3, P(a2), 3), 1);
  EXPECT_EQ(glrt_eqstring(P(a), 3, P(b), 3), 0);
  EXPECT_EQ(glrt_eqstring(P(a), 3, P(c), 2), 0);
  EXPECT_EQ(glrt_eqstring(nullptr, 0, P(e), 0), 1);
}

TEST(StringTest, Concat) {
  std::string a = "foo", b = "bar";
  EXPECT_EQ(S(glrt_concatstrings(P(a), 3, P(b), 3)), "foobar");
  EXPECT_EQ(S(glrt_concatstrings(P(a), 3, nullptr, 0)), "foo");
  EXPECT_EQ(S(glrt_concatstrings(nullptr, 0, P(b), 3)), "bar");
  EXPECT_EQ(glrt_concatstrings(nullptr, 0, nullptr, 0).n, 0);
}

TEST(StringTest, ConcatInPlaceKeepsEveryStringIntact) {
  // s = s + t extends s's bytes in place when s is the newest allocation;
  // older strings sharing the prefix must not change.
  std::string x = "x", y = "y", z = "z";
  bool grewInPlace = false;
  // The thread's cache may run out right after base (a refill then makes
  // the next string a copy): such an attempt is repeated; a refill happens
  // at most once per 256 KiB, so the second attempt cannot hit one.
  for (int attempt = 0; attempt < 2 && !grewInPlace; attempt++) {
    std::string ab = "ab";
    glrt_pair base = glrt_slicebytetostring(P(ab), 2);
    glrt_pair s1 = glrt_concatstrings(base.p, base.n, P(x), 1);
    glrt_pair s3 = glrt_concatstrings(s1.p, s1.n, P(z), 1);
    glrt_pair s2 = glrt_concatstrings(base.p, base.n, P(y), 1); // branch
    EXPECT_EQ(S(base), "ab");
    EXPECT_EQ(S(s1), "abx");
    EXPECT_EQ(S(s2), "aby");
    EXPECT_EQ(S(s3), "abxz");
    EXPECT_NE(s2.p, base.p) << "a second extension of the same prefix copies";
    grewInPlace = s3.p == s1.p;
  }
  EXPECT_TRUE(grewInPlace) << "expected in-place growth of the newest string";
}

TEST(StringTest, ConcatLoopUsesLinearMemory) {
  // 100 kB built one byte at a time: quadratic copying would take ~5 GB.
  constexpr int64_t kLen = 100000;
  uint64_t before = glrt::heapinuse();
  static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
  glrt_pair s = {nullptr, 0};
  for (int64_t i = 0; i < kLen; i++)
    s = glrt_concatstrings(s.p, s.n, const_cast<char *>(letters + i % 26), 1);
  ASSERT_EQ(s.n, kLen);
  const char *d = static_cast<const char *>(s.p);
  for (int64_t i = 0; i < kLen; i += 4093)
    ASSERT_EQ(d[i], char('a' + i % 26)) << i;
  EXPECT_LT(glrt::heapinuse() - before, uint64_t(32) << 20);
}

TEST(StringTest, BytesConversionsCopy) {
  std::string a = "hello";
  glrt_pair b = glrt_stringtoslicebyte(P(a), 5);
  ASSERT_EQ(b.n, 5);
  EXPECT_NE(b.p, P(a));
  static_cast<char *>(b.p)[0] = 'j';
  EXPECT_EQ(a, "hello");
  glrt_pair s = glrt_slicebytetostring(b.p, 5);
  static_cast<char *>(b.p)[1] = 'x';
  EXPECT_EQ(S(s), "jello");
  EXPECT_EQ(glrt_slicebytetostring(nullptr, 0).n, 0);
  glrt_pair empty = glrt_stringtoslicebyte(nullptr, 0);
  EXPECT_EQ(empty.n, 0);
  EXPECT_NE(empty.p, nullptr) << "[]byte(\"\") is not nil in Go";
}

struct Decoded {
  int32_t r;
  int64_t next;
};
Decoded decode(const std::string &s, int64_t k) {
  glrt_pair p = glrt_decoderune(P(s), int64_t(s.size()), k);
  return {int32_t(reinterpret_cast<uintptr_t>(p.p)), p.n};
}

TEST(StringTest, DecodeRuneGoRules) {
  struct {
    const char *s;
    int32_t r;
    int64_t next;
  } cases[] = {
      {"a", 'a', 1},
      {"\xc3\xa9", 0xE9, 2},          // é
      {"\xe2\x82\xac", 0x20AC, 3},    // €
      {"\xf0\x9f\x98\x80", 0x1F600, 4},
      {"\xf4\x8f\xbf\xbf", 0x10FFFF, 4},
      {"\x80", 0xFFFD, 1},            // lone continuation byte
      {"\xc0\x80", 0xFFFD, 1},        // overlong NUL
      {"\xc1\xbf", 0xFFFD, 1},        // overlong
      {"\xe0\x80\x80", 0xFFFD, 1},    // overlong 3-byte
      {"\xed\xa0\x80", 0xFFFD, 1},    // surrogate U+D800
      {"\xf0\x80\x80\x80", 0xFFFD, 1},// overlong 4-byte
      {"\xf4\x90\x80\x80", 0xFFFD, 1},// > U+10FFFF
      {"\xf5\x80\x80\x80", 0xFFFD, 1},
      {"\xff", 0xFFFD, 1},
      {"\xe2\x82", 0xFFFD, 1},        // truncated
      {"\xc3", 0xFFFD, 1},
      {"\xc3(", 0xFFFD, 1},           // bad continuation
  };
  for (auto &c : cases) {
    Decoded d = decode(c.s, 0);
    EXPECT_EQ(d.r, c.r) << c.s;
    EXPECT_EQ(d.next, c.next) << c.s;
  }
  Decoded mid = decode("x\xe2\x82\xacy", 1);
  EXPECT_EQ(mid.r, 0x20AC);
  EXPECT_EQ(mid.next, 4);
}

TEST(StringTest, StringToRunesAndBack) {
  std::string s = "a\xc3\xa9\xff\xe2\x82\xac";
  glrt_pair r = glrt_stringtoslicerune(P(s), int64_t(s.size()));
  ASSERT_EQ(r.n, 4);
  auto *runes = static_cast<int32_t *>(r.p);
  EXPECT_EQ(runes[0], 'a');
  EXPECT_EQ(runes[1], 0xE9);
  EXPECT_EQ(runes[2], 0xFFFD);
  EXPECT_EQ(runes[3], 0x20AC);
  EXPECT_EQ(S(glrt_slicerunetostring(r.p, r.n)),
            "a\xc3\xa9\xef\xbf\xbd\xe2\x82\xac");
  int32_t bad[] = {-1, 0xD800, 0x110000, 0x10FFFF, 0x7F, 0x80};
  EXPECT_EQ(S(glrt_slicerunetostring(bad, 6)),
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xf4\x8f\xbf\xbf\x7f\xc2\x80");
  EXPECT_EQ(glrt_stringtoslicerune(nullptr, 0).n, 0);
  EXPECT_EQ(glrt_slicerunetostring(nullptr, 0).n, 0);
}

TEST(StringTest, IntString) {
  EXPECT_EQ(S(glrt_intstring('A')), "A");
  EXPECT_EQ(S(glrt_intstring(0x4E16)), "\xe4\xb8\x96");
  EXPECT_EQ(S(glrt_intstring(0x1F600)), "\xf0\x9f\x98\x80");
  EXPECT_EQ(S(glrt_intstring(-1)), "\xef\xbf\xbd");
  EXPECT_EQ(S(glrt_intstring(0xDFFF)), "\xef\xbf\xbd");
  EXPECT_EQ(S(glrt_intstring(0x110000)), "\xef\xbf\xbd");
  // Does not fit in a rune: Go does not truncate to 'A'.
  EXPECT_EQ(S(glrt_intstring((int64_t(1) << 32) + 'A')), "\xef\xbf\xbd");
  EXPECT_EQ(S(glrt_intstring(0)), std::string(1, '\0'));
}

// In-place concatenation across threads. The "newest allocation" that
// growinplace extends is per thread (M), while goroutines migrate between
// Ms and share strings. Goroutines on several Ms extend each other's
// strings and their own, yielding between operations so they move between
// Ms; at the end every string ever produced must still hold exactly its
// bytes (an in-place extension may only claim never-used bytes, so no two
// live strings may share bytes that a later extension overwrites).
struct ConcatRec {
  glrt_pair s;
  std::string want;
};
std::mutex concatMu;
std::vector<ConcatRec> *concatRecs;
std::atomic<int> concatInPlace{0};

void concatWorker(int id) {
  uint64_t rnd = 0x9e3779b97f4a7c15ull * uint64_t(id + 1);
  char tag[2] = {char('A' + id), char('a' + id)};
  for (int i = 0; i < 3000; i++) {
    rnd ^= rnd << 13;
    rnd ^= rnd >> 7;
    rnd ^= rnd << 17;
    ConcatRec a, b;
    {
      std::lock_guard<std::mutex> l(concatMu);
      size_t n = concatRecs->size();
      // Mostly the newest strings (likely someone's latest allocation).
      a = (*concatRecs)[n - 1 - rnd % (n < 8 ? n : 8)];
      b = (*concatRecs)[(rnd >> 20) % n];
    }
    ConcatRec r;
    if (rnd % 3 == 0) {
      r.s = glrt_concatstrings(a.s.p, a.s.n, b.s.p, b.s.n);
      r.want = a.want + b.want;
    } else {
      r.s = glrt_concatstrings(a.s.p, a.s.n, tag, 1 + int64_t(rnd % 2));
      r.want = a.want + std::string(tag, 1 + rnd % 2);
    }
    if (r.s.p == a.s.p && a.s.n > 0)
      concatInPlace.fetch_add(1);
    if (r.want.size() > 4096) { // keep the strings short: restart from a fresh one
      r.s = glrt_slicebytetostring(tag, 2);
      r.want.assign(tag, 2);
    }
    {
      std::lock_guard<std::mutex> l(concatMu);
      concatRecs->push_back(r);
    }
    if (rnd % 4 == 0)
      glrt_Gosched(); // likely resumes on another M
  }
}

TEST(StringTest, ConcatInPlaceIsSafeAcrossThreadsAndMigration) {
  glrt_schedinit(0, nullptr);
  glrt::releasem0ForTest();
  std::vector<ConcatRec> recs;
  recs.reserve(1 << 16);
  recs.push_back({glrt_slicebytetostring(const_cast<char *>("seed"), 4), "seed"});
  concatRecs = &recs;
  constexpr int kWorkers = 6;
  struct Ctx {
    int id;
    glrt::note done;
  } ctx[kWorkers];
  int64_t prev = 0;
  runOnG([&] { prev = glrt_GOMAXPROCS(4); });
  // newproc1 from a thread without a P: the Gs go to the global queue.
  for (int i = 0; i < kWorkers; i++) {
    ctx[i].id = i;
    glrt::newproc1(
        [](void *a) {
          auto *c = static_cast<Ctx *>(a);
          concatWorker(c->id);
          glrt::notewakeup(&c->done);
        },
        &ctx[i], 256 << 10);
  }
  for (auto &c : ctx)
    glrt::notesleep(&c.done);
  runOnG([&] { glrt_GOMAXPROCS(prev); });
  size_t bad = 0;
  for (const ConcatRec &r : recs)
    bad += S(r.s) != r.want;
  EXPECT_EQ(bad, 0u) << "of " << recs.size() << " strings";
  EXPECT_GT(concatInPlace.load(), 100) << "the in-place path was not exercised";
}

} // namespace
