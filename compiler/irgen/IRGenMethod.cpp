//===- IRGenMethod.cpp - methods: calls, method values, wrappers ------------===//
//
// A declared method is an ordinary function named as gc names it
// (main.T.M, main.(*T).M) whose first Go parameter is the receiver: its
// FuncType is the method expression's, funcOf({recv, params...}), so the
// usual convention applies (hidden ctx first, sret, large values by
// reference; IRGen.cpp's funcLLType) and `T.M` as a value is just the
// function's constant record, like a top-level function's.
//
//   x.M(a)      receiver computed from x (methodRecv: &x for a pointer
//               method on an addressable x, *p for a value method on a
//               pointer p, through embedded fields along
//               SelectorExpr::path, nil-checking each embedded pointer
//               passed through), then a direct call.
//   f := x.M    a method value: a heap record {@main.T.M-fm, recv}; the
//               receiver is evaluated (and, for a value method, copied)
//               here. main.T.M-fm (a wrapper, hidden in tracebacks as gc
//               hides it) loads recv from its ctx and calls the method.
//   T.M (*T).M  a method expression: the record of methodFunc(M) when the
//               receiver types match, else of a wrapper from
//               methodSetFunc (main.(*T).M for a value method of T, which
//               panics "value method main.T.M called using nil *T
//               pointer" as runtime.panicwrap does; main.S.M /
//               main.(*S).M for a method promoted into S).
//
// Interfaces (IRGenIface.cpp) call methods through itab entries, "ifn"s
// (typedesc.def): ifnFor(t, M) takes the interface's data word as its
// receiver, the first Go parameter after the (null) ctx and sret (the
// pointer itself for a pointer-shaped t, else a pointer to the boxed t),
// then M's parameters. For a pointer method of *T it is the method itself;
// otherwise Go's wrapper for the pointer's method set, named as gc names
// it (main.(*T).M), which panics as runtime.panicwrap for a value method
// called on a nil *T.
// methodTable(t) lists t's method set for its type descriptor: name
// (unexported ones qualified by their package path, rtMethodName), signature, ifn and tfn
// (methodSetFunc: the receiver as its first parameter).
//
// Wrappers are marked in the traceback table (glc_funcinfo::flags,
// abi.def): the runtime prints a wrapper's frame only when it is the
// frame that panicked, as Go's traceback elides wrappers otherwise.
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

#include "llvm/IR/Constants.h"

using namespace llvm;

namespace glc {

FuncType *IRGen::methodSig(Object *m) {
  auto *sig = cast<FuncType>(m->type);
  std::vector<Type *> params{methodRecvType(m)};
  params.insert(params.end(), sig->params.begin(), sig->params.end());
  return types.funcOf(params, sig->results, sig->variadic);
}

Type *IRGen::methodRecvType(Object *m) {
  if (m->funcDecl && m->funcDecl->info.recv && m->funcDecl->info.recv->type)
    return m->funcDecl->info.recv->type;
  return m->ptrRecv ? (Type *)types.pointerTo(m->recvNamed) : m->recvNamed;
}

Function *IRGen::methodFunc(Object *m) {
  if (Function *fn = funcs.lookup(m))
    return fn;
  Function *fn = declareFunc(m->funcDecl->info.name, methodSig(m));
  funcs[m] = fn;
  return fn;
}

// Calls `target` (a method function, receiver first) from inside the
// wrapper `w`, whose Go parameters after the first `skip` are the
// target's (same types, so the same LLVM convention): forwards sret and
// those arguments unchanged, `recv` as the receiver; returns its result.
void IRGen::forwardToMethod(Function *w, FuncType *wsig, Value *recv, Function *target,
                            unsigned skip) {
  std::vector<Value *> args{ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy))};
  unsigned first = 1;
  if (hasSret(wsig)) {
    args.push_back(w->getArg(1));
    first = 2;
  }
  args.push_back(recv);
  for (unsigned i = first + skip; i < w->arg_size(); ++i)
    args.push_back(w->getArg(i));
  Value *r = b.CreateCall(target->getFunctionType(), target, args);
  if (w->getReturnType()->isVoidTy())
    b.CreateRetVoid();
  else
    b.CreateRet(r);
}

