//===- IRGenExpr.cpp - expressions -----------------------------------------===//
//
// Lowers expressions to SSA values (genExpr) or, for addressable ones, to
// the address of their storage (genAddr). Everything Go checks at run time
// is checked here, with the runtime's panic entry points:
//   - index and slice bounds (glrt_panicBounds with Go's boundsError code,
//     the offending value and the length/capacity, as ssagen does),
//   - integer division by zero (glrt_panicdivide); MinInt / -1 is guarded
//     so x86's idiv never traps (Go defines it as MinInt, and % -1 as 0),
//   - negative shift counts (glrt_panicshift); counts >= width give 0 or
//     the sign (never LLVM poison),
//   - calls of nil func values (glrt_panicmem).
// Float -> integer conversions use the x86 truncating conversions the way
// Go's amd64 backend does, so out-of-range values give Go's results rather
// than LLVM poison.
//
// Evaluation order: operands and call arguments left to right; a call's
// function value before its arguments; print/println evaluate all their
// operands before printing anything.
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/IntrinsicsX86.h"

using namespace llvm;

namespace glc {

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

Value *IRGen::callRT(RT id, ArrayRef<Value *> args) {
  Function *fn = rt[(int)id];
  CallInst *call = b.CreateCall(fn->getFunctionType(), fn, args);
  if (rtNoReturn[(int)id]) {
    call->setDoesNotReturn();
    b.CreateUnreachable();
    startDeadBlock();
  }
  return call;
}

BasicBlock *IRGen::newBlock(const Twine &name) { return BasicBlock::Create(C, name, fs->fn); }

void IRGen::setBlock(BasicBlock *bb) {
  if (blockOpen())
    b.CreateBr(bb);
  b.SetInsertPoint(bb);
}

void IRGen::startDeadBlock() { b.SetInsertPoint(newBlock("dead")); }

AllocaInst *IRGen::entryAlloca(llvm::Type *t, const Twine &name) {
  IRBuilder<> tmp(fs->allocaBB);
  return tmp.CreateAlloca(t, nullptr, name);
}

bool IRGen::isLargeAggregate(Type *t) {
  return isa_and_nonnull<glc::ArrayType, glc::StructType>(under(t)) && sizeOf(t) > kLargeAggregate;
}

void IRGen::storeExpr(Value *dst, Expr *src, Type *dstType) {
  if (auto *lit = dyn_cast<CompositeLit>(unparen(src));
      lit && isLargeAggregate(dstType) && isa<glc::ArrayType, glc::StructType>(under(lit->type))) {
    genCompositeLitInto(lit, dst);
    return;
  }
  if (isLargeAggregate(dstType) && isAddressable(src)) {
    Value *from = genAddr(src);
    b.CreateMemMove(dst, DL.getABITypeAlign(llType(dstType)), from, DL.getABITypeAlign(llType(dstType)), i64c(sizeOf(dstType)));
    return;
  }
  storeValue(genValue(src, dstType), dst, dstType);
}

// Stores v into dst. A large aggregate that was just loaded (a call's sret
// temporary, a variable) is copied with one memmove from where it was
// loaded instead: LLVM splits a load/store of [8000 x i64] into thousands
// of scalars (returning an 8000-element array took minutes to compile).
// Only when the load is the last instruction emitted, so nothing can have
// written its source since.
void IRGen::storeValue(Value *v, Value *dst, Type *t) {
  auto *ld = dyn_cast<LoadInst>(v);
  if (ld && isLargeAggregate(t) && ld->use_empty() && b.GetInsertBlock() &&
      !b.GetInsertBlock()->empty() && &b.GetInsertBlock()->back() == ld) {
    Value *from = ld->getPointerOperand();
    ld->eraseFromParent();
    llvm::Align al = DL.getABITypeAlign(llType(t));
    b.CreateMemMove(dst, al, from, al, i64c(sizeOf(t)));
    return;
  }
  b.CreateStore(v, dst);
}

Value *IRGen::allocVar(Object *obj, const Twine &name) {
  llvm::Type *t = llType(obj->type);
  uint64_t size = DL.getTypeAllocSize(t);
  Value *addr;
  if (obj->captured || size > kMaxStackVar) {
    addr = newObject(obj->type, name + ".box");
  } else {
    addr = entryAlloca(t, name);
    if (size > kLargeAggregate)
      b.CreateMemSet(addr, ConstantInt::get(i8, 0), size, DL.getABITypeAlign(t));
    else
      b.CreateStore(Constant::getNullValue(t), addr);
  }
  fs->vars[obj] = addr;
  dbgDeclare(obj, addr);
  return addr;
}

Value *IRGen::toI64(Value *v, Type *t) {
  if (v->getType() == i64)
    return v;
  if (v->getType()->isIntegerTy())
    return isUnsignedInt(t) || v->getType() == i1 ? b.CreateZExt(v, i64) : b.CreateSExt(v, i64);
  return v;
}

Value *IRGen::makeString(Value *p, Value *n) {
  Value *s = b.CreateInsertValue(PoisonValue::get(strTy), p, 0);
  return b.CreateInsertValue(s, n, 1);
}

Value *IRGen::makeSlice(Value *p, Value *n, Value *c) {
  Value *s = b.CreateInsertValue(PoisonValue::get(sliceTy), p, 0);
  s = b.CreateInsertValue(s, n, 1);
  return b.CreateInsertValue(s, c, 2);
}

Value *IRGen::pairToString(Value *pair) {
  return makeString(b.CreateExtractValue(pair, 0), b.CreateExtractValue(pair, 1));
}


//===----------------------------------------------------------------------===//
// Constants and values
//===----------------------------------------------------------------------===//

Value *IRGen::genConst(Expr *e, Type *t) { return genConstValue(*e->constVal, t, e->pos); }

Value *IRGen::genConstValue(const ConstValue &cv, Type *t, SMLoc pos) {
  llvm::Type *lt = llType(t);
  if (isBoolT(t))
    return ConstantInt::get(i1, cv.kind == ConstValue::Bool ? cv.b : !cv.i.isZero());
  if (isIntegerT(t) || (lt->isIntegerTy() && !isBoolT(t))) {
    unsigned bits = lt->getIntegerBitWidth();
    if (cv.kind == ConstValue::Float) {
      // Sema checked that the value is an integer that fits.
      auto v = cv.r.toInt(ConstValue::kIntBits);
      return ConstantInt::get(lt, v ? v->trunc(bits) : APInt(bits, 0));
    }
    return ConstantInt::get(lt, cv.i.trunc(bits));
  }
  if (isFloatT(t)) {
    const fltSemantics &sem = lt->isFloatTy() ? APFloat::IEEEsingle() : APFloat::IEEEdouble();
    return ConstantFP::get(C, cv.asAPFloat(sem));
  }
  if (isStringT(t))
    return constString(cv.s);
  unsupported(pos, "this constant type is");
  return PoisonValue::get(lt);
}

Value *IRGen::genValue(Expr *e, Type *target) {
  if (target && isNilExpr(e))
    return zeroValue(target);
  if (target && e->mode == ExprMode::Constant && e->constVal && under(target)->isBasic())
    return genConst(e, target);
  return genExpr(e);
}

Value *IRGen::varAddr(Object *obj, SMLoc pos) {
  if (fs) {
    auto it = fs->vars.find(obj);
    if (it != fs->vars.end())
      return it->second;
  }
  if (GlobalVariable *gv = globals.lookup(obj))
    return gv;
  unsupported(pos, "this variable reference is");
  return PoisonValue::get(ptrTy);
}

// Go's spec fixes only the order of calls (and receives) in an expression;
// gc evaluates all of them first, innermost and leftmost first, and loads
// plain operands afterwards, so `x + f()` sees the x that f stored. The
// right operand of && and || is conditional: it is hoisted only when its
// own block is lowered (genBinary). Function literals are not entered.
//
// hoistCalls may run more than once over the same expression (a statement
// hoists its operands, then a helper such as genRHS hoists again). A call or
// receive already hoisted has consumed the hoisted values of its operands, so
// the walk must stop there: re-entering its arguments would find them gone
// and evaluate them a second time.
// Whether evaluating e may call a function or receive (what hoistCalls
// orders); function literals are not entered.
static bool hasCallOrRecv(Expr *e) {
  if (!e || (e->mode == ExprMode::Constant && e->constVal))
    return false;
  switch (e->kind) {
  case ExprKind::Paren:
    return hasCallOrRecv(cast<ParenExpr>(e)->x);
  case ExprKind::Call: {
    auto *c = cast<CallExpr>(e);
    if (c->callKind == CallKind::Regular)
      return true;
    for (Expr *a : c->args)
      if (hasCallOrRecv(a))
        return true;
    return false;
  }
  case ExprKind::Index:
    return hasCallOrRecv(cast<IndexExpr>(e)->x) || hasCallOrRecv(cast<IndexExpr>(e)->index);
  case ExprKind::Slice: {
    auto *s = cast<SliceExpr>(e);
    return hasCallOrRecv(s->x) || hasCallOrRecv(s->lo) || hasCallOrRecv(s->hi) ||
           hasCallOrRecv(s->max);
  }
  case ExprKind::Unary:
    return cast<UnaryExpr>(e)->op == TokKind::Arrow || hasCallOrRecv(cast<UnaryExpr>(e)->x);
  case ExprKind::Star:
    return hasCallOrRecv(cast<StarExpr>(e)->x);
  case ExprKind::Selector:
    return hasCallOrRecv(cast<SelectorExpr>(e)->x);
  case ExprKind::Binary:
    return hasCallOrRecv(cast<BinaryExpr>(e)->x) || hasCallOrRecv(cast<BinaryExpr>(e)->y);
  case ExprKind::KeyValue:
    return hasCallOrRecv(cast<KeyValueExpr>(e)->key) ||
           hasCallOrRecv(cast<KeyValueExpr>(e)->value);
  case ExprKind::CompositeLit:
    for (Expr *x : cast<CompositeLit>(e)->elts)
      if (hasCallOrRecv(x))
        return true;
    return false;
  default:
    return false;
  }
}

void IRGen::hoistCalls(Expr *e) {
  if (!e || !fs || (e->mode == ExprMode::Constant && e->constVal))
    return;
  if (fs->hoisted.count(e))
    return;
  struct Depth {
    int &d;
    explicit Depth(int &d) : d(d) { ++d; }
    ~Depth() { --d; }
  } depth(fs->hoistDepth);
  switch (e->kind) {
  case ExprKind::Paren:
    return hoistCalls(cast<ParenExpr>(e)->x);
  case ExprKind::Call: {
    auto *c = cast<CallExpr>(e);
    if (c->callKind != CallKind::Conversion && c->callKind != CallKind::Builtin)
      hoistCalls(c->fun);
    for (Expr *a : c->args)
      hoistCalls(a);
    if (c->callKind == CallKind::Regular && !fs->hoisted.count(e)) {
      Value *v = genCall(c);
      fs->hoisted[e] = v;
    }
    return;
  }
  case ExprKind::Index: {
    auto *ix = cast<IndexExpr>(e);
    hoistCalls(ix->x);
    hoistCalls(ix->index);
    // A map key gc's order pass copies into a temporary is evaluated
    // here, at its place among the calls (gcMapKeyTemp).
    Expr *k = ix->index;
    if (MapType *mt = mapIndexType(ix); mt && gcMapKeyTemp(mt, k) &&
        !(k->mode == ExprMode::Constant && k->constVal) && !isNilExpr(k) && !fs->hoisted.count(k))
      fs->hoisted[k] = genExprNoConv(k); // genValue converts
    return;
  }
  case ExprKind::TypeAssert: {
    auto *ta = cast<TypeAssertExpr>(e);
    hoistCalls(ta->x);
    // gc's order pass copies x.(T) into a temporary unless T is
    // pointer-shaped (order.go, ODOTTYPE). Not at the root: there it may
    // be a comma-ok form, which genRHS lowers itself.
    if (fs->hoistDepth > 1 && ta->typeExpr && !isDirectIfaceT(ta->type) && !fs->hoisted.count(e))
      fs->hoisted[e] = genExprNoConv(e);
    return;
  }
  case ExprKind::Slice: {
    auto *s = cast<SliceExpr>(e);
    hoistCalls(s->x);
    hoistCalls(s->lo);
    hoistCalls(s->hi);
    hoistCalls(s->max);
    // gc's order pass copies a slice expression into a temporary at its
    // place among the calls (order.go, OSLICE*; it leaves `v = s[i:j]`
    // and `x = x[i:j]` in place, which orders no differently), so its
    // bounds panic comes before those of operators to its left:
    // `n/z + len(s[i:])` panics on the slice.
    if (!fs->hoisted.count(e))
      fs->hoisted[e] = genExprNoConv(e);
    return;
  }
  case ExprKind::Unary:
    hoistCalls(cast<UnaryExpr>(e)->x);
    // A receive is ordered like a call (gc's order pass).
    if (cast<UnaryExpr>(e)->op == TokKind::Arrow && !fs->hoisted.count(e))
      fs->hoisted[e] = genRecvExpr(cast<UnaryExpr>(e));
    return;
  case ExprKind::Star:
    return hoistCalls(cast<StarExpr>(e)->x);
  case ExprKind::Selector:
    return hoistCalls(cast<SelectorExpr>(e)->x);
  case ExprKind::Binary: {
    auto *bin = cast<BinaryExpr>(e);
    hoistCalls(bin->x);
    if (bin->op != TokKind::LAnd && bin->op != TokKind::LOr) {
      hoistCalls(bin->y);
    } else {
      // gc's order pass evaluates x && y into a temporary at its place in
      // the left-to-right order, so the calls of a y that runs come before
      // the calls to its right: `_, _ = false || g(1), g(2)` calls g(1)
      // first (issue30566b); and its panics come before those of the
      // operators around it: `n/z == (b && s[i] == 0)` panics on s[i].
      fs->hoisted[e] = genExprNoConv(e);
    }
    return;
  }
  case ExprKind::KeyValue:
    hoistCalls(cast<KeyValueExpr>(e)->key);
    return hoistCalls(cast<KeyValueExpr>(e)->value);
  case ExprKind::CompositeLit:
    for (Expr *x : cast<CompositeLit>(e)->elts)
      hoistCalls(x);
    return;
  default:
    return;
  }
}

// gc lowers `x = y` (and `x op= y`, which becomes x = x op y) by first
// making x "safe" (walk/expr.go safeExpr, called by walkAssign): names,
// literals, field selections, dereferences, indexes and len/cap are left in
// place, recursively; any other subexpression of x (arithmetic, a
// conversion, a slice expression, ...) is copied into a temporary before
// y is evaluated. The safe parts run when x is addressed, after y. Only the
// order of run-time panics shows it: in `a[s[i]&3] = 1 << c` the index
// error of s[i] comes before the shift's, in `a[s[i]] = 1 << c` after.
void IRGen::hoistUnsafeOperands(Expr *e) {
  if (!e || !fs || (e->mode == ExprMode::Constant && e->constVal) || isNilExpr(e) ||
      fs->hoisted.count(e))
    return;
  switch (e->kind) {
  case ExprKind::Ident:
    return;
  case ExprKind::Paren:
    return hoistUnsafeOperands(cast<ParenExpr>(e)->x);
  case ExprKind::Star:
    return hoistUnsafeOperands(cast<StarExpr>(e)->x);
  case ExprKind::Index:
    hoistUnsafeOperands(cast<IndexExpr>(e)->x);
    return hoistUnsafeOperands(cast<IndexExpr>(e)->index);
  case ExprKind::Selector: {
    auto *sel = cast<SelectorExpr>(e);
    if (unqualify(e) != e) // pkg.V
      return;
    if (sel->x->type && !sel->sel->obj && !sel->path.empty())
      return hoistUnsafeOperands(sel->x); // a field (isAddressable's test)
    break;
  }
  case ExprKind::Call: {
    auto *c = cast<CallExpr>(e);
    Object *callee = nullptr;
    if (auto *id = dyn_cast<Ident>(unparen(c->fun)))
      callee = id->obj;
    if (c->callKind != CallKind::Conversion && callee && callee->kind == ObjKind::Builtin &&
        (callee->builtin == BuiltinId::Len || callee->builtin == BuiltinId::Cap) &&
        c->args.size() == 1)
      return hoistUnsafeOperands(c->args[0]);
    break;
  }
  default:
    break;
  }
  std::vector<PendingCheck> *savedChecks = pendingChecks;
  pendingChecks = nullptr;
  fs->hoisted[e] = genExprNoConv(e); // genExpr converts where it is picked up
  pendingChecks = savedChecks;
}

Value *IRGen::genExpr(Expr *e) {
  // An operand inside a deferred-check left side is a value: checked now.
  std::vector<PendingCheck> *savedChecks = pendingChecks;
  pendingChecks = nullptr;
  Value *v = genExprNoConv(e);
  pendingChecks = savedChecks;
  if (e->ifaceConv)
    v = convertToIface(v, e->type, e->ifaceConv);
  return v;
}

Value *IRGen::coerce(Value *v, Type *from, Type *to) {
  if (to && from != to && ukind(to) == TypeKind::Interface)
    return convertToIface(v, from, to);
  return v;
}

Value *IRGen::genExprNoConv(Expr *e) {
  if (e->mode == ExprMode::Constant && e->constVal)
    return genConst(e, e->type);
  if (fs) {
    auto it = fs->hoisted.find(e);
    if (it != fs->hoisted.end()) {
      Value *v = it->second;
      fs->hoisted.erase(it);
      return v;
    }
  }
  e = unqualify(e);
  DbgLocGuard dl = dbgExprLoc(e->kind == ExprKind::Call ? nullptr : e); // genCall sets its own
  switch (e->kind) {
  case ExprKind::Ident: {
    auto *id = cast<Ident>(e);
    Object *obj = id->obj;
    if (!obj)
      break;
    switch (obj->kind) {
    case ObjKind::Var:
      return b.CreateLoad(llType(obj->type), varAddr(obj, e->pos), id->name);
    case ObjKind::Func:
      return funcValue(obj);
    case ObjKind::Nil:
      return ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
    case ObjKind::Const:
      if (obj->constVal)
        return genConstValue(*obj->constVal, e->type ? e->type : obj->type, e->pos);
      break;
    default:
      break;
    }
    break;
  }
  case ExprKind::Paren:
    return genExpr(cast<ParenExpr>(e)->x);
  case ExprKind::FuncLit:
    return genFuncLit(cast<FuncLit>(e));
  case ExprKind::CompositeLit:
    return genCompositeLit(cast<CompositeLit>(e));
  case ExprKind::Index:
    return genIndex(cast<IndexExpr>(e));
  case ExprKind::Slice:
    return genSliceExpr(cast<SliceExpr>(e));
  case ExprKind::Call:
    return genCall(cast<CallExpr>(e));
  case ExprKind::Unary:
    return genUnary(cast<UnaryExpr>(e));
  case ExprKind::Binary:
    return genBinary(cast<BinaryExpr>(e));
  case ExprKind::Selector:
    return genSelector(cast<SelectorExpr>(e));
  case ExprKind::Star:
    return genDeref(cast<StarExpr>(e));
  case ExprKind::TypeAssert:
    return genTypeAssert(cast<TypeAssertExpr>(e), nullptr);
  default:
    break;
  }
  unsupported(e->pos, "this expression is");
  return PoisonValue::get(llType(e->type));
}

// A qualified identifier pkg.X denotes what sema resolved X to (its
// Ident carries the object, type and mode): lowered as that identifier.
Expr *IRGen::unqualify(Expr *e) {
  if (auto *s = dyn_cast<SelectorExpr>(e); s && s->x->mode == ExprMode::Package && s->sel->obj)
    return s->sel;
  return e;
}

bool IRGen::isAddressable(Expr *e) {
  e = unqualify(unparen(e));
  if (auto *id = dyn_cast<Ident>(e))
    return id->obj && id->obj->kind == ObjKind::Var;
  if (auto *ix = dyn_cast<IndexExpr>(e)) {
    TypeKind k = ukind(ix->x->type);
    if (k == TypeKind::Slice || ptrToArray(ix->x->type))
      return true;
    if (k == TypeKind::Array)
      return isAddressable(ix->x);
  }
  if (auto *sel = dyn_cast<SelectorExpr>(e)) {
    if (!sel->x->type || sel->x->mode == ExprMode::Package || sel->sel->obj ||
        sel->path.empty())
      return false; // a method (a qualified identifier was unqualified above)
    return pathIndirect(sel) || isAddressable(sel->x);
  }
  if (isa<StarExpr>(e))
    return true;
  return false;
}

Value *IRGen::genAddr(Expr *e) {
  e = unqualify(unparen(e));
  if (auto *id = dyn_cast<Ident>(e)) {
    if (id->obj && id->obj->kind == ObjKind::Var)
      return varAddr(id->obj, e->pos);
  }
  if (auto *ix = dyn_cast<IndexExpr>(e)) {
    Type *xt = under(ix->x->type);
    if (auto *st = dyn_cast<SliceType>(xt)) {
      Value *s = genExpr(ix->x);
      Value *i = genValue(ix->index, nullptr);
      Value *i64v = boundsCheck(i, ix->index->type, b.CreateExtractValue(s, 1), BoundsCode::Index, false);
      return b.CreateGEP(llType(st->elem), b.CreateExtractValue(s, 0), i64v);
    }
    if (auto *at = ptrToArray(xt)) {
      Value *base = nilCheck(genExpr(ix->x));
      Value *i = genValue(ix->index, nullptr);
      Value *i64v = boundsCheck(i, ix->index->type, i64c(at->len), BoundsCode::Index, false);
      return b.CreateGEP(llType(at), base, {i64c(0), i64v});
    }
    if (auto *at = dyn_cast<glc::ArrayType>(xt)) {
      Value *base;
      if (isAddressable(ix->x)) {
        base = genAddr(ix->x);
      } else {
        Value *v = genExpr(ix->x);
        base = entryAlloca(v->getType(), "arr.tmp");
        b.CreateStore(v, base);
      }
      Value *i = genValue(ix->index, nullptr);
      Value *i64v = boundsCheck(i, ix->index->type, i64c(at->len), BoundsCode::Index, false);
      return b.CreateGEP(llType(at), base, {i64c(0), i64v});
    }
  }
  if (auto *sel = dyn_cast<SelectorExpr>(e); sel && isAddressable(sel))
    return fieldAddr(sel);
  if (auto *st = dyn_cast<StarExpr>(e))
    return nilCheck(genExpr(st->x));
  // Not addressable: materialise the value in a temporary.
  Value *v = genExpr(e);
  Value *tmp = entryAlloca(v->getType(), "tmp");
  b.CreateStore(v, tmp);
  return tmp;
}

//===----------------------------------------------------------------------===//
// Bounds checks, index and slice expressions
//===----------------------------------------------------------------------===//

Value *IRGen::boundsCheck(Value *x, Type *xt, Value *y, BoundsCode code, bool inclusive) {
  Value *x64 = toI64(x, xt);
  Value *ok = inclusive ? b.CreateICmpULE(x64, y) : b.CreateICmpULT(x64, y);
  if (auto *c = dyn_cast<ConstantInt>(ok); c && c->isOne())
    return x64;
  PendingCheck c{b.CreateNot(ok), false, 0, x64, y, code, isSigned(xt)};
  if (pendingChecks)
    pendingChecks->push_back(c);
  else
    emitCheckFail(c);
  return x64;
}

Value *IRGen::genIndex(IndexExpr *e) {
  Type *xt = under(e->x->type);
  if (auto *mt = dyn_cast<MapType>(xt))
    return genMapIndex(e, mt);
  if (isStringT(xt)) {
    Value *s = genExpr(e->x);
    Value *i = genValue(e->index, nullptr);
    Value *i64v = boundsCheck(i, e->index->type, strLen(s), BoundsCode::Index, false);
    return b.CreateLoad(i8, b.CreateGEP(i8, strData(s), i64v));
  }
  if (isa<SliceType>(xt) || ptrToArray(xt) || (isa<glc::ArrayType>(xt) && isAddressable(e->x)))
    return b.CreateLoad(llType(e->type), genAddr(e));
  if (auto *at = dyn_cast<glc::ArrayType>(xt)) {
    Value *v = genExpr(e->x);
    if (e->index->mode == ExprMode::Constant && e->index->constVal) {
      int64_t i = e->index->constVal->asInt64();
      if (i >= 0 && i < at->len)
        return b.CreateExtractValue(v, (unsigned)i);
    }
    Value *tmp = entryAlloca(v->getType(), "arr.tmp");
    b.CreateStore(v, tmp);
    Value *i = genValue(e->index, nullptr);
    Value *i64v = boundsCheck(i, e->index->type, i64c(at->len), BoundsCode::Index, false);
    return b.CreateLoad(llType(at->elem), b.CreateGEP(llType(at), tmp, {i64c(0), i64v}));
  }
  unsupported(e->pos, "indexing this type is");
  return PoisonValue::get(llType(e->type));
}

// Go's ssagen (state.slice) order of checks: for s[i:j:k]: k <= cap,
// j <= k, i <= j; for s[i:j]: j <= cap (len for strings/arrays), i <= j.
Value *IRGen::genSliceExpr(SliceExpr *e) {
  Type *xt = under(e->x->type);
  Value *base, *len, *cap;
  llvm::Type *elemTy = i8;
  bool isStr = isStringT(xt), isSlice = false;
  if (isStr) {
    Value *s = genExpr(e->x);
    base = strData(s);
    len = cap = strLen(s);
  } else if (auto *st = dyn_cast<SliceType>(xt)) {
    Value *s = genExpr(e->x);
    base = b.CreateExtractValue(s, 0);
    len = b.CreateExtractValue(s, 1);
    cap = b.CreateExtractValue(s, 2);
    elemTy = llType(st->elem);
    isSlice = true;
  } else if (auto *at = dyn_cast<glc::ArrayType>(xt)) {
    base = genAddr(e->x);
    len = cap = i64c(at->len);
    elemTy = llType(at->elem);
  } else if (auto *at = ptrToArray(xt)) {
    base = nilCheck(genExpr(e->x));
    len = cap = i64c(at->len);
    elemTy = llType(at->elem);
  } else {
    unsupported(e->pos, "slicing this type is");
    return PoisonValue::get(llType(e->type));
  }
  Value *i = e->lo ? genValue(e->lo, nullptr) : nullptr;
  Value *j = e->hi ? genValue(e->hi, nullptr) : nullptr;
  Value *k = e->max ? genValue(e->max, nullptr) : nullptr;
  if (e->slice3) {
    if (k)
      k = boundsCheck(k, e->max->type, cap, isSlice ? BoundsCode::Slice3Acap : BoundsCode::Slice3Alen, true);
    else
      k = cap;
    if (j)
      j = boundsCheck(j, e->hi->type, k, BoundsCode::Slice3B, true);
    else
      j = len;
    if (i)
      i = boundsCheck(i, e->lo->type, j, BoundsCode::Slice3C, true);
  } else {
    k = cap;
    if (j)
      j = boundsCheck(j, e->hi->type, cap, isSlice ? BoundsCode::SliceAcap : BoundsCode::SliceAlen, true);
    else
      j = len;
    if (i)
      i = boundsCheck(i, e->lo->type, j, BoundsCode::SliceB, true);
  }
  if (!i)
    i = i64c(0);
  Value *rlen = b.CreateSub(j, i);
  Value *rcap = isStr ? rlen : b.CreateSub(k, i);
  // Never point past the end: an empty result keeps the base pointer.
  Value *delta = b.CreateMul(i, i64c(DL.getTypeAllocSize(elemTy)));
  delta = b.CreateSelect(b.CreateICmpEQ(rcap, i64c(0)), i64c(0), delta);
  Value *p = b.CreateGEP(i8, base, delta);
  if (isStr)
    return makeString(p, rlen);
  return makeSlice(p, rlen, rcap);
}

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

Value *IRGen::genUnary(UnaryExpr *e) {
  switch (e->op) {
  case TokKind::Add:
    return genValue(e->x, e->type);
  case TokKind::Sub: {
    Value *x = genValue(e->x, e->type);
    if (x->getType()->isFloatingPointTy())
      return b.CreateFNeg(x);
    return b.CreateSub(Constant::getNullValue(x->getType()), x);
  }
  case TokKind::Xor: {
    Value *x = genValue(e->x, e->type);
    return b.CreateXor(x, Constant::getAllOnesValue(x->getType()));
  }
  case TokKind::Not:
    return b.CreateNot(genValue(e->x, e->type));
  case TokKind::Arrow:
    return genRecvExpr(e);
  case TokKind::And:
    return genAddressOf(e);
  default:
    unsupported(e->pos, "this unary operator is");
    return PoisonValue::get(llType(e->type));
  }
}

Value *IRGen::genBinary(BinaryExpr *e) {
  if (e->op == TokKind::LAnd || e->op == TokKind::LOr) {
    Value *x = genValue(e->x, e->type);
    BasicBlock *from = b.GetInsertBlock();
    BasicBlock *rhs = newBlock(e->op == TokKind::LAnd ? "and.rhs" : "or.rhs");
    BasicBlock *end = newBlock(e->op == TokKind::LAnd ? "and.end" : "or.end");
    if (e->op == TokKind::LAnd)
      b.CreateCondBr(x, rhs, end);
    else
      b.CreateCondBr(x, end, rhs);
    b.SetInsertPoint(rhs);
    hoistCalls(e->y);
    Value *y = genValue(e->y, e->type);
    BasicBlock *rhsEnd = b.GetInsertBlock();
    b.CreateBr(end);
    b.SetInsertPoint(end);
    PHINode *phi = b.CreatePHI(i1, 2);
    phi->addIncoming(ConstantInt::get(i1, e->op == TokKind::LOr), from);
    phi->addIncoming(y, rhsEnd);
    return phi;
  }
  Type *xt = e->x->type, *yt = e->y->type;
  bool cmp = e->op == TokKind::Eql || e->op == TokKind::Neq || e->op == TokKind::Lss ||
             e->op == TokKind::Leq || e->op == TokKind::Gtr || e->op == TokKind::Geq;
  if (cmp) {
    // Operands of a comparison have the same type, except nil.
    Type *t = isNilExpr(e->x) ? yt : xt;
    if (t && t->isUntyped() && yt && !yt->isUntyped())
      t = yt;
    // A non-interface operand compared with an interface (Go spec,
    // "Comparison operators": x's type implements the interface) is
    // converted to the interface and compared as interfaces.
    if (xt && yt && !isNilExpr(e->x) && !isNilExpr(e->y) &&
        (ukind(xt) == TypeKind::Interface) != (ukind(yt) == TypeKind::Interface))
      t = ukind(xt) == TypeKind::Interface ? xt : yt;
    Value *x = genValue(e->x, t);
    Value *y = genValue(e->y, t);
    if (ukind(t) == TypeKind::Slice) {
      // s == nil: a nil slice is one whose data pointer is nil.
      x = b.CreateExtractValue(x, 0);
      y = b.CreateExtractValue(y, 0);
      return genCompare(e->op, x, y, types.basic(TypeKind::UnsafePointer));
    }
    return genCompare(e->op, x, y, t);
  }
  if (e->op == TokKind::Shl || e->op == TokKind::Shr) {
    Value *x = genValue(e->x, e->type);
    Value *y = genValue(e->y, nullptr);
    return genShift(e->op, x, y, e->type, yt);
  }
  Value *x = genValue(e->x, e->type);
  Value *y = genValue(e->y, e->type);
  return genBinOp(e->op, x, y, e->type, e->type, e->pos);
}

Value *IRGen::genBinOp(TokKind op, Value *x, Value *y, Type *xt, Type *yt, SMLoc pos) {
  switch (op) {
  case TokKind::Shl: case TokKind::Shr:
    return genShift(op, x, y, xt, yt);
  case TokKind::Eql: case TokKind::Neq: case TokKind::Lss: case TokKind::Leq:
  case TokKind::Gtr: case TokKind::Geq:
    return genCompare(op, x, y, xt);
  default:
    break;
  }
  if (isStringT(xt)) {
    if (op == TokKind::Add)
      return pairToString(
          callRT(RT::concatstrings, {strData(x), strLen(x), strData(y), strLen(y)}));
  } else if (isFloatT(xt)) {
    switch (op) {
    case TokKind::Add: return b.CreateFAdd(x, y);
    case TokKind::Sub: return b.CreateFSub(x, y);
    case TokKind::Mul: return b.CreateFMul(x, y);
    case TokKind::Quo: return b.CreateFDiv(x, y);
    default: break;
    }
  } else if (isIntegerT(xt)) {
    switch (op) {
    case TokKind::Add: return b.CreateAdd(x, y);
    case TokKind::Sub: return b.CreateSub(x, y);
    case TokKind::Mul: return b.CreateMul(x, y);
    case TokKind::And: return b.CreateAnd(x, y);
    case TokKind::Or: return b.CreateOr(x, y);
    case TokKind::Xor: return b.CreateXor(x, y);
    case TokKind::AndNot: return b.CreateAnd(x, b.CreateNot(y));
    case TokKind::Quo: case TokKind::Rem: return genDivRem(op, x, y, xt);
    default: break;
    }
  }
  unsupported(pos, "this binary operator is");
  return PoisonValue::get(x->getType());
}

Value *IRGen::genDivRem(TokKind op, Value *x, Value *y, Type *t) {
  bool quo = op == TokKind::Quo;
  auto *cy = dyn_cast<ConstantInt>(y);
  if (!cy || cy->isZero()) {
    BasicBlock *fail = newBlock("div.zero"), *cont = newBlock("div.ok");
    b.CreateCondBr(b.CreateICmpEQ(y, Constant::getNullValue(y->getType())), fail, cont);
    b.SetInsertPoint(fail);
    callRT(RT::panicdivide, {});
    b.SetInsertPoint(cont);
  }
  if (!isSigned(t))
    return quo ? b.CreateUDiv(x, y) : b.CreateURem(x, y);
  if (cy && !cy->isMinusOne())
    return quo ? b.CreateSDiv(x, y) : b.CreateSRem(x, y);
  // y == -1: x / -1 == -x (MinInt stays MinInt), x % -1 == 0. Divide by a
  // safe divisor so idiv never sees MinInt / -1.
  Value *m1 = b.CreateICmpEQ(y, Constant::getAllOnesValue(y->getType()));
  Value *safe = b.CreateSelect(m1, ConstantInt::get(y->getType(), 1), y);
  if (quo)
    return b.CreateSelect(m1, b.CreateSub(Constant::getNullValue(x->getType()), x),
                          b.CreateSDiv(x, safe));
  return b.CreateSelect(m1, Constant::getNullValue(x->getType()), b.CreateSRem(x, safe));
}

Value *IRGen::genShift(TokKind op, Value *x, Value *y, Type *xt, Type *yt) {
  if (isSigned(yt) && !(isa<ConstantInt>(y) && !cast<ConstantInt>(y)->isNegative())) {
    BasicBlock *fail = newBlock("shift.neg"), *cont = newBlock("shift.ok");
    b.CreateCondBr(b.CreateICmpSLT(y, Constant::getNullValue(y->getType())), fail, cont);
    b.SetInsertPoint(fail);
    callRT(RT::panicshift, {});
    b.SetInsertPoint(cont);
  }
  Value *y64 = isSigned(yt) ? b.CreateSExtOrTrunc(y, i64) : b.CreateZExtOrTrunc(y, i64);
  unsigned width = x->getType()->getIntegerBitWidth();
  Value *big = b.CreateICmpUGE(y64, i64c(width));
  llvm::Type *xty = x->getType();
  if (op == TokKind::Shr && isSigned(xt)) {
    Value *amt = b.CreateSelect(big, i64c(width - 1), y64);
    return b.CreateAShr(x, b.CreateTrunc(amt, xty));
  }
  Value *amt = b.CreateTrunc(b.CreateSelect(big, i64c(0), y64), xty);
  Value *r = op == TokKind::Shl ? b.CreateShl(x, amt) : b.CreateLShr(x, amt);
  return b.CreateSelect(big, Constant::getNullValue(xty), r);
}

Value *IRGen::genCompare(TokKind op, Value *x, Value *y, Type *t) {
  Type *u = under(t);
  if (u && u->kind == TypeKind::Interface)
    return genIfaceCompare(op, x, y, t);
  if (isStringT(u)) {
    if (op == TokKind::Eql || op == TokKind::Neq) {
      Value *eq = callRT(RT::eqstring, {strData(x), strLen(x), strData(y), strLen(y)});
      Value *r = b.CreateICmpNE(eq, ConstantInt::get(i8, 0));
      return op == TokKind::Eql ? r : b.CreateNot(r);
    }
    Value *c = callRT(RT::cmpstring, {strData(x), strLen(x), strData(y), strLen(y)});
    Value *zero = i64c(0);
    switch (op) {
    case TokKind::Lss: return b.CreateICmpSLT(c, zero);
    case TokKind::Leq: return b.CreateICmpSLE(c, zero);
    case TokKind::Gtr: return b.CreateICmpSGT(c, zero);
    default: return b.CreateICmpSGE(c, zero);
    }
  }
  if (x->getType()->isFloatingPointTy()) {
    switch (op) {
    case TokKind::Eql: return b.CreateFCmpOEQ(x, y);
    case TokKind::Neq: return b.CreateFCmpUNE(x, y);
    case TokKind::Lss: return b.CreateFCmpOLT(x, y);
    case TokKind::Leq: return b.CreateFCmpOLE(x, y);
    case TokKind::Gtr: return b.CreateFCmpOGT(x, y);
    default: return b.CreateFCmpOGE(x, y);
    }
  }
  if (u && (u->kind == TypeKind::Struct || u->kind == TypeKind::Array)) {
    Value *eq = genAggregateEq(x, y, t); // IRGenStruct.cpp
    return op == TokKind::Eql ? eq : b.CreateNot(eq);
  }
  if (x->getType()->isIntegerTy() || x->getType()->isPointerTy()) {
    bool s = isSigned(t);
    switch (op) {
    case TokKind::Eql: return b.CreateICmpEQ(x, y);
    case TokKind::Neq: return b.CreateICmpNE(x, y);
    case TokKind::Lss: return s ? b.CreateICmpSLT(x, y) : b.CreateICmpULT(x, y);
    case TokKind::Leq: return s ? b.CreateICmpSLE(x, y) : b.CreateICmpULE(x, y);
    case TokKind::Gtr: return s ? b.CreateICmpSGT(x, y) : b.CreateICmpUGT(x, y);
    default: return s ? b.CreateICmpSGE(x, y) : b.CreateICmpUGE(x, y);
    }
  }
  unsupported(file->pos, "comparing values of type " + typeString(t) + " is");
  return ConstantInt::getFalse(C);
}

//===----------------------------------------------------------------------===//
// Conversions
//===----------------------------------------------------------------------===//

// Go's amd64 backend: float -> int64 with CVTTSD2SQ (overflow and NaN give
// MinInt64), float -> int32/int16/int8/uint16/uint8 through CVTTSD2SL, float
// -> uint32 through the 64-bit conversion, float -> uint64 by subtracting
// 2^63 when x >= 2^63 (and for NaN).
Value *IRGen::floatToInt(Value *v, Type *from, Type *to) {
  bool isF32 = v->getType()->isFloatTy();
  llvm::Type *vecTy = FixedVectorType::get(v->getType(), isF32 ? 4 : 2);
  auto cvt = [&](Value *x, bool to64) -> Value * {
    Intrinsic::ID id = isF32 ? (to64 ? Intrinsic::x86_sse_cvttss2si64 : Intrinsic::x86_sse_cvttss2si)
                             : (to64 ? Intrinsic::x86_sse2_cvttsd2si64 : Intrinsic::x86_sse2_cvttsd2si);
    Value *vec = b.CreateInsertElement(PoisonValue::get(vecTy), x, (uint64_t)0);
    return b.CreateIntrinsic(to64 ? i64 : i32, id, {vec});
  };
  llvm::Type *dst = llType(to);
  unsigned bits = dst->getIntegerBitWidth();
  TypeKind k = ukind(to);
  if (k == TypeKind::Uint64 || k == TypeKind::Uint || k == TypeKind::Uintptr) {
    Value *two63 = ConstantFP::get(v->getType(), 9223372036854775808.0);
    Value *small = b.CreateFCmpOLT(v, two63);
    Value *lo = cvt(v, true);
    Value *hi = b.CreateOr(cvt(b.CreateFSub(v, two63), true), i64c(INT64_MIN));
    return b.CreateSelect(small, lo, hi);
  }
  if (bits == 64 || k == TypeKind::Uint32)
    return b.CreateTrunc(cvt(v, true), dst);
  return b.CreateTrunc(cvt(v, false), dst);
}

Value *IRGen::genConversion(Value *v, Type *from, Type *to) {
  Type *ft = under(from), *tt = under(to);
  if (tt && tt->kind == TypeKind::Interface)
    return convertToIface(v, from, to);
  llvm::Type *dst = llType(to);
  if (isIntegerT(ft) && isIntegerT(tt)) {
    if (v->getType() == dst)
      return v;
    if (dst->getIntegerBitWidth() < v->getType()->getIntegerBitWidth())
      return b.CreateTrunc(v, dst);
    return isSigned(ft) ? b.CreateSExt(v, dst) : b.CreateZExt(v, dst);
  }
  if (isIntegerT(ft) && isFloatT(tt))
    return isSigned(ft) ? b.CreateSIToFP(v, dst) : b.CreateUIToFP(v, dst);
  if (isFloatT(ft) && isIntegerT(tt))
    return floatToInt(v, from, to);
  if (isFloatT(ft) && isFloatT(tt)) {
    if (v->getType() == dst)
      return v;
    return dst->isFloatTy() ? b.CreateFPTrunc(v, dst) : b.CreateFPExt(v, dst);
  }
  if (isStringT(tt)) {
    if (isIntegerT(ft))
      return pairToString(callRT(RT::intstring, {toI64(v, ft)}));
    if (auto *st = dyn_cast<SliceType>(ft)) {
      Value *p = b.CreateExtractValue(v, 0), *n = b.CreateExtractValue(v, 1);
      RT id = intBits(st->elem) == 8 ? RT::slicebytetostring : RT::slicerunetostring;
      return pairToString(callRT(id, {p, n}));
    }
    return v;
  }
  if (auto *pt = dyn_cast<glc::PointerType>(tt); pt && isa<SliceType>(ft)) {
    // (*[N]T)(s): s's array, after Go's check N <= len(s) ("cannot convert
    // slice with length 2 to pointer to array with length 4"); a nil s
    // gives nil (N is then 0).
    auto *at = cast<glc::ArrayType>(under(pt->elem));
    boundsCheck(i64c(at->len), types.intType(), b.CreateExtractValue(v, 1), BoundsCode::Convert,
                true);
    return b.CreateExtractValue(v, 0);
  }
  if (isStringT(ft)) {
    if (auto *st = dyn_cast<SliceType>(tt)) {
      RT id = intBits(st->elem) == 8 ? RT::stringtoslicebyte : RT::stringtoslicerune;
      Value *pair = callRT(id, {strData(v), strLen(v)});
      Value *n = b.CreateExtractValue(pair, 1);
      return makeSlice(b.CreateExtractValue(pair, 0), n, n);
    }
  }
  return v; // identical underlying types (named <-> unnamed)
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

Value *IRGen::callFuncValue(Value *fv, FuncType *ft, ArrayRef<Value *> args, bool refs) {
  BasicBlock *fail = newBlock("call.nil"), *cont = newBlock("call.ok");
  b.CreateCondBr(b.CreateIsNull(fv), fail, cont);
  b.SetInsertPoint(fail);
  callRT(RT::panicmem, {});
  b.SetInsertPoint(cont);
  Value *code = b.CreateLoad(ptrTy, fv, "code");
  return emitCall(funcLLType(ft), code, fv, ft, args, refs);
}

// The calling convention for aggregates over kLargeAggregate bytes (see
// funcLLType): such an argument goes by pointer to a copy the caller
// makes, a result through a hidden pointer to the caller's temporary
// (after ctx). Keeps kilobytes of arrays out of the stack-argument area,
// which __morestack would otherwise have to copy between segments.
Value *IRGen::emitCall(FunctionType *fty, Value *callee, Value *ctx, FuncType *ft,
                       ArrayRef<Value *> vals, bool refs) {
  std::vector<Value *> all{ctx};
  Value *ret = nullptr;
  if (hasSret(ft)) {
    ret = entryAlloca(resultLLType(ft), "call.ret");
    all.push_back(ret);
  }
  for (size_t i = 0; i < vals.size(); ++i) {
    if (!refs && i < ft->params.size() && byRef(ft->params[i])) {
      Value *tmp = entryAlloca(vals[i]->getType(), "call.arg");
      b.CreateStore(vals[i], tmp);
      all.push_back(tmp);
    } else {
      all.push_back(vals[i]);
    }
  }
  Value *r = b.CreateCall(fty, callee, all);
  if (ret)
    return b.CreateLoad(resultLLType(ft), ret);
  return r;
}

std::vector<Value *> IRGen::genArgs(CallExpr *e, FuncType *ft, bool refs) {
  size_t np = ft->params.size();
  size_t nfixed = ft->variadic && !e->hasEllipsis ? np - 1 : np;
  Type *velem = ft->variadic ? cast<SliceType>(under(ft->params.back()))->elem : nullptr;
  auto paramType = [&](size_t i) -> Type * {
    if (i < nfixed)
      return ft->params[i];
    return velem;
  };
  std::vector<Value *> vals;
  std::vector<Type *> valTypes;
  if (e->args.size() == 1 && e->args[0]->type && e->args[0]->type->kind == TypeKind::Tuple) {
    Value *t = genExpr(e->args[0]);
    auto *tt = cast<TupleType>(e->args[0]->type);
    for (size_t i = 0; i < tt->elems.size(); ++i) {
      vals.push_back(coerce(b.CreateExtractValue(t, (unsigned)i), tt->elems[i], paramType(i)));
      valTypes.push_back(paramType(i));
    }
  } else {
    for (size_t i = 0; i < e->args.size(); ++i) {
      Type *pt = paramType(i);
      if (refs && i < nfixed && byRef(pt)) {
        // A large argument by reference: its storage if it has one (the
        // callee copies it on entry, after every argument is evaluated),
        // else a temporary built in place.
        Expr *a = e->args[i];
        Value *p;
        if (isAddressable(a) && !fs->hoisted.count(a)) {
          p = genAddr(a);
        } else {
          p = entryAlloca(llType(pt), "call.arg");
          storeExpr(p, a, pt);
        }
        vals.push_back(p);
      } else {
        vals.push_back(genValue(e->args[i], pt));
      }
      valTypes.push_back(e->args[i]->type);
    }
  }
  if (refs) // tuple components: spill the large ones
    for (size_t i = 0; i < vals.size() && i < nfixed; ++i)
      if (byRef(paramType(i)) && !vals[i]->getType()->isPointerTy()) {
        Value *p = entryAlloca(vals[i]->getType(), "call.arg");
        b.CreateStore(vals[i], p);
        vals[i] = p;
      }
  if (nfixed == np)
    return vals;
  // Pack the variadic tail into a fresh slice (nil when empty).
  std::vector<Value *> out(vals.begin(), vals.begin() + std::min(nfixed, vals.size()));
  size_t n = vals.size() > nfixed ? vals.size() - nfixed : 0;
  if (n == 0) {
    out.push_back(Constant::getNullValue(sliceTy));
    return out;
  }
  llvm::Type *et = llType(velem);
  Value *p = newArray(velem, n);
  for (size_t i = 0; i < n; ++i)
    b.CreateStore(vals[nfixed + i], b.CreateConstGEP1_64(et, p, i));
  out.push_back(makeSlice(p, i64c(n), i64c(n)));
  return out;
}

Value *IRGen::genCall(CallExpr *e) {
  DbgLocGuard dl = dbgExprLoc(e);
  Expr *fun = unparen(e->fun);
  if (e->callKind == CallKind::Conversion) {
    if (e->args.size() != 1)
      return zeroValue(e->type);
    Value *v = genValue(e->args[0], e->type);
    return genConversion(v, isNilExpr(e->args[0]) ? e->type : e->args[0]->type, e->type);
  }
  Object *callee = nullptr;
  if (auto *id = dyn_cast<Ident>(fun))
    callee = id->obj;
  else if (auto *sel = dyn_cast<SelectorExpr>(fun))
    callee = sel->sel->obj;
  if (e->callKind == CallKind::Builtin || (callee && callee->kind == ObjKind::Builtin))
    return genBuiltin(e, callee ? callee->builtin : BuiltinId::None);
  if (auto *sel = dyn_cast<SelectorExpr>(fun); sel && sel->ifaceMethod >= 0)
    return genIfaceCall(e, sel);

  auto *ft = dyn_cast_or_null<FuncType>(under(fun->type));
  if (!ft) {
    unsupported(e->pos, "this call is");
    return PoisonValue::get(llType(e->type));
  }
  if (auto *sel = dyn_cast<SelectorExpr>(fun);
      sel && !sel->methodExpr && callee && callee->kind == ObjKind::Func && callee->funcDecl &&
      callee->funcDecl->recv)
    return genMethodCall(e, sel, callee);
  if (auto *sel = dyn_cast<SelectorExpr>(fun);
      sel && !sel->methodExpr && callee && callee->ifaceOwner)
    return genPromotedIfaceCall(e, sel, callee);
  if (callee && callee->kind == ObjKind::Func && funcs.count(callee) &&
      !(callee->funcDecl && callee->funcDecl->recv)) {
    Function *fn = funcs[callee];
    return emitCall(fn->getFunctionType(), fn,
                    ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy)), ft,
                    genArgs(e, ft, true), true);
  }
  Value *fv = genExpr(fun);
  std::vector<Value *> args = genArgs(e, ft, true);
  return callFuncValue(fv, ft, args, true);
}

