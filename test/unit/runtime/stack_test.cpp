// Segmented stack tests: hand-written split-stack functions (the exact
// prologue LLVM emits for the "split-stack" attribute, see stacks.md 1.2)
// recurse across many segments on goroutines; growth is geometric, freed
// segments stay cached (no re-allocation on a hot split), goexit trims the
// cache, arguments on the stack and vector registers survive __morestack,
// the limit slot %fs:0x70 tracks the running G, and the 1 GB limit ends the
// process with Go's text. Also the rule for calling the runtime from a
// goroutine stack (stack.h): systemstack costs the G 32 bytes.
#include "sched_harness.h"
#include "proc.h"
#include "stack.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <functional>

using namespace glrt;

// ---- split-stack test functions (AT&T, SysV) ----
// int64_t split_recurse(int64_t n): sum 0..n, 224 bytes of stack per level
//   (small-frame prologue: cmp %fs:0x70,%rsp). Checks its locals survive.
// int64_t split_args(int64_t n, a2..a6, int64_t s7, int64_t s8): two
//   stack arguments (r11 = 16); returns s7 + s8 at depth 0 after adding
//   (1, 2) per level.
// double split_fsum(int64_t n, double x): x * (n + 1), via xmm0.
// int64_t split_big(int64_t n): 64 KiB frame (large-frame prologue:
//   lea -FRAME(%rsp),%r11; cmp %fs:0x70,%r11), touches one word per frame.
asm(R"(
	.text
	.globl split_recurse
	.type split_recurse,@function
split_recurse:
	cmpq %fs:0x70, %rsp
	ja 1f
	movl $216, %r10d
	movl $0, %r11d
	callq __morestack
	retq
1:	pushq %rbp
	movq %rsp, %rbp
	subq $208, %rsp
	movq %rdi, -8(%rbp)
	movq %rdi, -200(%rbp)
	testq %rdi, %rdi
	jz 2f
	leaq -1(%rdi), %rdi
	callq split_recurse
	movq -8(%rbp), %rcx
	cmpq %rcx, -200(%rbp)
	jne 3f
	addq %rcx, %rax
	leave
	retq
2:	xorl %eax, %eax
	leave
	retq
3:	movq $-1000000000, %rax
	leave
	retq
	.size split_recurse, .-split_recurse

	.globl split_args
	.type split_args,@function
split_args:
	cmpq %fs:0x70, %rsp
	ja 1f
	movl $40, %r10d
	movl $16, %r11d
	callq __morestack
	retq
1:	pushq %rbp
	movq %rsp, %rbp
	subq $32, %rsp
	testq %rdi, %rdi
	jnz 2f
	movq 16(%rbp), %rax
	addq 24(%rbp), %rax
	leave
	retq
2:	leaq -1(%rdi), %rdi
	movq 16(%rbp), %rax
	addq $1, %rax
	movq %rax, 0(%rsp)
	movq 24(%rbp), %rax
	addq $2, %rax
	movq %rax, 8(%rsp)
	callq split_args
	leave
	retq
	.size split_args, .-split_args

	.globl split_fsum
	.type split_fsum,@function
split_fsum:
	cmpq %fs:0x70, %rsp
	ja 1f
	movl $40, %r10d
	movl $0, %r11d
	callq __morestack
	retq
1:	pushq %rbp
	movq %rsp, %rbp
	subq $32, %rsp
	movsd %xmm0, -8(%rbp)
	testq %rdi, %rdi
	jz 2f
	leaq -1(%rdi), %rdi
	callq split_fsum
	addsd -8(%rbp), %xmm0
2:	leave
	retq
	.size split_fsum, .-split_fsum

	.globl split_big
	.type split_big,@function
split_big:
	leaq -65552(%rsp), %r11
	cmpq %fs:0x70, %r11
	ja 1f
	movl $65552, %r10d
	movl $0, %r11d
	callq __morestack
	retq
1:	pushq %rbp
	movq %rsp, %rbp
	subq $65544, %rsp
	movq %rdi, -8(%rbp)
	movq %rdi, 0(%rsp)
	testq %rdi, %rdi
	jz 2f
	leaq -1(%rdi), %rdi
	callq split_big
	addq -8(%rbp), %rax
	leave
	retq
2:	xorl %eax, %eax
	leave
	retq
	.size split_big, .-split_big
	.section .note.GNU-stack,"",@progbits
	.text
)");

extern "C" int64_t split_recurse(int64_t n);
extern "C" int64_t split_args(int64_t n, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t s7, int64_t s8);
extern "C" double split_fsum(int64_t n, double x);
extern "C" int64_t split_big(int64_t n);

