//===- IRGenMap.cpp - maps: make, m[k], assignment, delete, range ----------===//
//
// Lowering of map operations to glrt's map.cpp entry points (abi.def):
//  - a map value is a pointer to the runtime's hmap (nil map = null);
//    len(m) loads the count at offset 0 (0 for nil); printing a map prints
//    the pointer, comparing with nil compares it;
//  - m[k] reads through mapaccess1 (the runtime returns a zero value's
//    address for a missing key), v, ok := m[k] through mapaccess2;
//  - m[k] = v, m[k] op= v, m[k]++ store through the slot mapassign
//    returns, right after the call: a later map operation may move the
//    entry (growth), so no slot address outlives its statement's store;
//  - keys go by address (spilled to a stack slot), except for the fast
//    variants: string keys (faststr) and 8-byte integer/pointer/chan keys
//    and 8-byte regular-memory structs and arrays, passed as their word
//    (fast64), which hash exactly as the generic path (alg.h), so the
//    iterator (which hashes generically) agrees with them;
//  - for k, v := range m keeps a 112-byte hiter in the frame.
// Map types are described to the runtime by their typeDesc (IRGenTypeDesc:
// the MapType record, shared with interfaces and everything else that
// needs the type); its hasher is null: the runtime hashes by the key's
// descriptor (typedesc.def).
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

using namespace llvm;

namespace glc {

MapType *IRGen::mapIndexType(Expr *e) {
  auto *ix = dyn_cast_or_null<IndexExpr>(unparen(e));
  if (!ix || !ix->x->type)
    return nullptr;
  return dyn_cast<MapType>(under(ix->x->type));
}

IRGen::MapKeyPath IRGen::mapKeyPath(MapType *mt) {
  Type *k = under(mt->key);
  if (k->kind == TypeKind::String)
    return MapKeyPath::Str;
  switch (k->kind) {
  case TypeKind::Int: case TypeKind::Int64: case TypeKind::Uint: case TypeKind::Uint64:
  case TypeKind::Uintptr: case TypeKind::Pointer: case TypeKind::Chan:
  case TypeKind::UnsafePointer:
    return MapKeyPath::Fast64;
  case TypeKind::Struct: case TypeKind::Array:
    // 8 bytes of regular memory (gc's AMEM64: struct{a, b int32},
    // [8]byte, a struct holding one pointer): hashed as 8 bytes either
    // way (alg.h), passed as their word (mapKeyArgs).
    return sizeOf(k) == 8 && isRegularMemory(k) ? MapKeyPath::Fast64 : MapKeyPath::Generic;
  default:
    return MapKeyPath::Generic;
  }
}

// ---- operations ----

Value *IRGen::genMakeMap(CallExpr *e) {
  auto *mt = cast<MapType>(under(e->type));
  Value *hint = e->args.size() > 1 ? toI64(genValue(e->args[1], nullptr), e->args[1]->type) : i64c(0);
  return callRT(RT::makemap, {typeDesc(mt), hint});
}

Value *IRGen::genMapLen(Value *m) {
  Value *isNil = b.CreateICmpEQ(m, ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy)));
  BasicBlock *cur = b.GetInsertBlock();
  BasicBlock *loadBB = newBlock("maplen.load"), *endBB = newBlock("maplen.end");
  b.CreateCondBr(isNil, endBB, loadBB);
  b.SetInsertPoint(loadBB);
  Value *n = b.CreateLoad(i64, m);
  b.CreateBr(endBB);
  b.SetInsertPoint(endBB);
  PHINode *phi = b.CreatePHI(i64, 2);
  phi->addIncoming(i64c(0), cur);
  phi->addIncoming(n, loadBB);
  return phi;
}

// The key operand(s) of a runtime call: the spilled key's address, or the
// key's words for the fast variants.
std::vector<Value *> IRGen::mapKeyArgs(MapType *mt, Value *key) {
  switch (mapKeyPath(mt)) {
  case MapKeyPath::Str:
    return {strData(key), strLen(key)};
  case MapKeyPath::Fast64:
    if (key->getType()->isAggregateType()) { // a struct or array: its 8 bytes as one word
      Value *slot = entryAlloca(key->getType(), "map.key64");
      b.CreateStore(key, slot);
      return {b.CreateLoad(i64, slot)};
    }
    return {key->getType()->isPointerTy() ? b.CreatePtrToInt(key, i64) : key};
  default: {
    Value *slot = entryAlloca(llType(mt->key), "map.key");
    b.CreateStore(key, slot);
    return {slot};
  }
  }
}