Value *IRGen::genFuncLit(FuncLit *e) {
  auto *ft = dyn_cast_or_null<FuncType>(under(e->type));
  if (!ft) {
    unsupported(e->pos, "this function literal is");
    return ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  }
  if (!checkSignature(ft, e->pos))
    return ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  std::string name = e->info.name.empty() ? fs->fn->getName().str() + ".func" : e->info.name;
  Function *fn = declareFunc(name, ft);
  genFuncBody(fn, &e->info, ft, e->body);
  if (e->info.captures.empty()) {
    auto *init = ConstantStruct::getAnon(C, {fn});
    auto *gv = new GlobalVariable(*mod, init->getType(), true, GlobalValue::InternalLinkage, init,
                                  fn->getName() + "·f");
    gv->setAlignment(Align(8));
    return gv;
  }
  size_t n = e->info.captures.size();
  // {code, &capture1, ...}: a code pointer then pointers to the captured
  // variables' boxes (null for globals).
  Value *rec = newRecord(llvm::ArrayType::get(ptrTy, n + 1), "closure");
  b.CreateStore(fn, rec);
  for (size_t i = 0; i < n; ++i) {
    Object *v = e->info.captures[i];
    if (v->isGlobal)
      continue; // globals are reached directly, not through the record
    b.CreateStore(varAddr(v, e->pos), b.CreateConstGEP1_64(ptrTy, rec, i + 1));
  }
  return rec;
}