// Follows `path` from the struct at `addr` (of type `cur`): a GEP per field;
// an embedded *E on the way (not the last) is loaded and nil-checked.
Value *IRGen::walkFields(Value *addr, Type *cur, ArrayRef<int> path, Type **out) {
  for (size_t i = 0; i < path.size(); ++i) {
    if (i > 0)
      if (auto *pt = dyn_cast<glc::PointerType>(under(cur))) {
        addr = nilCheck(b.CreateLoad(ptrTy, addr));
        cur = pt->elem;
      }
    auto *st = cast<glc::StructType>(under(cur));
    addr = b.CreateStructGEP(llType(cur), addr, (unsigned)path[i], st->fields[path[i]].name);
    cur = st->fields[path[i]].type;
  }
  *out = cur;
  return addr;
}

// The receiver argument for method m, given the address of the field the
// path ends at (of type t): a pointer method takes that address (or the
// embedded pointer stored there, unchecked: a pointer method may run on
// nil); a value method the value (a pointer to it when `ref` and the
// receiver goes by reference: the callee copies it on entry).
Value *IRGen::recvFromField(Value *addr, Type *t, Object *m, bool ref) {
  if (isa<glc::PointerType>(under(t))) { // an embedded *E
    addr = b.CreateLoad(ptrTy, addr);
    if (m->ptrRecv)
      return addr;
    addr = nilCheck(addr);
    t = cast<glc::PointerType>(under(t))->elem;
  } else if (m->ptrRecv) {
    return addr;
  }
  if (ref && byRef(t))
    return addr;
  return b.CreateLoad(llType(t), addr);
}

Value *IRGen::methodRecv(SelectorExpr *s, Object *m, bool ref) {
  Expr *x = s->x;
  bool xPtr = isa<glc::PointerType>(under(x->type));
  if (s->path.empty()) {
    if (m->ptrRecv)
      return xPtr ? genExpr(x) : genAddr(x); // p.M() may run M on nil
    if (xPtr) {
      Type *t = cast<glc::PointerType>(under(x->type))->elem;
      Value *p = nilCheck(genExpr(x));
      return ref && byRef(t) ? p : b.CreateLoad(llType(t), p);
    }
    if (ref && byRef(x->type)) {
      if (isAddressable(x) && !fs->hoisted.count(x))
        return genAddr(x);
      Value *tmp = entryAlloca(llType(x->type), "recv.tmp");
      storeExpr(tmp, x, x->type);
      return tmp;
    }
    return genValue(x, x->type);
  }
  Type *t;
  Value *addr = walkPath(s, &t);
  return recvFromField(addr, t, m, ref);
}

Value *IRGen::genMethodCall(CallExpr *e, SelectorExpr *s, Object *m) {
  Function *fn = methodFunc(m);
  FuncType *msig = methodSig(m);
  std::vector<Value *> vals{methodRecv(s, m, true)};
  std::vector<Value *> args = genArgs(e, cast<FuncType>(m->type), true);
  vals.insert(vals.end(), args.begin(), args.end());
  return emitCall(fn->getFunctionType(), fn, ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy)),
                  msig, vals, true);
}

// main.T.M-fm(ctx = {code, recv}, params...): calls M with the bound recv.
Function *IRGen::boundMethodWrapper(Object *m) {
  if (Function *w = boundWrappers.lookup(m))
    return w;
  auto *sig = cast<FuncType>(m->type);
  Function *target = methodFunc(m);
  std::string name = m->funcDecl->info.name + "-fm";
  Function *w = declareFunc(name, sig);
  wrapperFuncs.insert(w);
  boundWrappers[m] = w;
  Type *rt = methodRecvType(m);
  auto *recTy = llvm::StructType::get(C, {ptrTy, llType(rt)});
  genSyntheticBody(w, [&] {
    Value *slot = b.CreateStructGEP(recTy, w->getArg(0), 1, "recv.slot");
    Value *recv = byRef(rt) ? slot : b.CreateLoad(llType(rt), slot, "recv");
    forwardToMethod(w, sig, recv, target, 0);
  });
  return w;
}

Value *IRGen::genMethodValue(SelectorExpr *s, Object *m) {
  Type *rt = methodRecvType(m);
  Value *recv = methodRecv(s, m, false);
  auto *recTy = llvm::StructType::get(C, {ptrTy, llType(rt)});
  Value *rec = newRecord(recTy, "method.value");
  b.CreateStore(boundMethodWrapper(m), b.CreateStructGEP(recTy, rec, 0));
  b.CreateStore(recv, b.CreateStructGEP(recTy, rec, 1));
  return rec;
}

