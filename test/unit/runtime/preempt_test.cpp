// Asynchronous preemption's injected call (glrt_asyncPreempt,
// arch/amd64/preempt_amd64.S), run on a real goroutine the way the SIGURG
// handler makes the interrupted code "call" it: rsp -= 136 (red zone +
// return address), the interrupted PC at 0(%rsp), jump.
//  - its use of the goroutine's stack below the interrupted rsp stays
//    within stack.h's asyncPreemptStack, whose fit below the lowest rsp of
//    generated code stack.h static_asserts (the dead band of issue 8: a
//    loop without calls whose rsp left less than the handler wanted was
//    never preempted), at both 8-byte alignments of the interrupted rsp;
//  - every register it promises to keep (GPRs, flags, xmm0-15) comes back
//    unchanged, although the G yields (and may resume on another M) in
//    the middle.
// The injected code is assembly and its continuation runs on g0, so the
// budget holds under ASan too.
#include "sched_harness.h"
#include "abi.h"
#include "preempt.h"
#include "proc.h"
#include "stack.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

using namespace glrt;

namespace {

constexpr unsigned char kPaint = 0xA5;

struct regs {
  uint64_t gpr[9]; // rax rcx rdx rsi rdi r8 r9 r10 r11: offsets 0..64
  uint64_t rflags; // 72
  alignas(16) uint64_t xmm[16][2]; // 80
};
static_assert(offsetof(regs, rflags) == 72 && offsetof(regs, xmm) == 80);

} // namespace

// uintptr_t test_injectAsyncPreempt(const regs *in, regs *out, uint64_t shift)
// Lowers rsp by shift (0 or 8: both alignments an interrupted rsp can
// have), loads every register of *in, does what sigPreempt does to the
// interrupted context (rsp -= 136, resume PC at 0(%rsp), jump to
// glrt_asyncPreempt), stores the registers into *out when it comes back
// and returns the "interrupted" rsp. Keeps its own state in callee-saved
// registers, which glrt_mcall preserves across the yield.
asm(R"(
	.text
	.globl test_injectAsyncPreempt
	.type test_injectAsyncPreempt,@function
test_injectAsyncPreempt:
	pushq %rbp
	movq %rsp, %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsi, %r12
	subq %rdx, %rsp
	movq %rdi, %rax
	movups 80(%rax), %xmm0
	movups 96(%rax), %xmm1
	movups 112(%rax), %xmm2
	movups 128(%rax), %xmm3
	movups 144(%rax), %xmm4
	movups 160(%rax), %xmm5
	movups 176(%rax), %xmm6
	movups 192(%rax), %xmm7
	movups 208(%rax), %xmm8
	movups 224(%rax), %xmm9
	movups 240(%rax), %xmm10
	movups 256(%rax), %xmm11
	movups 272(%rax), %xmm12
	movups 288(%rax), %xmm13
	movups 304(%rax), %xmm14
	movups 320(%rax), %xmm15
	movq 8(%rax), %rcx
	movq 16(%rax), %rdx
	movq 24(%rax), %rsi
	movq 32(%rax), %rdi
	movq 40(%rax), %r8
	movq 48(%rax), %r9
	movq 56(%rax), %r10
	movq 64(%rax), %r11
	pushq 72(%rax)
	movq 0(%rax), %rax
	popfq
	movq %rsp, %r13
	leaq -136(%rsp), %rsp
	movq %rax, 0(%rsp)
	leaq 1f(%rip), %rax
	xchgq %rax, 0(%rsp)
	jmp glrt_asyncPreempt
1:
	movq %rax, 0(%r12)
	movq %rsp, %rax
	pushfq
	popq 72(%r12)
	movq %rcx, 8(%r12)
	movq %rdx, 16(%r12)
	movq %rsi, 24(%r12)
	movq %rdi, 32(%r12)
	movq %r8, 40(%r12)
	movq %r9, 48(%r12)
	movq %r10, 56(%r12)
	movq %r11, 64(%r12)
	movups %xmm0, 80(%r12)
	movups %xmm1, 96(%r12)
	movups %xmm2, 112(%r12)
	movups %xmm3, 128(%r12)
	movups %xmm4, 144(%r12)
	movups %xmm5, 160(%r12)
	movups %xmm6, 176(%r12)
	movups %xmm7, 192(%r12)
	movups %xmm8, 208(%r12)
	movups %xmm9, 224(%r12)
	movups %xmm10, 240(%r12)
	movups %xmm11, 256(%r12)
	movups %xmm12, 272(%r12)
	movups %xmm13, 288(%r12)
	movups %xmm14, 304(%r12)
	movups %xmm15, 320(%r12)
	cmpq %rax, %r13
	je 2f
	xorl %eax, %eax                       /* rsp not restored exactly: return 0 */
2:
	leaq -40(%rbp), %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	cld
	ret
	.size test_injectAsyncPreempt, .-test_injectAsyncPreempt
)");
extern "C" uintptr_t test_injectAsyncPreempt(const regs *in, regs *out, uint64_t shift);
extern "C" void glrt_morestack_preempt(void); // preempt.cpp (called by __morestack)