//===----------------------------------------------------------------------===//
// Composite literals
//
// As gc does, the constant part of a literal is static data: a private
// constant global holding every constant element (zero where an element is
// computed at run time), copied into the destination with one memcpy; then
// the other elements are stored one by one. Element by element, a
// 100,000-element [N]int{...} was 100,000 stores in one basic block (61 s and
// 3.15 GB at -O2). A slice literal still gets a fresh backing array on
// every evaluation (newobject, then the copy): only the data is shared.
//===----------------------------------------------------------------------===//

/// The value of `e`, converted to `t`, if it is known at compile time: a
/// constant of basic type, nil, or a composite literal of array or struct
/// type made only of those (recursively). nullptr if it must be computed.
Constant *IRGen::constLitValue(Expr *e, Type *t) {
  if (!e || !t)
    return nullptr;
  Type *u = under(t);
  if (isNilExpr(e))
    return zeroValue(t);
  if (e->mode == ExprMode::Constant && e->constVal && u->isBasic())
    return dyn_cast<Constant>(genConst(e, t));
  auto *lit = dyn_cast<CompositeLit>(unparen(e));
  if (!lit)
    return nullptr;
  if (auto *at = dyn_cast<glc::ArrayType>(u)) {
    // A big, sparse array ([471 << 20]byte{42}) is not made dense here: a
    // pointer per element took gigabytes (glc-fuzz: out of memory). The
    // caller computes it instead (a package variable: genCompositeLitInto
    // stores its few elements into the zeroed variable), as
    // genCompositeLit keeps sparse literals out of static data.
    if (at->len > (int64_t(1) << 16) && int64_t(lit->elts.size()) * 8 < at->len)
      return nullptr;
    std::vector<Constant *> elems(at->len, nullptr);
    int64_t idx = 0;
    for (Expr *elt : lit->elts) {
      Expr *val = elt;
      if (auto *kv = dyn_cast<KeyValueExpr>(elt)) {
        if (!kv->key->constVal)
          return nullptr;
        idx = kv->key->constVal->asInt64();
        val = kv->value;
      }
      if (idx < 0 || idx >= at->len)
        return nullptr;
      Constant *k = constLitValue(val, at->elem);
      if (!k)
        return nullptr;
      elems[idx++] = k;
    }
    Constant *zero = nullptr;
    for (Constant *&k : elems)
      if (!k)
        k = zero ? zero : (zero = zeroValue(at->elem));
    return ConstantArray::get(cast<llvm::ArrayType>(llType(t)), elems);
  }
  if (auto *st = dyn_cast<glc::StructType>(u)) {
    std::vector<Constant *> fields(st->fields.size(), nullptr);
    for (size_t i = 0; i < lit->elts.size(); ++i) {
      Expr *elt = lit->elts[i];
      size_t idx = i;
      if (auto *kv = dyn_cast<KeyValueExpr>(elt)) {
        auto *key = dyn_cast<Ident>(kv->key);
        int f = fieldIndex(st, key ? key->name : "");
        if (f < 0)
          return nullptr;
        idx = (size_t)f;
        elt = kv->value;
      }
      if (idx >= fields.size())
        return nullptr;
      if (!(fields[idx] = constLitValue(elt, st->fields[idx].type)))
        return nullptr;
      if (st->fields[idx].name == "_")
        fields[idx] = nullptr; // a blank field stays zero (issue31546)
    }
    for (size_t i = 0; i < fields.size(); ++i)
      if (!fields[i])
        fields[i] = zeroValue(st->fields[i].type);
    return ConstantStruct::get(cast<llvm::StructType>(llType(t)), fields);
  }
  return nullptr;
}