Value *IRGen::mapCall(RT generic, RT fast64, RT faststr, MapType *mt, Value *m, Value *key,
                      std::vector<Value *> extra) {
  MapKeyPath p = mapKeyPath(mt);
  RT id = p == MapKeyPath::Str ? faststr : p == MapKeyPath::Fast64 ? fast64 : generic;
  std::vector<Value *> args = {typeDesc(mt), m};
  for (Value *v : mapKeyArgs(mt, key))
    args.push_back(v);
  for (Value *v : extra)
    args.push_back(v);
  return callRT(id, args);
}

Value *IRGen::genMapIndex(IndexExpr *e, MapType *mt) {
  Value *m = genExpr(e->x);
  Value *k = genValue(e->index, mt->key);
  Value *p;
  if (sizeOf(mt->value) > 1024) {
    auto *zero = new GlobalVariable(*mod, llType(mt->value), true, GlobalValue::PrivateLinkage,
                                    Constant::getNullValue(llType(mt->value)), "map.zero");
    std::vector<Value *> ks = mapKeyArgs(mt, k);
    Value *slot = ks.size() == 1 && ks[0]->getType()->isPointerTy()
                      ? ks[0]
                      : nullptr;
    if (!slot) {
      slot = entryAlloca(llType(mt->key), "map.key");
      b.CreateStore(k, slot);
    }
    p = callRT(RT::mapaccess1_fat, {typeDesc(mt), m, slot, zero});
  } else {
    p = mapCall(RT::mapaccess1, RT::mapaccess1_fast64, RT::mapaccess1_faststr, mt, m, k);
  }
  return b.CreateLoad(llType(mt->value), p);
}

std::pair<Value *, Value *> IRGen::genMapIndexOk(IndexExpr *e, MapType *mt) {
  Value *m = genExpr(e->x);
  Value *k = genValue(e->index, mt->key);
  Value *r = mapCall(RT::mapaccess2, RT::mapaccess2_fast64, RT::mapaccess2_faststr, mt, m, k);
  Value *p = b.CreateExtractValue(r, 0);
  Value *ok = b.CreateICmpNE(b.CreateExtractValue(r, 1), i64c(0));
  return {b.CreateLoad(llType(mt->value), p), ok};
}

IRGen::MapLval IRGen::genMapLval(Expr *e) {
  auto *ix = cast<IndexExpr>(unparen(e));
  MapType *mt = mapIndexType(ix);
  MapLval l;
  l.mt = mt;
  l.m = genExpr(ix->x);
  l.key = genValue(ix->index, mt->key);
  return l;
}

Value *IRGen::mapAssignSlot(const MapLval &l) {
  return mapCall(RT::mapassign, RT::mapassign_fast64, RT::mapassign_faststr, l.mt, l.m, l.key);
}

void IRGen::genMapDelete(CallExpr *e) {
  auto *mt = cast<MapType>(under(e->args[0]->type));
  Value *m = genExpr(e->args[0]);
  Value *k = genValue(e->args[1], mt->key);
  mapCall(RT::mapdelete, RT::mapdelete_fast64, RT::mapdelete_faststr, mt, m, k);
}

Value *IRGen::genMapLit(CompositeLit *e, MapType *mt, Type *t) {
  size_t n = e->elts.size();
  Value *m = callRT(RT::makemap, {typeDesc(mt), i64c(int64_t(n))});
  for (Expr *el : e->elts) {
    auto *kv = dyn_cast<KeyValueExpr>(el);
    if (!kv)
      continue;
    MapLval l{mt, m, genValue(kv->key, mt->key)};
    Value *v = genValue(kv->value, mt->value);
    b.CreateStore(v, mapAssignSlot(l));
  }
  return m;
}

// Whether gc calls a fast map routine for this map (walk's mapfast): 4- or
// 8-byte plain-memory keys or strings, elements of at most 128 bytes.
static bool gcFastMap(IRGen &g, MapType *mt) {
  if (g.sizeOf(mt->value) > 128)
    return false;
  Type *k = mt->key->underlying();
  if (k->kind == TypeKind::String)
    return true;
  uint64_t n = g.sizeOf(k);
  return (n == 4 || n == 8) && g.isRegularMemory(k);
}

// Whether gc's order pass copies the key k of an index into this map into
// a temporary where it meets it (order.go mapKeyTemp), so that k is
// evaluated at its place among the calls, before the operators around it
// and before the right side of `m[k] = v`: a fast routine's key that must
// be converted through memory (a struct or array key), and a slow
// routine's key that is not addressable or is a local variable
// (addrTemp, isaddrokay). A fast routine's string, integer or pointer
// key is used in place, evaluated after v (order's safeMapRHS copies v).
bool IRGen::gcMapKeyTemp(MapType *mt, Expr *k) {
  if (gcFastMap(*this, mt)) {
    Type *u = mt->key->underlying();
    return !(u->kind == TypeKind::String || u->isInteger() || u->kind == TypeKind::Pointer ||
             u->kind == TypeKind::Chan || u->kind == TypeKind::UnsafePointer);
  }
  if (auto *id = dyn_cast<Ident>(unparen(k)))
    return !(id->obj && globals.lookup(id->obj));
  return !isAddressable(k);
}

