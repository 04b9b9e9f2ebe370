//===- IRGenStruct.cpp - struct values and pointers ------------------------===//
//
// Lowering of struct types and pointers:
//
// Layout. A Go struct is an LLVM literal struct of its fields' types in
// declaration order (IRGenTypes.cpp); LLVM's natural alignment is Go's on
// amd64 (each field at a multiple of its alignment, the size rounded up
// to the largest alignment), so field offsets are gc's. struct{} is {}
// (size 0). One difference, invisible without package unsafe: gc pads a
// struct whose last field has size 0 by one byte (so &s.last never points
// past the object); LLVM does not. A pointer is an opaque `ptr`.
//
// Field selection x.f follows SelectorExpr::path (sema), one field index
// per struct entered, through embedded fields (an embedded *E is loaded
// and nil-checked on the way):
//   - through a pointer (p.f, Go's (*p).f): nil check, then a GEP + load;
//   - on an addressable x (a variable, a[i], (*p).g.f): GEP from x's
//     address + load, so a chain a[i].f.g loads only the field it needs;
//   - on a value (f().x): extractvalue.
// genAddr gives the address for the first two (assignment, &x.f, x.f++).
//
// Nil checks. Every dereference through a pointer (p.f, *p, a method call
// on a pointer receiver) compares the pointer with nil first and calls
// glrt_panicmem, which prints Go's "invalid memory address or nil pointer
// dereference" panic with the fault line gc's explicit check produces
// (addr=0x0). gc relies on the fault for offsets below 4096 and checks
// explicitly beyond; checking always also covers large copies through
// memmove (a fault there would be outside generated code) and zero-size
// pointees, and leaves the optimizer no load from null to reason about.
//
// Escape. Sema marks a local variable whose address is taken (&x, &x.f,
// &a[i] of an array, a[:], a pointer-method call) as `captured`, so
// allocVar gives it a heap box (collected when unreachable).
// &T{...} and new(T) allocate with glrt_newobject (zeroed memory). After
// optimisation, boxes and objects LLVM proves never escape move to the
// frame (compiler/driver/StackAlloc.cpp).
//
// Comparison: struct == is field-wise (blank fields skipped), each field
// compared with its own type's ==, so strings compare by content and
// struct{} values are always equal.
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

using namespace llvm;