/// A private read-only global holding `init`.
Constant *IRGen::staticData(Constant *init) {
  auto *gv = new GlobalVariable(*mod, init->getType(), /*isConstant=*/true,
                                GlobalValue::PrivateLinkage, init, ".lit");
  gv->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
  gv->setAlignment(DL.getABITypeAlign(init->getType()));
  return gv;
}

/// Writes `init` into the memory at `dst`: a memset for all zeros, else one
/// memcpy from static data.
void IRGen::fillFromStatic(Value *dst, Constant *init) {
  llvm::Type *t = init->getType();
  Align align = DL.getABITypeAlign(t);
  uint64_t size = DL.getTypeAllocSize(t);
  if (init->isNullValue())
    b.CreateMemSet(dst, ConstantInt::get(i8, 0), size, align);
  else
    b.CreateMemCpy(dst, align, staticData(init), align, size);
}

Value *IRGen::genCompositeLit(CompositeLit *e) { return genCompositeLitAs(e, e->type, nullptr); }

Value *IRGen::genCompositeLitInto(CompositeLit *e, Value *into) {
  return genCompositeLitAs(e, e->type, into);
}

// With `into`, the literal is built in place there (all elements are
// evaluated before the destination is written) and nothing is returned.
// `type` is the literal's type: e->type, or its pointee for &T{...}. A
// literal of pointer type is an elided &T{...} ([]*T{{...}}).
Value *IRGen::genCompositeLitAs(CompositeLit *e, Type *type, Value *into) {
  Type *t = under(type);
  if (auto *pt = dyn_cast<glc::PointerType>(t)) {
    Value *p = newObject(pt->elem, "lit.heap");
    genCompositeLitAs(e, pt->elem, p);
    if (into) {
      b.CreateStore(p, into);
      return nullptr;
    }
    return p;
  }
  if (auto *st = dyn_cast<glc::StructType>(t))
    return genStructLit(e, st, type, into);
  if (auto *mt = dyn_cast<MapType>(t)) {
    Value *m = genMapLit(e, mt, type);
    if (!into)
      return m;
    b.CreateStore(m, into);
    return nullptr;
  }
  Type *elem = nullptr;
  if (auto *st = dyn_cast<SliceType>(t))
    elem = st->elem;
  else if (auto *at = dyn_cast<glc::ArrayType>(t))
    elem = at->elem;
  if (!elem) {
    unsupported(e->pos, "composite literals of type " + typeString(type) + " are");
    return PoisonValue::get(llType(type));
  }
  // Element indices: positional, or constant keys. Elements known at
  // compile time go to `consts` (static data), the others are evaluated
  // now, in order, into `items`.
  std::vector<std::pair<int64_t, Value *>> items;
  std::vector<std::pair<int64_t, Constant *>> consts;
  int64_t idx = 0, n = 0;
  for (Expr *elt : e->elts) {
    Expr *val = elt;
    if (auto *kv = dyn_cast<KeyValueExpr>(elt)) {
      if (kv->key->constVal)
        idx = kv->key->constVal->asInt64();
      val = kv->value;
    }
    if (Constant *k = constLitValue(val, elem))
      consts.push_back({idx, k});
    else
      items.push_back({idx, genValue(val, elem)});
    ++idx;
    n = std::max(n, idx);
  }
  if (auto *at = dyn_cast<glc::ArrayType>(t))
    n = at->len;
  llvm::Type *et = llType(elem);
  // The static part: [n]elem with the constant elements, zero elsewhere.
  // Small literals keep one store per element (LLVM folds those well), and
  // so do sparse ones ([1 << 20]int{5: 1}: under one non-zero element in 8),
  // whose static data would be mostly zeros.
  Constant *init = nullptr;
  size_t nonZero = 0;
  for (auto &[i, k] : consts)
    nonZero += !k->isNullValue();
  if (DL.getTypeAllocSize(et) * consts.size() > kLargeAggregate &&
      (nonZero == 0 || nonZero * 8 >= (size_t)n)) {
    std::vector<Constant *> data(n, zeroValue(elem));
    for (auto &[i, k] : consts)
      data[i] = k;
    init = ConstantArray::get(llvm::ArrayType::get(et, n), data);
  } else {
    for (auto &[i, k] : consts)
      items.push_back({i, k});
  }
  if (auto *at = dyn_cast<glc::ArrayType>(t)) {
    Value *tmp = into ? into : entryAlloca(llType(at), "lit");
    if (init)
      fillFromStatic(tmp, init);
    else
      b.CreateMemSet(tmp, ConstantInt::get(i8, 0), sizeOf(at), DL.getABITypeAlign(llType(at)));
    for (auto &[i, v] : items)
      b.CreateStore(v, b.CreateGEP(llType(at), tmp, {i64c(0), i64c(i)}));
    return into ? nullptr : b.CreateLoad(llType(at), tmp);
  }
  // newobject returns zeroed memory: only non-zero static data is copied.
  Value *p = newArray(elem, n);
  if (init && !init->isNullValue())
    fillFromStatic(p, init);
  for (auto &[i, v] : items)
    b.CreateStore(v, b.CreateConstGEP1_64(et, p, i));
  Value *sl = makeSlice(p, i64c(n), i64c(n));
  if (into) {
    b.CreateStore(sl, into);
    return nullptr;
  }
  return sl;
}