// Assignments with a map index on the left (IRGenStmt's genAssign hands
// them here): operands of every left side first (map and key values, or
// the address of a plain variable), then the right sides, then each store
// in order, a map's through a fresh mapassign. A single `m[k] = v` whose
// key gc does not copy evaluates v before m and k, as gc does
// (gcMapKeyTemp): only the order of run-time panics shows it.
void IRGen::genMapAssign(AssignStmt *s, const std::vector<Type *> &dsts) {
  if (s->lhs.size() == 1 && s->rhs.size() == 1 &&
      !gcMapKeyTemp(mapIndexType(s->lhs[0]), cast<IndexExpr>(unparen(s->lhs[0]))->index)) {
    std::vector<Value *> vals = genRHS(s->rhs, 1, dsts);
    MapLval ml = genMapLval(s->lhs[0]);
    b.CreateStore(vals[0], mapAssignSlot(ml));
    return;
  }
  struct L {
    bool isMap = false;
    MapLval ml;
    Value *addr = nullptr;
    std::vector<PendingCheck> checks; // addr's nil/bounds checks, run at its store
  };
  std::vector<Value *> vals;
  auto genVals = [&] {
    if (s->rhs.size() == 1 && s->lhs.size() == 2 && mapIndexType(s->rhs[0])) {
      auto *ix = cast<IndexExpr>(unparen(s->rhs[0]));
      MapType *mt = mapIndexType(ix);
      auto [v, ok] = genMapIndexOk(ix, mt);
      vals = {coerce(v, mt->value, dsts.size() > 0 ? dsts[0] : nullptr),
              coerce(ok, types.boolType(), dsts.size() > 1 ? dsts[1] : nullptr)};
    } else {
      vals = genRHS(s->rhs, s->lhs.size(), dsts);
    }
  };
  // A comma-ok right side first, as genAssign does (gc's as2ok), after
  // the keys gc's order pass copies into temporaries (gcMapKeyTemp).
  bool rhsFirst = s->rhs.size() == 1 && s->lhs.size() > 1;
  if (rhsFirst) {
    for (Expr *l : s->lhs)
      if (MapType *mt = mapIndexType(l)) {
        Expr *k = cast<IndexExpr>(unparen(l))->index;
        if (gcMapKeyTemp(mt, k) && !(k->mode == ExprMode::Constant && k->constVal) &&
            !isNilExpr(k) && !fs->hoisted.count(k))
          fs->hoisted[k] = genExprNoConv(k); // genValue converts
      }
    genVals();
  }
  std::vector<L> ls;
  for (Expr *l : s->lhs) {
    L x;
    if (mapIndexType(l)) {
      x.isMap = true;
      x.ml = genMapLval(l);
    } else if (!isBlank(l)) {
      x.addr = genAddrDeferChecks(l, x.checks);
    }
    ls.push_back(std::move(x));
  }
  if (!rhsFirst)
    genVals();
  for (size_t i = 0; i < ls.size() && i < vals.size(); ++i) {
    if (ls[i].isMap)
      b.CreateStore(vals[i], mapAssignSlot(ls[i].ml));
    else if (ls[i].addr) {
      emitPendingChecks(ls[i].checks);
      b.CreateStore(vals[i], ls[i].addr);
    }
  }
}

void IRGen::genRangeMap(RangeStmt *s) {
  auto *mt = cast<MapType>(under(s->x->type));
  Expr *keyE = s->key && !isBlank(s->key) ? s->key : nullptr;
  Expr *valE = s->value && !isBlank(s->value) ? s->value : nullptr;
  hoistCalls(s->x);
  Value *m = genExpr(s->x);
  auto *itTy = llvm::ArrayType::get(i64, 14); // hiter: 112 bytes, 8-aligned (map.h)
  Value *it = entryAlloca(itTy, "map.iter");
  callRT(RT::mapiterinit, {typeDesc(mt), m, it});
  Expr *vars[2] = {keyE, valE};
  Value *addrs[2] = {nullptr, nullptr};
  if (s->tok == TokKind::Define)
    for (int i = 0; i < 2; ++i)
      if (auto *id = dyn_cast_or_null<Ident>(vars[i]); id && id->obj)
        addrs[i] = allocVar(id->obj, id->name); // one variable for the loop (go1.19)
  BasicBlock *condBB = newBlock("rangemap.cond"), *bodyBB = newBlock("rangemap.body");
  BasicBlock *nextBB = newBlock("rangemap.next"), *endBB = newBlock("rangemap.end");
  setBlock(condBB);
  Value *kp = b.CreateLoad(ptrTy, it);
  b.CreateCondBr(b.CreateICmpEQ(kp, ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy))),
                 endBB, bodyBB);
  b.SetInsertPoint(bodyBB);
  Value *vals[2] = {nullptr, nullptr};
  if (keyE)
    vals[0] = b.CreateLoad(llType(mt->key), kp);
  if (valE)
    vals[1] = b.CreateLoad(llType(mt->value), b.CreateLoad(ptrTy, b.CreateConstGEP1_64(i8, it, 8)));
  if (s->tok == TokKind::Define) {
    for (int i = 0; i < 2; ++i)
      if (vars[i] && addrs[i])
        b.CreateStore(vals[i], addrs[i]);
  } else {
    Type *from[2] = {mt->key, mt->value};
    genPairAssign(vars, vals, from);
  }
  fs->targets.push_back({s, endBB, nextBB});
  genBlock(s->body);
  fs->targets.pop_back();
  setBlock(nextBB);
  callRT(RT::mapiternext, {it});
  b.CreateBr(condBB);
  b.SetInsertPoint(endBB);
}