namespace glc {

int IRGen::fieldIndex(glc::StructType *st, llvm::StringRef name) {
  for (size_t i = 0; i < st->fields.size(); ++i)
    if (st->fields[i].name == name)
      return (int)i;
  return -1;
}

glc::PointerType *IRGen::ptrBase(Type *t) {
  return t && !t->isNamed() ? dyn_cast<glc::PointerType>(t) : nullptr;
}

glc::ArrayType *IRGen::ptrToArray(Type *t) {
  if (auto *pt = dyn_cast_or_null<glc::PointerType>(under(t)))
    return dyn_cast_or_null<glc::ArrayType>(under(pt->elem));
  return nullptr;
}

Value *IRGen::nilCheck(Value *p, uint64_t offset) {
  if (isa<AllocaInst>(p) || isa<GlobalValue>(p))
    return p; // never nil
  PendingCheck c{b.CreateIsNull(p), true, offset, nullptr, nullptr, BoundsCode::Index, false};
  if (pendingChecks)
    pendingChecks->push_back(c);
  else
    emitCheckFail(c);
  return p;
}

void IRGen::emitCheckFail(const PendingCheck &c) {
  BasicBlock *fail = newBlock(c.isNil ? "nil.fail" : "bounds.fail");
  BasicBlock *cont = newBlock(c.isNil ? "nil.ok" : "bounds.ok");
  b.CreateCondBr(c.fail, fail, cont);
  b.SetInsertPoint(fail);
  if (!c.isNil)
    callRT(RT::panicBounds, {c.x64, c.y, ConstantInt::get(i32, static_cast<int>(c.code)),
                             ConstantInt::get(i8, c.isSigned ? 1 : 0)});
  // gc lets a load or store at a small offset be the check itself (the
  // fault reports addr=offset); beyond 4096 it checks explicitly (addr 0).
  else if (c.offset > 0 && c.offset < 4096)
    callRT(RT::panicmemAddr, {i64c((int64_t)c.offset)});
  else
    callRT(RT::panicmem, {});
  b.SetInsertPoint(cont);
}

void IRGen::emitPendingChecks(std::vector<PendingCheck> &checks) {
  for (const PendingCheck &c : checks)
    emitCheckFail(c);
  checks.clear();
}

Value *IRGen::genAddrDeferChecks(Expr *e, std::vector<PendingCheck> &out) {
  std::vector<PendingCheck> *saved = pendingChecks;
  pendingChecks = &out;
  Value *a = genAddr(e);
  pendingChecks = saved;
  return a;
}

// Follows s->path from s->x: one implicit dereference if x is a pointer,
// then a GEP per field, loading (and nil-checking) embedded pointers the
// path goes through. Returns the address of the last field on the path
// (or of x's struct itself for an empty path); *t is its type.
Value *IRGen::walkPath(SelectorExpr *s, Type **t) {
  Type *cur = s->x->type;
  Value *base;
  if (auto *pt = dyn_cast<glc::PointerType>(under(cur))) {
    cur = pt->elem;
    // The fault address gc reports: the field's offset in *x.
    uint64_t off = 0;
    if (!s->path.empty())
      if (auto *st = dyn_cast<llvm::StructType>(llType(cur)))
        off = DL.getStructLayout(st)->getElementOffset((unsigned)s->path[0]);
    base = nilCheck(genExpr(s->x), off);
  } else if (isAddressable(s->x)) {
    base = genAddr(s->x);
  } else { // a method's receiver inside a value (f().E.M())
    Value *v = genExpr(s->x);
    base = entryAlloca(v->getType(), "sel.tmp");
    b.CreateStore(v, base);
  }
  for (size_t i = 0; i < s->path.size(); ++i) {
    if (i > 0) {
      if (auto *pt = dyn_cast<glc::PointerType>(under(cur))) { // embedded *E
        if (pendingChecks) // the load reads memory: check what leads to it now
          emitPendingChecks(*pendingChecks);
        base = nilCheck(b.CreateLoad(ptrTy, base));
        cur = pt->elem;
      }
    }
    auto *st = cast<glc::StructType>(under(cur));
    int idx = s->path[i];
    base = b.CreateStructGEP(llType(cur), base, (unsigned)idx, st->fields[idx].name);
    cur = st->fields[idx].type;
  }
  if (t)
    *t = cur;
  return base;
}

bool IRGen::pathIndirect(SelectorExpr *s) {
  Type *cur = s->x->type;
  if (isa<glc::PointerType>(under(cur)))
    return true;
  for (size_t i = 0; i + 1 < s->path.size(); ++i) {
    auto *st = dyn_cast<glc::StructType>(under(cur));
    if (!st)
      return false;
    cur = st->fields[s->path[i]].type;
    if (isa<glc::PointerType>(under(cur)))
      return true;
  }
  return false;
}

Value *IRGen::fieldAddr(SelectorExpr *s) { return walkPath(s, nullptr); }

Value *IRGen::methodRecvPtr(SelectorExpr *s, Type **recvT) {
  if (s->path.empty()) {
    Type *xt = s->x->type;
    if (recvT)
      *recvT = isa<glc::PointerType>(under(xt)) ? cast<glc::PointerType>(under(xt))->elem : xt;
    return recvPtr(s->x);
  }
  Type *t;
  Value *p = walkPath(s, &t);
  if (auto *pt = dyn_cast<glc::PointerType>(under(t))) { // embedded *E
    p = nilCheck(b.CreateLoad(ptrTy, p));
    t = pt->elem;
  }
  if (recvT)
    *recvT = t;
  return p;
}

Value *IRGen::genSelector(SelectorExpr *s) {
  if (s->ifaceMethod >= 0)
    return genIfaceMethodValue(s);
  if (Object *m = s->sel->obj; m && m->funcDecl && m->funcDecl->recv)
    return s->methodExpr ? genMethodExpr(s, m) : genMethodValue(s, m);
  if (Object *m = s->sel->obj; m && m->ifaceOwner)
    return s->methodExpr ? genMethodExpr(s, m) : genPromotedIfaceValue(s, m);
  if (isAddressable(s))
    return b.CreateLoad(llType(s->type), fieldAddr(s), s->sel->name);
  // A field of a struct value (f().x, f().e.x): no pointer on the path.
  Value *v = genExpr(s->x);
  std::vector<unsigned> idx(s->path.begin(), s->path.end());
  return b.CreateExtractValue(v, idx, s->sel->name);
}

Value *IRGen::genDeref(StarExpr *e) {
  Value *p = nilCheck(genExpr(e->x));
  return b.CreateLoad(llType(e->type), p);
}

Value *IRGen::newObject(Type *t, const Twine &name) {
  Value *p = callRT(RT::newobject, {typeDesc(t)});
  p->setName(name);
  return p;
}

Value *IRGen::genAddressOf(UnaryExpr *e) {
  Expr *x = unparen(e->x);
  if (auto *lit = dyn_cast<CompositeLit>(x)) {
    // &T{...}: evaluate the elements, then fill a fresh heap object.
    Value *p = newObject(lit->type, "lit.heap");
    genCompositeLitAs(lit, lit->type, p);
    return p;
  }
  return genAddr(x);
}

// Fields known at compile time (constLitValue) go into the zero value, so
// a large literal stored `into` memory is one copy of static data plus the
// stores of the computed fields (see "Composite literals", IRGenExpr.cpp).
Value *IRGen::genStructLit(CompositeLit *e, glc::StructType *st, Type *t, Value *into) {
  std::vector<Constant *> fieldInit(st->fields.size(), nullptr);
  std::vector<std::pair<unsigned, Value *>> items;
  for (size_t i = 0; i < e->elts.size(); ++i) {
    Expr *elt = e->elts[i];
    unsigned idx = (unsigned)i;
    if (auto *kv = dyn_cast<KeyValueExpr>(elt)) {
      auto *key = dyn_cast<Ident>(kv->key);
      idx = (unsigned)fieldIndex(st, key ? key->name : "");
      elt = kv->value;
    }
    if (st->fields[idx].name == "_") {
      // A blank field stays zero, as gc keeps it (issue31546: reflect
      // reads it); its value is still evaluated.
      if (!constLitValue(elt, st->fields[idx].type))
        (void)genValue(elt, st->fields[idx].type);
      continue;
    }
    if (Constant *k = constLitValue(elt, st->fields[idx].type))
      fieldInit[idx] = k;
    else
      items.push_back({idx, genValue(elt, st->fields[idx].type)});
  }
  for (size_t i = 0; i < fieldInit.size(); ++i)
    if (!fieldInit[i])
      fieldInit[i] = zeroValue(st->fields[i].type);
  Constant *init = ConstantStruct::get(cast<llvm::StructType>(llType(t)), fieldInit);
  Value *agg = init;
  if (into) {
    if (isLargeAggregate(t))
      fillFromStatic(into, init);
    else
      b.CreateStore(agg, into);
    for (auto &[idx, v] : items)
      b.CreateStore(v, b.CreateStructGEP(llType(t), into, idx));
    return nullptr;
  }
  for (auto &[idx, v] : items)
    agg = b.CreateInsertValue(agg, v, idx);
  return agg;
}

// == on structs and arrays, in Go's order (gc's walkCompare and the
// type..eq functions it generates, compare.EqStruct): components in
// order, depth first, blank fields skipped; a comparison that can panic
// (an interface, whose dynamic type may be uncomparable) runs only when
// every component before it was equal, so A{1, []int{}} == A{2,
// []int{}} is false and does not panic (issue8606.go). Runs of
// components that cannot panic are combined without branches (their
// order is not observable).
static bool eqCanPanic(Type *t) {
  Type *u = IRGen::under(t);
  if (auto *st = dyn_cast_or_null<glc::StructType>(u)) {
    for (auto &f : st->fields)
      if (f.name != "_" && eqCanPanic(f.type))
        return true;
    return false;
  }
  if (auto *at = dyn_cast_or_null<glc::ArrayType>(u))
    return at->len > 0 && eqCanPanic(at->elem);
  return u && u->kind == TypeKind::Interface;
}

namespace {
struct EqChain {
  IRGen &g;
  llvm::Value *acc;                     // every component so far is equal
  std::vector<llvm::BasicBlock *> fail; // blocks that found a difference
  llvm::BasicBlock *done = nullptr;      // where they go
  void part(llvm::Value *x, llvm::Value *y, Type *t) {
    Type *u = IRGen::under(t);
    if (auto *st = dyn_cast_or_null<glc::StructType>(u)) {
      for (size_t i = 0; i < st->fields.size(); ++i)
        if (st->fields[i].name != "_")
          part(g.b.CreateExtractValue(x, (unsigned)i), g.b.CreateExtractValue(y, (unsigned)i),
               st->fields[i].type);
      return;
    }
    if (auto *at = dyn_cast_or_null<glc::ArrayType>(u)) {
      for (int64_t i = 0; i < at->len; ++i)
        part(g.b.CreateExtractValue(x, (unsigned)i), g.b.CreateExtractValue(y, (unsigned)i), at->elem);
      return;
    }
    if (!eqCanPanic(t)) {
      acc = g.b.CreateAnd(acc, g.genCompare(TokKind::Eql, x, y, t));
      return;
    }
    if (!isa<ConstantInt>(acc)) { // acc is true while nothing has been compared
      BasicBlock *next = g.newBlock("eq.next");
      if (!done)
        done = g.newBlock("eq.done");
      fail.push_back(g.b.GetInsertBlock());
      g.b.CreateCondBr(acc, next, done);
      g.b.SetInsertPoint(next);
    }
    acc = g.genCompare(TokKind::Eql, x, y, t);
  }
};
} // namespace

Value *IRGen::genAggregateEq(Value *x, Value *y, Type *t) {
  // A large one through its type's equality function, from two frame
  // copies: comparing it part by part here unrolls every array element
  // (x == y on a struct with a [3000]byte field made 18,000 loads in
  // main and took LLVM minutes), as equalFunc's comment says of its own
  // body. The function compares in the same order and stops at the same
  // first difference, so which comparison may panic is unchanged.
  if (isLargeAggregate(t)) {
    llvm::Type *lt = llType(t);
    Value *px = entryAlloca(lt, "eq.x"), *py = entryAlloca(lt, "eq.y");
    b.CreateStore(x, px); // driver/AggregateCopy.cpp makes these memcpys
    b.CreateStore(y, py);
    auto *fty = FunctionType::get(i1, {ptrTy, ptrTy}, false);
    return b.CreateCall(fty, equalFunc(t), {px, py});
  }
  EqChain ch{*this, ConstantInt::getTrue(C), {}, nullptr};
  ch.part(x, y, t);
  if (ch.fail.empty())
    return ch.acc;
  BasicBlock *done = ch.done, *last = b.GetInsertBlock();
  b.CreateBr(done);
  b.SetInsertPoint(done);
  PHINode *phi = b.CreatePHI(i1, (unsigned)ch.fail.size() + 1);
  for (BasicBlock *bb : ch.fail)
    phi->addIncoming(ConstantInt::getFalse(C), bb);
  phi->addIncoming(ch.acc, last);
  return phi;
}

Value *IRGen::genNew(CallExpr *e) {
  auto *pt = cast<glc::PointerType>(under(e->type));
  return newObject(pt->elem, "new");
}

Value *IRGen::recvPtr(Expr *x) {
  if (isa<glc::PointerType>(under(x->type)))
    return nilCheck(genExpr(x));
  return genAddr(x);
}

} // namespace glc