//===----------------------------------------------------------------------===//
// Builtins
//===----------------------------------------------------------------------===//

Value *IRGen::genBuiltin(CallExpr *e, BuiltinId id) {
  auto argType = [&](size_t i) { return e->args[i]->type; };
  switch (id) {
  case BuiltinId::Close:
    return genChanBuiltin(e, id);
  case BuiltinId::Len:
  case BuiltinId::Cap: {
    Type *t = under(argType(0));
    if (isa<ChanType>(t))
      return genChanBuiltin(e, id);
    if (isa<MapType>(t))
      return genMapLen(genExpr(e->args[0]));
    if (auto *at = dyn_cast<glc::ArrayType>(t)) {
      if (isa<CallExpr>(unparen(e->args[0])))
        genExpr(e->args[0]);
      return i64c(at->len);
    }
    if (auto *at = ptrToArray(t)) {
      if (isa<CallExpr>(unparen(e->args[0])))
        genExpr(e->args[0]);
      return i64c(at->len);
    }
    Value *v = genExpr(e->args[0]);
    if (isStringT(t))
      return strLen(v);
    return b.CreateExtractValue(v, id == BuiltinId::Len ? 1 : 2);
  }
  case BuiltinId::Make: {
    if (isa<ChanType>(under(e->type)))
      return genMakeChan(e);
    if (isa<MapType>(under(e->type)))
      return genMakeMap(e);
    auto *st = dyn_cast<SliceType>(under(e->type));
    if (!st) {
      unsupported(e->pos, "make of " + typeString(e->type) + " is");
      return PoisonValue::get(llType(e->type));
    }
    Value *n = toI64(genValue(e->args[1], nullptr), argType(1));
    Value *c = e->args.size() > 2 ? toI64(genValue(e->args[2], nullptr), argType(2)) : n;
    Value *p = callRT(RT::makeslice, {typeDesc(st->elem), n, c});
    return makeSlice(p, n, c);
  }
  case BuiltinId::Delete:
  case BuiltinId::Append:
  case BuiltinId::Copy:
    if (!e->spreadArgs.empty())
      return genSpreadBuiltin(e, id);
    if (id == BuiltinId::Delete) {
      genMapDelete(e);
      return nullptr;
    }
    return id == BuiltinId::Append ? genAppend(e) : genCopy(e);
  case BuiltinId::Print:
  case BuiltinId::Println:
    genPrint(e, id == BuiltinId::Println);
    return nullptr;
  case BuiltinId::Panic:
    genPanic(e);
    return nullptr;
  case BuiltinId::New:
    return genNew(e);
  case BuiltinId::Recover:
    return genRecover(e);
  default:
    break;
  }
  unsupported(e->pos, "this builtin is");
  return e->type && e->type->kind != TypeKind::Tuple ? (Value *)PoisonValue::get(llType(e->type))
                                                     : nullptr;
}