// for k, v = range x and a select case k, v = <-c (assigned, not
// declared) assign as k, v = key, value does: the operands of both left
// sides first (an index; a map and its key: `for i, x[i] = range` indexes
// with the old i), then the stores in order, a map element's through
// mapassign. vars[i] null: not assigned. from[i] is vals[i]'s Go type: a
// value is converted to its variable's type as any assignment converts it
// (an int index or a concrete element assigned to an interface variable,
// one interface to another), before the left sides are evaluated, as Go
// evaluates the right side's conversions with the right side.
void IRGen::genPairAssign(Expr *vars[2], Value *vals[2], Type *from[2]) {
  for (int i = 0; i < 2; ++i)
    if (vars[i])
      vals[i] = coerce(vals[i], from[i], vars[i]->type);
  MapLval ml[2];
  Value *addr[2] = {nullptr, nullptr};
  std::vector<PendingCheck> checks[2];
  for (int i = 0; i < 2; ++i) {
    if (!vars[i])
      continue;
    hoistCalls(vars[i]);
    if (mapIndexType(vars[i]))
      ml[i] = genMapLval(vars[i]);
    else
      addr[i] = genAddrDeferChecks(vars[i], checks[i]);
  }
  for (int i = 0; i < 2; ++i) {
    if (!vars[i])
      continue;
    emitPendingChecks(checks[i]);
    b.CreateStore(vals[i], ml[i].mt ? mapAssignSlot(ml[i]) : addr[i]);
  }
}

// m[k] op= v as gc lowers it: m[k] = m[k] op v with m and k evaluated
// once; the operation (which may panic) runs before mapassign inserts k.
void IRGen::genMapOpAssign(AssignStmt *s) {
  TokKind op = opAssignToBinary(s->tok);
  Expr *lhs = s->lhs[0], *rhs = s->rhs[0];
  Type *lt = lhs->type;
  bool shift = op == TokKind::Shl || op == TokKind::Shr;
  // gc evaluates y before a key it does not copy (safeMapRHS), except for / and
  // % (order rewrites those to m[k] = m[k] op y with k in a temporary).
  bool yFirst = !gcMapKeyTemp(mapIndexType(lhs), cast<IndexExpr>(unparen(lhs))->index) &&
                op != TokKind::Quo && op != TokKind::Rem;
  Value *y = yFirst ? genValue(rhs, shift ? nullptr : lt) : nullptr;
  MapLval l = genMapLval(lhs);
  if (!yFirst)
    y = genValue(rhs, shift ? nullptr : lt);
  Value *p = mapCall(RT::mapaccess1, RT::mapaccess1_fast64, RT::mapaccess1_faststr, l.mt, l.m, l.key);
  Value *old = b.CreateLoad(llType(lt), p);
  Value *r = genBinOp(op, old, y, lt, shift ? rhs->type : lt, s->pos);
  b.CreateStore(r, mapAssignSlot(l));
}

void IRGen::genMapIncDec(IncDecStmt *s) {
  Type *t = s->x->type;
  MapLval l = genMapLval(s->x);
  llvm::Type *lt = llType(t);
  Value *p = mapCall(RT::mapaccess1, RT::mapaccess1_fast64, RT::mapaccess1_faststr, l.mt, l.m, l.key);
  Value *old = b.CreateLoad(lt, p);
  Value *r;
  if (lt->isFloatingPointTy())
    r = s->inc ? b.CreateFAdd(old, ConstantFP::get(lt, 1.0)) : b.CreateFSub(old, ConstantFP::get(lt, 1.0));
  else
    r = s->inc ? b.CreateAdd(old, ConstantInt::get(lt, 1)) : b.CreateSub(old, ConstantInt::get(lt, 1));
  b.CreateStore(r, mapAssignSlot(l));
}

} // namespace glc