namespace {

using glrt_test::ensureSched; // sched_harness.h

// Runs body() on a goroutine with a default (2 KiB) first segment.
struct goCtx {
  std::function<void()> *body;
  note done;
};

void runOnSmallGoroutine(std::function<void()> body) {
  ensureSched();
  goCtx c{&body, {}};
  newproc1(
      [](void *a) {
        goCtx *c = static_cast<goCtx *>(a);
        // The std::function glue is C++ on the small segment: it fits in
        // the segment's 1.2 KiB above the limit; split code does the rest.
        (*c->body)();
        notewakeup(&c->done);
      },
      &c, 0);
  notesleep(&c.done);
}

uintptr_t readStackLimit() {
  uintptr_t v;
  asm volatile("movq %%fs:0x70, %0" : "=r"(v));
  return v;
}

int64_t chainLength(g *gp) {
  int64_t n = 0;
  for (stkseg *s = gp->stackbase; s; s = s->next)
    n++;
  return n;
}

} // namespace

TEST(StackTest, DeepRecursionGrowsGeometrically) {
  int64_t result = 0, segs = 0, chain = 0;
  uintptr_t firstSize = 0, lastSize = 0;
  std::function<void()> body = [&] {
    result = split_recurse(100000); // ~22 MB of frames
    g *gp = getg();
    segs = gp->nsegalloc;
    chain = chainLength(gp);
    firstSize = gp->stackbase->size;
    stkseg *s = gp->stackbase;
    while (s->next)
      s = s->next;
    lastSize = s->size;
  };
  runOnSmallGoroutine(body);
  EXPECT_EQ(result, int64_t(100000) * 100001 / 2);
  EXPECT_EQ(firstSize, minSegmentSize);
  // 2K, 4K, ... 8M, then 8M segments: logarithmic count, not ~10000.
  EXPECT_GE(segs, 10);
  EXPECT_LE(segs, 16);
  EXPECT_EQ(chain, segs + 1); // all still cached on the G before it exits
  EXPECT_EQ(lastSize, maxSegmentSize);
}

TEST(StackTest, SegmentsAreCachedNoHotSplitAllocation) {
  int64_t before = -1, after = -1, afterDeep = -1;
  bool ok = true;
  std::function<void()> body = [&] {
    // Find a depth that crosses the first boundary.
    split_recurse(20);
    before = getg()->nsegalloc;
    // Cross the same boundary 100000 times: the cached segment is reused.
    for (int i = 0; i < 100000; i++)
      ok &= split_recurse(20) == 210;
    after = getg()->nsegalloc;
    split_recurse(5000);
    split_recurse(5000);
    afterDeep = getg()->nsegalloc;
  };
  runOnSmallGoroutine(body);
  EXPECT_TRUE(ok);
  EXPECT_GE(before, 1); // 20 frames * 224 B > a 2 KiB segment
  EXPECT_EQ(after, before);
  EXPECT_GT(afterDeep, after);
}

TEST(StackTest, ParkTrimsCacheOfIdleG) {
  bool cachedBefore = false, cachedAfter = true;
  int64_t chainAfter = 0;
  std::function<void()> body = [&] {
    split_recurse(20); // crosses the first boundary; the segment stays cached
    g *gp = getg();
    cachedBefore = gp->stackseg->next != nullptr;
    // Park; the unlock function refuses, so the G resumes at once, but
    // park_m has run (on g0) with the G idle.
    gopark([](g *, void *) { return false; }, nullptr, waitReasonZero);
    cachedAfter = gp->stackseg->next != nullptr;
    chainAfter = chainLength(gp);
  };
  runOnSmallGoroutine(body);
  EXPECT_TRUE(cachedBefore);
  EXPECT_FALSE(cachedAfter);
  EXPECT_EQ(chainAfter, 1); // back to the first segment only
}

TEST(StackTest, GoexitTrimsCacheAndReusesFirstSegment) {
  g *seen = nullptr;
  int64_t chainBefore = 0;
  std::function<void()> body = [&] {
    split_recurse(3000);
    seen = getg();
    chainBefore = chainLength(seen);
  };
  runOnSmallGoroutine(body);
  EXPECT_GT(chainBefore, 1);
  // The G is dead (or about to be, the note fires before goexit0): wait.
  for (int i = 0; i < 1000 && readgstatus(seen) != _Gdead; i++)
    ::usleep(1000);
  ASSERT_EQ(readgstatus(seen), uint32_t(_Gdead));
  EXPECT_EQ(chainLength(seen), 1);
  EXPECT_EQ(seen->stackseg, seen->stackbase);
}

TEST(StackTest, StackArgumentsAreCopied) {
  int64_t r = 0;
  std::function<void()> body = [&] { r = split_args(20000, 0, 0, 0, 0, 0, 7, 11); };
  runOnSmallGoroutine(body);
  EXPECT_EQ(r, 7 + 11 + 20000 * 3);
}