void IRGen::genPrint(CallExpr *e, bool ln) {
  std::vector<Value *> vals;
  std::vector<Type *> tys;
  if (e->args.size() == 1 && e->args[0]->type && e->args[0]->type->kind == TypeKind::Tuple) {
    // println(f()) with a multi-value f.
    Value *t = genExpr(e->args[0]);
    auto *tt = cast<TupleType>(e->args[0]->type);
    for (size_t i = 0; i < tt->elems.size(); ++i) {
      vals.push_back(b.CreateExtractValue(t, (unsigned)i));
      tys.push_back(tt->elems[i]);
    }
  }
  for (Expr *a : vals.empty() ? e->args : std::vector<Expr *>{}) {
    Type *t = a->type;
    if (isNilExpr(a))
      t = types.basic(TypeKind::UntypedNil);
    vals.push_back(isNilExpr(a) ? ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy))
                                : genExpr(a));
    tys.push_back(t);
  }
  callRT(RT::printlock, {});
  for (size_t i = 0; i < vals.size(); ++i) {
    if (ln && i > 0)
      callRT(RT::printsp, {});
    Value *v = vals[i];
    Type *t = tys[i];
    if (isBoolT(t))
      callRT(RT::printbool, {b.CreateZExt(v, i8)});
    else if (isSigned(t))
      callRT(RT::printint, {toI64(v, t)});
    else if (isUnsignedInt(t))
      callRT(RT::printuint, {toI64(v, t)});
    else if (isFloatT(t))
      callRT(RT::printfloat, {v->getType()->isFloatTy() ? b.CreateFPExt(v, f64) : v});
    else if (isStringT(t))
      callRT(RT::printstring, {strData(v), strLen(v)});
    else if (ukind(t) == TypeKind::Slice)
      callRT(RT::printslice, {b.CreateExtractValue(v, 0), b.CreateExtractValue(v, 1),
                              b.CreateExtractValue(v, 2)});
    else if (ukind(t) == TypeKind::Interface) {
      // Go's printeface/printiface: (0x<type or itab>,0x<data>)
      auto lit = [&](const char *s) {
        Constant *c = constString(s);
        callRT(RT::printstring, {c->getAggregateElement(0u), c->getAggregateElement(1u)});
      };
      lit("(");
      callRT(RT::printpointer, {b.CreateExtractValue(v, 0)});
      lit(",");
      callRT(RT::printpointer, {b.CreateExtractValue(v, 1)});
      lit(")");
    } else if (v->getType()->isPointerTy())
      callRT(RT::printpointer, {v});
    else
      unsupported(e->pos, "printing values of type " + typeString(t) + " is");
  }
  if (ln)
    callRT(RT::printnl, {});
  callRT(RT::printunlock, {});
}

