//===- IRGenGlobals.cpp - package variables: placement and GC root table ---===//
//
// The collector scans a program's package-level variables precisely (issue
// 11: "globals are scanned from per-type bitmaps"), and glrt's own C++
// globals and libc's conservatively. Two things make that possible:
//
//  - Placement. Every package-level variable a module defines (GL program
//    and stdlib/ packages alike, pointerful or not) goes into section
//    gl_globals, or gl_globaldata if it has a non-zero initial value (a
//    composite literal known at compile time: genVarInits), through the
//    "bss-section"/"data-section" attributes (what clang's `#pragma clang
//    section bss=/data=` sets) rather than an explicit section: an
//    explicit section is never BSS to LLVM, so a zero-filled
//    `var a [1 << 24]*T` would put 128 MiB of zeros into the object file,
//    and one section cannot be both nobits and progbits. The linker places
//    gl_globals among the nobits sections (in [__bss_start, _end) with GNU
//    ld), gl_globaldata after .data. The names are C identifiers, so the
//    linker defines __start_/__stop_ symbols, and glrt's conservative scan
//    of .data and .bss leaves both ranges out (runtime/mgcmark.cpp).
//    Pointer-free variables are there too, so a [N]uint64 holding numbers
//    that look like addresses keeps nothing alive (as in Go: noptrbss).
//    A variable the optimiser makes constant lands in .rodata or
//    .data.rel.ro: never scanned, and it can hold no heap pointer.
//
//  - The root table. For each such variable whose type holds pointers,
//    one entry {address, size, element type descriptor} in section
//    gl_gcroots (abi.h: glc_gcroot). The linker concatenates every
//    module's array (24-byte entries, 8-aligned: no padding), and glrt
//    walks __start_gl_gcroots..__stop_gl_gcroots. An entry names each
//    variable rather than a bitmap over the section because only the
//    linker knows the section's final layout (every module contributes its
//    piece, padded to its alignment); an entry needs no layout at all.
//    The type is the variable's own for a non-array, and the innermost
//    element type of an array (of arrays): the runtime repeats its gcdata
//    every elem.size bytes across `size`, exactly as heapBitsSetType does
//    for an array allocated on the heap, so `var a [1 << 24]*T` costs no
//    2 MiB bitmap.
//
// Other writable data glc emits holds no heap pointer: function values of
// top-level functions and method expressions ("·f") and itabs are constants;
// closure records, go/defer argument blocks and map/chan/interface boxes are
// heap objects (typed); glrt_writeBarrier is glrt's. Read-only constants
// (strings' bytes, composite literals' static data) are never scanned.
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

using namespace llvm;

namespace glc {

void IRGen::placePackageVar(GlobalVariable *gv, Type *t) {
  gv->addAttribute("bss-section", "gl_globals");
  gv->addAttribute("data-section", "gl_globaldata");
  if (!hasPointers(t))
    return;
  gcRoots.push_back({gv, t});
}

void IRGen::genGCRoots() {
  if (gcRoots.empty())
    return;
  auto *entryTy = llvm::StructType::get(C, {ptrTy, i64, ptrTy}); // abi.h: glc_gcroot
  std::vector<Constant *> entries;
  for (auto &[gv, t] : gcRoots) {
    uint64_t size = sizeOf(t);
    Type *elem = t;
    while (auto *a = dyn_cast<glc::ArrayType>(under(elem)))
      elem = a->elem;
    entries.push_back(ConstantStruct::get(entryTy, {gv, ConstantInt::get(i64, size), typeDesc(elem)}));
  }
  auto *arrTy = llvm::ArrayType::get(entryTy, entries.size());
  auto *tab = new GlobalVariable(*mod, arrTy, true, GlobalValue::InternalLinkage,
                                 ConstantArray::get(arrTy, entries), "__glc_gcroots");
  tab->setSection("gl_gcroots");
  tab->setAlignment(Align(8));
  usedGlobals.push_back(tab);
}

} // namespace glc