// The Go name gc gives a wrapper of method `name` in the method set of T.
static std::string wrapperName(Type *T, const std::string &name) {
  if (auto *p = dyn_cast<glc::PointerType>(T))
    if (auto *n = dyn_cast<NamedType>(p->elem))
      return symbolPackage(n->obj) + ".(*" + n->obj->name + ")." + name;
  if (auto *n = dyn_cast<NamedType>(T))
    return symbolPackage(n->obj) + "." + n->obj->name + "." + name;
  return typeString(T) + "." + name;
}

Function *IRGen::methodSetFunc(Type *T, Object *m, ArrayRef<int> path) {
  if (m->ifaceOwner)
    return ifaceSetFunc(T, m, path);
  Type *direct = methodRecvType(m);
  if (path.empty() && T == direct)
    return methodFunc(m);
  auto key = std::make_pair(T, m);
  if (Function *w = setWrappers.lookup(key))
    return w;
  auto *sig = cast<FuncType>(m->type);
  std::vector<Type *> params{T};
  params.insert(params.end(), sig->params.begin(), sig->params.end());
  FuncType *wsig = types.funcOf(params, sig->results, sig->variadic);
  Function *target = methodFunc(m);
  std::string name = wrapperName(T, m->name);
  Function *w = declareFunc(name, wsig);
  wrapperFuncs.insert(w);
  setWrappers[key] = w;
  std::vector<int> p(path.begin(), path.end());
  genSyntheticBody(w, [&] {
    Value *arg = w->getArg(hasSret(wsig) ? 2 : 1);
    Value *addr;
    Type *cur;
    if (auto *pt = dyn_cast<glc::PointerType>(T)) {
      cur = pt->elem;
      if (p.empty() && !m->ptrRecv) {
        panicwrapIfNil(arg, m, cur); // (*T).M of a value method
        addr = arg;
      } else {
        addr = nilCheck(arg);
      }
    } else if (byRef(T)) {
      cur = T;
      addr = arg;
    } else {
      cur = T;
      addr = entryAlloca(llType(T), "recv");
      b.CreateStore(arg, addr);
    }
    Type *t;
    Value *field = walkFields(addr, cur, p, &t);
    Value *recv = recvFromField(field, t, m, true);
    forwardToMethod(w, wsig, recv, target, 1);
  });
  return w;
}

Value *IRGen::genMethodExpr(SelectorExpr *s, Object *m) {
  Function *fn = methodSetFunc(s->x->type, m, s->path);
  auto it = methodExprVals.find(fn);
  if (it != methodExprVals.end())
    return it->second;
  auto *init = ConstantStruct::getAnon(C, {fn});
  auto *gv = new GlobalVariable(*mod, init->getType(), /*isConstant=*/true,
                                GlobalValue::InternalLinkage, init, fn->getName() + "·f");
  gv->setAlignment(Align(8));
  methodExprVals[fn] = gv;
  return gv;
}

// i.M with i of interface type, as a value (also `go i.M(x)`): Go
// evaluates i now (a nil interface panics here) and binds it in a
// closure record {main.I.M-fm, itab, data}; the wrapper calls through the
// itab's fun[k] with the data word as the ifn's ctx.
Value *IRGen::genIfaceMethodValue(SelectorExpr *s) {
  return ifaceMethodValue(genExpr(s->x), s->x->type, s->ifaceMethod);
}

Value *IRGen::ifaceMethodValue(Value *x, Type *ifaceT, int k) {
  auto *it = cast<InterfaceType>(under(ifaceT));
  FuncType *sig = it->methods[k].sig;
  auto key = std::make_pair(ifaceT, k);
  Function *w = ifaceBound[key];
  auto *recTy = llvm::StructType::get(C, {ptrTy, ptrTy, ptrTy});
  if (!w) {
    std::string tn = isa<NamedType>(ifaceT) ? symbolPackage(cast<NamedType>(ifaceT)->obj) + "." +
                                                  cast<NamedType>(ifaceT)->obj->name
                                            : typeString(ifaceT);
    w = declareFunc(tn + "." + it->methods[k].name + "-fm", sig);
    wrapperFuncs.insert(w);
    ifaceBound[key] = w;
    genSyntheticBody(w, [&] {
      Value *tab = b.CreateLoad(ptrTy, b.CreateStructGEP(recTy, w->getArg(0), 1), "tab");
      Value *data = b.CreateLoad(ptrTy, b.CreateStructGEP(recTy, w->getArg(0), 2), "data");
      forwardToIfn(w, tab, data, k, sig, 0);
    });
  }
  Value *tab = b.CreateExtractValue(x, 0);
  nilCheck(tab); // gc checks the itab word itself: addr=0x0
  Value *rec = newRecord(recTy, "method.value");
  b.CreateStore(w, b.CreateStructGEP(recTy, rec, 0));
  b.CreateStore(tab, b.CreateStructGEP(recTy, rec, 1));
  b.CreateStore(b.CreateExtractValue(x, 1), b.CreateStructGEP(recTy, rec, 2));
  return rec;
}