TEST(StackTest, VectorRegistersSurviveMorestack) {
  double r = 0;
  std::function<void()> body = [&] { r = split_fsum(50000, 1.5); };
  runOnSmallGoroutine(body);
  EXPECT_EQ(r, 1.5 * 50001);
}

TEST(StackTest, LargeFramePrologue) {
  int64_t r = 0, segs = 0;
  std::function<void()> body = [&] {
    r = split_big(300); // ~20 MB in 64 KiB frames
    segs = getg()->nsegalloc;
  };
  runOnSmallGoroutine(body);
  EXPECT_EQ(r, int64_t(300) * 301 / 2);
  EXPECT_LE(segs, 16);
}

// Every switch writes the running G's limit into %fs:0x70; g0 has its own.
TEST(StackTest, LimitSlotFollowsTheRunningG) {
  ensureSched();
  int bad = 0, checks = 0;
  std::function<void()> body = [&] {
    for (int i = 0; i < 200; i++) {
      g *gp = getg();
      bad += readStackLimit() != seglimit(gp->stackseg);
      bad += gp->stackguard0 != seglimit(gp->stackseg);
      checks++;
      uintptr_t onG0 = 0, g0guard = 1;
      std::pair<uintptr_t *, uintptr_t *> out(&onG0, &g0guard);
      glrt_systemstack(
          [](void *a) {
            auto *p = static_cast<std::pair<uintptr_t *, uintptr_t *> *>(a);
            *p->first = readStackLimit();
            *p->second = getg()->stackguard0;
            EXPECT_EQ(getg(), getg()->mp->g0);
          },
          &out);
      bad += onG0 != g0guard;
      glrt_Gosched(); // may resume on another M
    }
  };
  for (int procs : {1, 2}) {
    goCtx c{&body, {}};
    note setdone;
    struct a2 {
      int procs;
      note *n;
    } args{procs, &setdone};
    newproc1(
        [](void *p) {
          auto *a = static_cast<a2 *>(p);
          glrt_GOMAXPROCS(a->procs);
          notewakeup(a->n);
        },
        &args, 64 << 10);
    notesleep(&setdone);
    newproc1(
        [](void *a) {
          goCtx *c = static_cast<goCtx *>(a);
          (*c->body)();
          notewakeup(&c->done);
        },
        &c, 64 << 10);
    notesleep(&c.done);
  }
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(checks, 400);
}

// The rule of stack.h: a runtime call that needs a lot of stack runs on g0
// through systemstack and costs the goroutine only 32 bytes. Measured by
// painting the unused part of the G's segment.
namespace {
constexpr unsigned char kPaint = 0xA5;

__attribute__((noinline)) void heavyLibcWork(void *out) {
  char buf[8192];
  snprintf(buf, sizeof buf, "%.300Lf", 1e300L);
  *static_cast<size_t *>(out) = strlen(buf);
}

// Uses 2 KiB of the current stack (asm, so ASan's fake stack cannot move
// it to the heap).
__attribute__((noinline)) void useStack2048(void *out) {
  asm volatile("subq $2048, %%rsp\n\t"
               "movq $0, (%%rsp)\n\t"
               "movq $0, 1024(%%rsp)\n\t"
               "addq $2048, %%rsp" ::: "memory");
  *static_cast<size_t *>(out) = 1;
}

// Bytes of the current segment below our own stack pointer that
// call(fn, &out) dirtied. Paints with a plain loop: no call may run below
// rsp while painting.
__attribute__((noinline)) uintptr_t gStackUsedBy(void (*call)(void (*)(void *), void *), void (*fn)(void *)) {
  uintptr_t sp;
  asm volatile("movq %%rsp, %0" : "=r"(sp));
  uintptr_t lo = getg()->stackseg->lo;
  for (uintptr_t p = lo; p < sp; p++)
    *reinterpret_cast<volatile unsigned char *>(p) = kPaint;
  size_t out = 0;
  call(fn, &out);
  uintptr_t p = lo;
  while (p < sp && *reinterpret_cast<volatile unsigned char *>(p) == kPaint)
    p++;
  return sp - p;
}

void callDirect(void (*fn)(void *), void *arg) { fn(arg); }

// The scheduler's own entry points for generated code, as probes.
void nopWork(void *) {}
void probeNewproc(void *) { glrt_newproc(nopWork, nullptr); }
void probeGosched(void *) { glrt_Gosched(); }
void probeGOMAXPROCS(void *) { glrt_GOMAXPROCS(glrt_GOMAXPROCS(0) == 1 ? 2 : 1); }
void probeNumGoroutine(void *out) { *static_cast<size_t *>(out) = size_t(glrt_NumGoroutine() + glrt_NumCPU()); }
void probeAlloca(void *out) { *static_cast<void **>(out) = __morestack_allocate_stack_space(1 << 20); }
} // namespace