namespace {

// Flags that generated code can observe: CF PF AF ZF SF DF OF.
constexpr uint64_t kFlags = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x400 | 0x800;

struct result {
  uintptr_t used;  // bytes below the interrupted rsp that were written
  bool sameRegs;
  bool spRestored;
};

// On a goroutine: paints the segment below our rsp, injects, and reports.
__attribute__((noinline)) result injectAndMeasure(uint64_t shift, uint64_t seed) {
  regs in, out;
  for (int i = 0; i < 9; i++)
    in.gpr[i] = seed * 0x9E3779B97F4A7C15ull + uint64_t(i);
  for (int i = 0; i < 16; i++) {
    in.xmm[i][0] = seed ^ (0x1111111111111111ull * uint64_t(i + 1));
    in.xmm[i][1] = ~in.xmm[i][0];
  }
  uint64_t fl;
  asm volatile("pushfq; popq %0" : "=r"(fl));
  in.rflags = (fl & ~kFlags) | (seed & 1 ? (0x1 | 0x40 | 0x400) : (0x4 | 0x80 | 0x800));
  memset(&out, 0, sizeof out);

  uintptr_t sp;
  asm volatile("movq %%rsp, %0" : "=r"(sp));
  uintptr_t lo = getg()->stackseg->lo;
  for (uintptr_t p = lo; p < sp - 256; p++) // below anything the call may leave
    *reinterpret_cast<volatile unsigned char *>(p) = kPaint;
  uintptr_t isp = test_injectAsyncPreempt(&in, &out, shift);
  result r{};
  r.spRestored = isp != 0;
  uintptr_t p = lo;
  while (p < sp && *reinterpret_cast<volatile unsigned char *>(p) == kPaint)
    p++;
  r.used = isp > p ? isp - p : 0;
  r.sameRegs = memcmp(in.gpr, out.gpr, sizeof in.gpr) == 0 &&
               memcmp(in.xmm, out.xmm, sizeof in.xmm) == 0 &&
               (in.rflags & kFlags) == (out.rflags & kFlags);
  return r;
}

TEST(AsyncPreempt, InjectedCallFitsItsBudgetAndKeepsRegisters) {
  uintptr_t worst = 0;
  for (uint64_t shift : {0, 8}) {
    for (uint64_t seed = 1; seed <= 4; seed++) {
      result r{};
      glrt_test::runInGoroutine([&] { r = injectAndMeasure(shift, seed); });
      EXPECT_TRUE(r.spRestored) << "shift " << shift;
      EXPECT_TRUE(r.sameRegs) << "shift " << shift << " seed " << seed;
      EXPECT_LE(r.used, asyncPreemptStack) << "shift " << shift;
      if (r.used > worst)
        worst = r.used;
    }
  }
  // The constant is exact, not just an upper bound: one of the two
  // alignments needs all of it.
  EXPECT_EQ(worst, asyncPreemptStack);
}

// The invariant itself (also static_asserted in stack.h): below the lowest
// rsp generated code runs at (limit - StackSmall), an injected call fits.
TEST(AsyncPreempt, FitsBelowEveryRspOfGeneratedCode) {
  EXPECT_LE(StackSmall + asyncPreemptStack, StackGuard);
}

} // namespace

namespace {

// Go's m.locks discipline around print statements: printlock holds
// acquirem, so a preemption request that arrives inside a print statement
// is neither honoured by the cooperative paths (nor by the SIGURG handler:
// canPreemptM) but stays pending, and printunlock's releasem re-arms it
// (the poison goes back into %fs:0x70). Before, a G preempted between
// printlock and printunlock left its half line in its thread's buffer,
// other Gs' lines were appended to it, and it could be lost at exit.
TEST(AsyncPreempt, PrintStatementIsNotPreempted) {
  bool lockedNoPreempt = false, pendingInside = false, stayedOnM = false, rearmed = false,
       yieldedAfter = false;
  int64_t coopInside = -1;
  glrt_test::runInGoroutine([&] {
    g *gp = getg();
    m *mp = gp->mp;
    glrt_printlock();
    lockedNoPreempt = mp->locks == 1 && !canPreemptM(mp);
    int64_t before = preemptStat.cooperative.load();
    __atomic_store_n(&gp->preempt, true, __ATOMIC_SEQ_CST); // what preemptone does first
    preemptYield();                                       // a blocking runtime op's entry
    glrt_morestack_preempt();                             // __morestack consumed a request
    coopInside = preemptStat.cooperative.load() - before;
    pendingInside = __atomic_load_n(&gp->preempt, __ATOMIC_SEQ_CST);
    stayedOnM = getg()->mp == mp;
    glrt_printunlock();
    rearmed = mp->locks == 0 && *mp->stacklimitslot == uintptr_t(INT64_MAX);
    preemptYield(); // now it yields (and the switch restores the limit)
    yieldedAfter = preemptStat.cooperative.load() - before == 1 &&
                   !__atomic_load_n(&gp->preempt, __ATOMIC_SEQ_CST) &&
                   *getg()->mp->stacklimitslot == getg()->stackguard0;
  });
  EXPECT_TRUE(lockedNoPreempt);
  EXPECT_EQ(coopInside, 0) << "yielded inside a print statement";
  EXPECT_TRUE(pendingInside) << "the request must stay pending";
  EXPECT_TRUE(stayedOnM);
  EXPECT_TRUE(rearmed) << "printunlock must re-arm the pending request";
  EXPECT_TRUE(yieldedAfter);
}

} // namespace