// panic(v): v converted to interface{}, handed to glrt_gopanic as its
// two words (defer.cpp runs the deferred calls; recover returns them).
void IRGen::genPanic(CallExpr *e) {
  Expr *a = e->args[0];
  if (isNilExpr(a)) {
    callRT(RT::gopanicnil, {});
    return;
  }
  Type *any = types.interfaceOf({});
  Value *v = convertToIface(genExpr(a), a->type, any);
  callRT(RT::gopanic, {b.CreateExtractValue(v, 0), b.CreateExtractValue(v, 1)});
}

Value *IRGen::genAppend(CallExpr *e) {
  auto *st = cast<SliceType>(under(e->type));
  llvm::Type *et = llType(st->elem);
  uint64_t es = DL.getTypeAllocSize(et);
  Value *s = genValue(e->args[0], e->type);
  std::vector<Value *> elems;
  Value *srcPtr = nullptr, *k;
  if (e->hasEllipsis) {
    Value *src = genValue(e->args[1], isStringT(e->args[1]->type) ? nullptr : e->type);
    srcPtr = b.CreateExtractValue(src, 0);
    k = b.CreateExtractValue(src, 1);
  } else {
    for (size_t i = 1; i < e->args.size(); ++i)
      elems.push_back(genValue(e->args[i], st->elem));
    if (elems.empty())
      return s;
    k = i64c(elems.size());
  }
  Value *data = b.CreateExtractValue(s, 0), *len = b.CreateExtractValue(s, 1),
        *cap = b.CreateExtractValue(s, 2);
  Value *newLen = b.CreateAdd(len, k);
  BasicBlock *from = b.GetInsertBlock();
  BasicBlock *grow = newBlock("append.grow"), *cont = newBlock("append.cont");
  b.CreateCondBr(b.CreateICmpUGT(newLen, cap), grow, cont);
  b.SetInsertPoint(grow);
  Value *pair = callRT(RT::growslice, {data, len, cap, newLen, typeDesc(st->elem)});
  Value *gData = b.CreateExtractValue(pair, 0), *gCap = b.CreateExtractValue(pair, 1);
  b.CreateBr(cont);
  b.SetInsertPoint(cont);
  PHINode *pd = b.CreatePHI(ptrTy, 2, "data");
  pd->addIncoming(data, from);
  pd->addIncoming(gData, grow);
  PHINode *pc = b.CreatePHI(i64, 2, "cap");
  pc->addIncoming(cap, from);
  pc->addIncoming(gCap, grow);
  Value *dst = b.CreateGEP(et, pd, len);
  if (srcPtr) {
    b.CreateMemMove(dst, MaybeAlign(1), srcPtr, MaybeAlign(1), b.CreateMul(k, i64c(es)));
  } else {
    for (size_t i = 0; i < elems.size(); ++i)
      b.CreateStore(elems[i], b.CreateConstGEP1_64(et, dst, i));
  }
  return makeSlice(pd, newLen, pc);
}