// Every scheduler entry point callable from generated code fits the
// StackNosplitBudget on the goroutine's stack (the rest runs on g0).
TEST(StackTest, SchedEntryPointsFitTheNosplitBudget) {
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  // ASan adds redzones around every address-taken local (320 bytes here):
  // the budget is a property of the production runtime build.
  GTEST_SKIP() << "frame sizes differ under ASan";
#endif
#endif
  ensureSched();
  struct probe {
    const char *name;
    void (*fn)(void *);
    uintptr_t used;
  } probes[] = {{"glrt_newproc", probeNewproc, 0},
                {"glrt_Gosched", probeGosched, 0},
                {"glrt_GOMAXPROCS", probeGOMAXPROCS, 0},
                {"glrt_NumGoroutine+NumCPU", probeNumGoroutine, 0},
                {"__morestack_allocate_stack_space", probeAlloca, 0}};
  note done;
  struct a4 {
    probe *ps;
    size_t n;
    note *done;
  } args{probes, sizeof probes / sizeof probes[0], &done};
  newproc1(
      [](void *p) {
        auto *a = static_cast<a4 *>(p);
        for (size_t i = 0; i < a->n; i++)
          a->ps[i].used = gStackUsedBy(callDirect, a->ps[i].fn);
        notewakeup(a->done);
      },
      &args, 64 << 10);
  notesleep(&done);
  for (auto &p : probes)
    EXPECT_LE(p.used, StackNosplitBudget) << p.name << " uses " << p.used << " bytes of the goroutine stack";
}

TEST(StackTest, SystemstackKeepsRuntimeCallsOffTheGoroutineStack) {
  ensureSched();
  uintptr_t viaSystemstack = 0, direct = 0;
  struct res {
    uintptr_t *a, *b;
  } r{&viaSystemstack, &direct};
  note done;
  struct a3 {
    res *r;
    note *done;
  } args{&r, &done};
  // A G with a 64 KiB first segment so the direct call also fits.
  newproc1(
      [](void *p) {
        auto *a = static_cast<a3 *>(p);
        *a->r->a = gStackUsedBy(glrt_systemstack, heavyLibcWork);
        *a->r->b = gStackUsedBy(callDirect, useStack2048);
        notewakeup(a->done);
      },
      &args, 64 << 10);
  notesleep(&done);
  // systemstack: return address + 3 saved registers on the G. (Under TSan
  // the probe's own instrumented frames add to it: frame sizes only.)
#if defined(__has_feature)
#if !__has_feature(thread_sanitizer)
  EXPECT_LE(viaSystemstack, 32u);
  EXPECT_LE(viaSystemstack, StackNosplitBudget);
#endif
#endif
  // The probe does see real usage (the test can fail).
  EXPECT_GE(direct, 2048u);
}

// Past 1 GB: Go's message and exit status 2 (64 KiB frames touch one word
// each, so the child maps ~1 GB but dirties little).
TEST(StackDeathTest, OverflowIsFatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        std::function<void()> body = [] { split_big(1 << 20); };
        runOnSmallGoroutine(body);
      },
      ::testing::ExitedWithCode(2),
      "runtime: goroutine stack exceeds 1000000000-byte limit\n"
      "runtime: sp=0x[0-9a-f]+ stack=\\[0x[0-9a-f]+, 0x[0-9a-f]+\\]\n"
      "fatal error: stack overflow\n\nruntime stack:\nruntime\\.throw");
}

// Memory per parked goroutine: its g plus the 2 KiB first segment must
// stay at or below Go's 2.75 KiB.
TEST(StackTest, ParkedGoroutineFootprint) {
  EXPECT_EQ(firstSegmentSize, minSegmentSize);
  EXPECT_LE(sizeof(g) + firstSegmentSize, 2816u) << "sizeof(g) = " << sizeof(g);
}

// LLVM's dynamic alloca slow path: memory that outlives the call and is
// freed when the G exits.
TEST(StackTest, AllocateStackSpaceLivesUntilGoexit) {
  g *seen = nullptr;
  bool ok = true;
  std::function<void()> body = [&] {
    for (int i = 0; i < 10; i++) {
      char *p = static_cast<char *>(__morestack_allocate_stack_space(100000));
      ok &= p != nullptr && (uintptr_t(p) & 15) == 0;
      p[0] = p[99999] = char(i);
    }
    seen = getg();
    ok &= seen->allocas != nullptr;
  };
  runOnSmallGoroutine(body);
  EXPECT_TRUE(ok);
  for (int i = 0; i < 1000 && readgstatus(seen) != _Gdead; i++)
    ::usleep(1000);
  ASSERT_EQ(readgstatus(seen), uint32_t(_Gdead));
  EXPECT_EQ(seen->allocas, nullptr);
}