// Calls fun[k] of `tab` from inside wrapper w (ifn convention: null ctx,
// sret, the data word, M's parameters): forwards w's sret and its Go
// parameters after the first `skip`.
void IRGen::forwardToIfn(Function *w, Value *tab, Value *data, int k, FuncType *sig,
                         unsigned skip) {
  Value *fn = b.CreateLoad(ptrTy, b.CreateConstInBoundsGEP1_64(i8, tab, 24 + 8 * k), "ifn");
  std::vector<Value *> args{ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy))};
  unsigned first = 1;
  if (hasSret(sig)) {
    args.push_back(w->getArg(1));
    first = 2;
  }
  args.push_back(data);
  for (unsigned i = first + skip; i < w->arg_size(); ++i)
    args.push_back(w->getArg(i));
  Value *r = b.CreateCall(funcLLType(ifnSig(sig)), fn, args);
  if (w->getReturnType()->isVoidTy())
    b.CreateRetVoid();
  else
    b.CreateRet(r);
}

// x.M() where M is promoted from an embedded interface field of x: load
// the interface at the end of s->path and dispatch through its itab.
Value *IRGen::genPromotedIfaceCall(CallExpr *e, SelectorExpr *s, Object *m) {
  Type *t;
  Value *addr = walkPath(s, &t);
  Value *iv = b.CreateLoad(llType(t), addr, "embedded.iface");
  return callIfaceMethod(iv, t, m->ifaceIndex, cast<FuncType>(m->type), e);
}

// x.M as a value, M promoted from an embedded interface field.
Value *IRGen::genPromotedIfaceValue(SelectorExpr *s, Object *m) {
  Type *t;
  Value *addr = walkPath(s, &t);
  return ifaceMethodValue(b.CreateLoad(llType(t), addr, "embedded.iface"), t, m->ifaceIndex);
}

// Emits the nil test of a (*T).M wrapper for a value method: Go's
// runtime.panicwrap message.
void IRGen::panicwrapIfNil(Value *p, Object *m, Type *elem) {
  BasicBlock *fail = newBlock("wrap.nil"), *ok = newBlock("wrap.ok");
  b.CreateCondBr(b.CreateIsNull(p), fail, ok);
  b.SetInsertPoint(fail);
  std::string tn = isa<NamedType>(elem) ? cast<NamedType>(elem)->obj->name : typeString(elem);
  Value *msg =
      constString("value method " + methodSymbol(m) + " called using nil *" + tn + " pointer");
  callRT(RT::panicwrap, {strData(msg), strLen(msg)});
  b.CreateUnreachable();
  b.SetInsertPoint(ok);
}

static const MethodSetEntry *findInSet(const std::vector<MethodSetEntry> &set,
                                       llvm::StringRef id) {
  for (const MethodSetEntry &e : set)
    if (IRGen::rtMethodName(e.method->name, methodPkg(e.method)) == id)
      return &e;
  return nullptr;
}

// `id`: the method's rtMethodName (an unexported name is its package's).
Constant *IRGen::ifnFor(Type *t, const std::string &id) {
  auto key = std::make_pair(t, id);
  if (auto it = ifns.find(key); it != ifns.end())
    return it->second;
  std::vector<MethodSetEntry> set = methodSet(types, t);
  const MethodSetEntry *e = findInSet(set, id);
  if (!e || (!e->method->funcDecl && !e->method->ifaceOwner) || !e->method->type)
    return ifns[key] = nullptr;
  Object *m = e->method;
  if (m->ifaceOwner) // promoted from an embedded interface
    return ifns[key] = ifaceSetFunc(t, m, e->path, /*ifn=*/true);
  std::vector<int> path = e->path;
  auto *sig = cast<FuncType>(m->type);
  bool direct = isDirectIfaceT(t);
  Type *ptrT = direct ? t : types.pointerTo(t);
  Function *target = methodFunc(m);
  // A pointer method of pointer type t, declared on t's base: the method
  // itself takes the data word as its receiver.
  if (path.empty() && m->ptrRecv && direct && isa<glc::PointerType>(under(t)))
    return ifns[key] = target;
  FuncType *wsig = ifnSig(sig);
  Function *w = declareFunc(wrapperName(ptrT, m->name), wsig);
  wrapperFuncs.insert(w);
  ifns[key] = w;
  genSyntheticBody(w, [&] {
    Value *word = w->getArg(hasSret(wsig) ? 2 : 1);
    Value *recv;
    if (auto *pt = dyn_cast<glc::PointerType>(under(t)); direct && !pt) {
      recv = word; // a named func/chan/map type: the word is the value
    } else {
      Type *cur = direct ? cast<glc::PointerType>(under(t))->elem : t;
      Value *addr = word;
      if (path.empty() && !m->ptrRecv && direct)
        panicwrapIfNil(word, m, cur);
      else if (!path.empty() && direct)
        addr = nilCheck(word);
      Type *ft;
      Value *field = walkFields(addr, cur, path, &ft);
      recv = recvFromField(field, ft, m, true);
    }
    forwardToMethod(w, wsig, recv, target, 1);
  });
  return w;
}