// copy(f()), append(f()), delete(f()) (CallExpr::spreadArgs): f's results,
// extracted from one call, stand in for the placeholder arguments while
// the builtin is lowered as if written with them.
Value *IRGen::genSpreadBuiltin(CallExpr *e, BuiltinId id) {
  Value *results = genExpr(e->args[0]);
  std::vector<Expr *> real = e->args;
  e->args.clear();
  for (size_t i = 0; i < e->spreadArgs.size(); ++i) {
    Expr *ph = e->spreadArgs[i].get();
    fs->hoisted[ph] = b.CreateExtractValue(results, (unsigned)i);
    e->args.push_back(ph);
  }
  Value *r = nullptr;
  if (id == BuiltinId::Delete)
    genMapDelete(e);
  else
    r = id == BuiltinId::Append ? genAppend(e) : genCopy(e);
  e->args = real;
  return r;
}

Value *IRGen::genCopy(CallExpr *e) {
  auto *st = cast<SliceType>(under(e->args[0]->type));
  uint64_t es = sizeOf(st->elem);
  Value *dst = genExpr(e->args[0]);
  Value *src = genExpr(e->args[1]);
  Value *dl = b.CreateExtractValue(dst, 1), *sl = b.CreateExtractValue(src, 1);
  Value *n = b.CreateSelect(b.CreateICmpSLT(dl, sl), dl, sl);
  b.CreateMemMove(b.CreateExtractValue(dst, 0), MaybeAlign(1), b.CreateExtractValue(src, 0),
                  MaybeAlign(1), b.CreateMul(n, i64c(es)));
  return n;
}

} // namespace glc
