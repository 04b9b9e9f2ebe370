//===- split_stack_note.h - mark every glrt object as split-stack safe ----===//
//
// Force-included into every glrt C++ source (runtime/CMakeLists.txt:
// -include). Emits two empty ELF sections into each object:
//
//   .note.GNU-split-stack     "this object is split-stack aware": gold and
//       lld then leave calls from generated (split-stack) code into glrt
//       alone instead of rewriting the caller's prologue to reserve a large
//       non-split frame (__morestack_non_split). glrt follows stack.h's
//       rule instead: at most StackNosplitBudget bytes of a goroutine's
//       stack per entry point, the rest on g0 through systemstack.
//   .note.GNU-no-split-stack  "some functions here have no split-stack
//       prologue" (all of them: glrt is plain C++). Without it lld reports
//       every glrt call into libc as a split-stack function it cannot
//       adjust; with it lld (like gold) accepts such calls as they are.
//
// The assembly sources write the same notes by hand.
//===----------------------------------------------------------------------===//
#ifndef GLRT_SPLIT_STACK_NOTE_H
#define GLRT_SPLIT_STACK_NOTE_H
#ifndef __ASSEMBLER__
asm(".pushsection .note.GNU-split-stack,\"\",@progbits\n\t.popsection\n\t"
    ".pushsection .note.GNU-no-split-stack,\"\",@progbits\n\t.popsection");
#endif
#endif