std::vector<Constant *> IRGen::methodTable(Type *t) {
  std::vector<Constant *> out;
  for (const MethodSetEntry &e : methodSet(types, t)) {
    Object *m = e.method;
    if ((!m->funcDecl && !m->ifaceOwner) || !m->type)
      continue; // an erroneous declaration (sema reported it)
    std::string id = rtMethodName(m->name, methodPkg(m));
    Constant *ifn = ifnFor(t, id);
    Constant *tfn = methodSetFunc(t, m, e.path);
    out.push_back(ConstantStruct::get(descType(Desc::Method),
                                      {constString(id), typeDesc(m->type),
                                       ifn, tfn}));
  }
  return out;
}

// A wrapper for interface method m (method m->ifaceIndex of
// m->ifaceOwner) in the method set of T, reached along `path` (empty: T
// is the interface itself, a method expression I.M). With `ifn`, the
// wrapper takes the interface data word of a T (typedesc.def's ifn: the
// pointer itself for a pointer-shaped T, else a pointer to the boxed T);
// otherwise the T itself as its first Go parameter. It loads the
// interface value at the end of the path and calls through its itab.
Function *IRGen::ifaceSetFunc(Type *T, Object *m, ArrayRef<int> path, bool ifn) {
  auto key = std::make_pair(T, m);
  auto &cache = ifn ? ifaceIfns : ifaceSetWrappers;
  if (Function *w = cache.lookup(key))
    return w;
  auto *sig = cast<FuncType>(m->type);
  FuncType *wsig = ifnSig(sig);
  if (!ifn) {
    std::vector<Type *> params{T};
    params.insert(params.end(), sig->params.begin(), sig->params.end());
    wsig = types.funcOf(params, sig->results, sig->variadic);
  }
  bool direct = isDirectIfaceT(T);
  Type *nameT = ifn && !direct ? (Type *)types.pointerTo(T) : T;
  Function *w = declareFunc(wrapperName(nameT, m->name), wsig);
  wrapperFuncs.insert(w);
  cache[key] = w;
  std::vector<int> p(path.begin(), path.end());
  genSyntheticBody(w, [&] {
    Value *iv;
    if (p.empty() && !ifn) { // I.M: the receiver is the interface
      iv = w->getArg(hasSret(wsig) ? 2 : 1);
      if (byRef(T))
        iv = b.CreateLoad(llType(T), iv);
    } else {
      Value *addr;
      Type *cur = T;
      if (ifn) {
        addr = w->getArg(hasSret(wsig) ? 2 : 1); // the data word
        if (auto *pt = dyn_cast<glc::PointerType>(under(T))) {
          addr = nilCheck(addr);
          cur = pt->elem;
        }
      } else {
        Value *arg = w->getArg(hasSret(wsig) ? 2 : 1);
        if (auto *pt = dyn_cast<glc::PointerType>(under(T))) {
          addr = nilCheck(arg);
          cur = pt->elem;
        } else if (byRef(T)) {
          addr = arg;
        } else {
          addr = entryAlloca(llType(T), "recv");
          b.CreateStore(arg, addr);
        }
      }
      Type *ft;
      Value *field = walkFields(addr, cur, p, &ft);
      iv = b.CreateLoad(llType(ft), field, "embedded.iface");
    }
    Value *tab = b.CreateExtractValue(iv, 0);
    nilCheck(tab, 24 + 8 * m->ifaceIndex);
    forwardToIfn(w, tab, b.CreateExtractValue(iv, 1), m->ifaceIndex, sig, 1);
  });
  return w;
}

} // namespace glc
