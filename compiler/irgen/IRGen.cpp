//===- IRGen.cpp - module-level lowering -----------------------------------===//
//
// Drives irgen over a File: declares the runtime (runtime/abi.def through
// X-macros), the package-level variables (zero-initialised globals) and
// every top-level function, then lowers the bodies, then emits __glc_main
// (package initialisers in File::initOrder, init functions, main.main) and
// the traceback table __glc_functab.
//
// What it does not do: optimisation, object emission, linking (driver/).
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

#include "llvm/Transforms/Utils/ModuleUtils.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Verifier.h"

#include <tuple>

using namespace llvm;

namespace glc {

IRGen::IRGen(File *f, TypeContext &t, DiagEngine &d, LLVMContext &c, const DataLayout &dl,
             StringRef triple, const IRGenOptions &o)
    : file(f), types(t), diags(d), C(c), mod(std::make_unique<Module>("main", c)),
      DL(mod->getDataLayout()), opts(o), b(c) {
  // DL is the module's own copy, never the caller's `dl`: a DataLayout
  // caches struct layouts keyed by llvm::StructType*, which a caller that
  // keeps one DataLayout for several LLVMContexts would see reused.
  mod->setDataLayout(dl);
  mod->setTargetTriple(triple);
  if (f && !f->filename.empty())
    mod->setSourceFileName(f->filename);
  initTypes();
}

void IRGen::padText() {
  // gl_text opens with 16 bytes of int3 that belong to no function, so the
  // linker's global __start_gl_text never shares an address with generated
  // code: perf report named the first function's samples (main.fib) after
  // the section start. Module asm is emitted before any function; the root
  // module's object is the first on the link line (driver/main.cpp), so
  // its padding opens the section.
  if (!isRoot())
    return;
  mod->appendModuleInlineAsm(".pushsection gl_text,\"ax\",@progbits\n"
                             ".p2align 4\n"
                             ".fill 16, 1, 0xcc\n"
                             ".popsection");
}

void IRGen::initTypes() {
  i1 = llvm::Type::getInt1Ty(C);
  i8 = llvm::Type::getInt8Ty(C);
  i32 = llvm::Type::getInt32Ty(C);
  i64 = llvm::Type::getInt64Ty(C);
  f32 = llvm::Type::getFloatTy(C);
  f64 = llvm::Type::getDoubleTy(C);
  ptrTy = llvm::PointerType::getUnqual(C);
  voidTy = llvm::Type::getVoidTy(C);
  strTy = llvm::StructType::get(C, {ptrTy, i64});
  sliceTy = llvm::StructType::get(C, {ptrTy, i64, i64});
  pairTy = llvm::StructType::get(C, {ptrTy, i64});
}

void IRGen::unsupported(SMLoc pos, const Twine &what) {
  diags.error(pos, what + " not supported by glc yet");
  failed = true;
}

void IRGen::declareRuntime() {
  auto ty = [&](const char *n) -> llvm::Type * {
    StringRef s(n);
    if (s == "Void") return voidTy;
    if (s == "I8") return i8;
    if (s == "I32") return i32;
    if (s == "I64") return i64;
    if (s == "F64") return f64;
    if (s == "Ptr" || s == "Fn") return ptrTy;
    if (s == "Eface") return llvm::StructType::get(C, {ptrTy, ptrTy});
    return pairTy; // Pair
  };
  // The parameter list arrives as one string ("Ptr, I64"): split it.
  auto declare = [&](RT id, const char *name, const char *ret, StringRef params,
                     bool noreturn) {
    std::vector<llvm::Type *> ps;
    SmallVector<StringRef, 8> parts;
    params.split(parts, ',', -1, /*KeepEmpty=*/false);
    for (StringRef p : parts)
      ps.push_back(ty(p.trim().str().c_str()));
    auto *ft = FunctionType::get(ty(ret), ps, false);
    auto *fn = Function::Create(ft, Function::ExternalLinkage, std::string("glrt_") + name,
                                mod.get());
    // The C side takes uint8_t / int32_t: the x86-64 ABI leaves the upper
    // bits of the register to the caller, which must extend (abi.def).
    for (unsigned i = 0; i < parts.size(); ++i) {
      StringRef p = parts[i].trim();
      if (p == "I8")
        fn->addParamAttr(i, Attribute::ZExt);
      else if (p == "I32")
        fn->addParamAttr(i, Attribute::SExt);
    }
    if (StringRef(ret) == "I8")
      fn->addRetAttr(Attribute::ZExt);
    if (noreturn) {
      fn->addFnAttr(Attribute::NoReturn);
      fn->addFnAttr(Attribute::Cold);
    }
    fn->addFnAttr(Attribute::NoUnwind);
    // A fresh object (size 0: the shared zerobase, which no one reads or
    // writes): so comparing it with nil is no capture and StackAlloc.cpp
    // can move an object whose pointer is nil-checked.
    if (id == RT::newobject || id == RT::mallocgc || id == RT::makeslice)
      fn->addRetAttr(Attribute::NoAlias);
    // Pointer parameters the runtime only reads or writes through during
    // the call and never keeps (checked against each definition: they copy
    // from or compare the bytes, none returns or stores the pointer), so
    // passing a frame object's address there is no escape (StackAlloc.cpp:
    // a non-escaping make([]byte, 0, 12) that is appended to and converted
    // to a string stays in the frame).
    auto noCapture = [&](std::initializer_list<unsigned> idx) {
      for (unsigned i : idx)
        fn->addParamAttr(i, Attribute::NoCapture);
    };
    switch (id) {
    case RT::growslice:         // copies oldLen elements out; returns a new array
    case RT::slicebytetostring: // copies
    case RT::stringtoslicebyte: // copies
    case RT::slicerunetostring: // reads the runes
    case RT::stringtoslicerune: // reads the bytes
    case RT::decoderune:        // reads
    case RT::indexByteString:   // reads
    case RT::countByteString:   // reads
      noCapture({0});
      break;
    case RT::cmpstring: // compares
    case RT::eqstring:
      noCapture({0, 2});
      break;
    default:
      break;
    }
    rt[(int)id] = fn;
    rtNoReturn[(int)id] = noreturn;
  };
#define GLRT_FUNC(name, ret, ...) declare(RT::name, #name, #ret, "" #__VA_ARGS__, false);
#define GLRT_NORETURN(name, ...) declare(RT::name, #name, "Void", "" #__VA_ARGS__, true);
#include "runtime/abi.def"
}

// (ctx, [sret,] params...) -> result. Parameters of array and struct
// types over kLargeAggregate bytes are passed as a pointer to a copy the
// callee copies again into its own variable; a result (or result tuple)
// over kLargeAggregate bytes is stored through the hidden `sret` pointer
// and the function returns void (emitCall, genFuncBody, genReturn).
FunctionType *IRGen::funcLLType(FuncType *sig) {
  std::vector<llvm::Type *> ps{ptrTy};
  if (hasSret(sig))
    ps.push_back(ptrTy);
  for (Type *p : sig->params)
    ps.push_back(byRef(p) ? ptrTy : llType(p));
  llvm::Type *ret = hasSret(sig) ? voidTy : resultLLType(sig);
  return FunctionType::get(ret, ps, false);
}

llvm::Type *IRGen::resultLLType(FuncType *sig) {
  if (sig->results.size() == 1)
    return llType(sig->results[0]);
  if (sig->results.empty())
    return voidTy;
  std::vector<llvm::Type *> rs;
  for (Type *r : sig->results)
    rs.push_back(llType(r));
  return llvm::StructType::get(C, rs);
}

bool IRGen::hasSret(FuncType *sig) {
  llvm::Type *r = resultLLType(sig);
  return r->isAggregateType() && DL.getTypeAllocSize(r) > kLargeAggregate;
}

void IRGen::setFuncAttrs(Function *fn, const std::string &goName) {
  fn->setSection("gl_text");
  fn->addFnAttr("frame-pointer", "all");
  fn->addFnAttr(Attribute::NoUnwind);
  // Segmented stacks: the prologue checks %fs:0x70 and calls glrt's
  // __morestack. LLVM cannot split variadic functions; glc emits none.
  if (opts.splitStack && !fn->isVarArg())
    fn->addFnAttr("split-stack");
  functab.push_back({fn, goName});
}

// Parameters and results are first-class LLVM values; LLVM cannot handle
// huge ones (a 256 MB array result exhausts memory in the backend).
bool IRGen::checkSignature(FuncType *sig, SMLoc pos) {
  for (auto *list : {&sig->params, &sig->results})
    for (Type *t : *list)
      if (sizeOf(t) > kMaxStackVar) {
        unsupported(pos, "passing or returning a " + typeString(t) + " value (over " +
                             Twine(kMaxStackVar >> 10) + " KB) is");
        return false;
      }
  return true;
}

Function *IRGen::declareFunc(const std::string &name, FuncType *sig) {
  auto *fn = Function::Create(funcLLType(sig), Function::InternalLinkage, name, mod.get());
  fn->getArg(0)->setName("ctx");
  setFuncAttrs(fn, name);
  // A GL pointer is nil or points to a live object of its element type (no
  // unsafe, no pointer arithmetic, objects are never freed while reachable
  // and frames' objects never outlive their frame: StackAlloc.cpp). Saying
  // so lets LLVM see that a nil check does not capture the pointer, so
  // FunctionAttrs can infer `nocapture` for pointer parameters.
  unsigned first = hasSret(sig) ? 2 : 1;
  for (size_t i = 0; i < sig->params.size(); ++i) {
    Type *pt = sig->params[i];
    if (byRef(pt))
      continue;
    if (auto *ptr = dyn_cast<glc::PointerType>(under(pt)))
      if (uint64_t n = sizeOf(ptr->elem); n > 0)
        fn->addParamAttr(first + unsigned(i), Attribute::getWithDereferenceableOrNullBytes(C, n));
  }
  return fn;
}

Constant *IRGen::funcValue(Object *obj) {
  auto it = funcVals.find(obj);
  if (it != funcVals.end())
    return it->second;
  Function *fn = funcs.lookup(obj);
  if (!fn)
    return ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  auto *init = ConstantStruct::getAnon(C, {fn});
  auto *gv = new GlobalVariable(*mod, init->getType(), /*isConstant=*/true,
                                GlobalValue::InternalLinkage, init, fn->getName() + "·f");
  gv->setAlignment(Align(8));
  funcVals[obj] = gv;
  return gv;
}

Constant *IRGen::constString(StringRef s) {
  auto it = strConsts.find(s);
  if (it != strConsts.end())
    return it->second;
  Constant *data;
  if (s.empty()) {
    data = ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  } else {
    auto *arr = ConstantDataArray::getString(C, s, /*AddNull=*/false);
    auto *gv = new GlobalVariable(*mod, arr->getType(), true, GlobalValue::PrivateLinkage, arr,
                                  ".str");
    gv->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
    gv->setAlignment(Align(1));
    data = gv;
  }
  auto *c = ConstantStruct::get(strTy, {data, ConstantInt::get(i64, s.size())});
  strConsts[s] = c;
  return c;
}

//===----------------------------------------------------------------------===//
// Function bodies
//===----------------------------------------------------------------------===//

void IRGen::genFuncBody(Function *fn, FuncInfo *info, FuncType *sig, BlockStmt *body) {
  FuncState state;
  FuncState *saved = fs;
  fs = &state;
  IRBuilderBase::InsertPointGuard guard(b);

  state.fn = fn;
  state.info = info;
  state.sig = sig;
  state.ctx = fn->getArg(0);
  state.allocaBB = BasicBlock::Create(C, "entry", fn);
  auto *start = BasicBlock::Create(C, "start", fn);
  b.SetInsertPoint(start);
  dbgBeginFunction(fn, info, body ? body->pos : SMLoc());

  // Captured variables of enclosing functions: box pointers in the record.
  for (size_t i = 0; i < info->captures.size(); ++i) {
    if (info->captures[i]->isGlobal)
      continue;
    Value *slot = b.CreateConstGEP1_64(ptrTy, state.ctx, i + 1);
    state.vars[info->captures[i]] = b.CreateLoad(ptrTy, slot, info->captures[i]->name + ".box");
  }
  // Parameters (after ctx and the result pointer, if any).
  unsigned first = 1;
  if (sig && hasSret(sig)) {
    state.sret = fn->getArg(1);
    state.sret->setName("sret");
    first = 2;
  }
  // A method's receiver is its first parameter.
  std::vector<Object *> params;
  if (info->recv)
    params.push_back(info->recv);
  params.insert(params.end(), info->params.begin(), info->params.end());
  for (size_t i = 0; i < params.size() && i + first < fn->arg_size(); ++i) {
    Object *p = params[i];
    Argument *arg = fn->getArg(i + first);
    if (!p || p->name.empty() || p->name == "_")
      continue;
    arg->setName(p->name);
    Value *addr = allocVar(p, p->name);
    if (byRef(p->type)) {
      Align al = DL.getABITypeAlign(llType(p->type));
      b.CreateMemCpy(addr, al, arg, al, sizeOf(p->type));
    } else {
      b.CreateStore(arg, addr);
    }
  }
  // Named results start at zero.
  for (Object *r : info->results) {
    if (!r || r->name.empty() || r->name == "_")
      continue;
    allocVar(r, r->name);
  }
  deferPrologue(body); // functions with defer statements (IRGenDefer.cpp)

  genBlock(body);

  if (state.defer) {
    branchToDeferExit(); // a void function's end: run the defers, return
    // The deferred calls run at the closing brace, as gc positions the
    // deferreturn of a function that ends without a return statement
    // (runtime.Caller in a deferred call reports that line).
    dbgSetLoc(body->rbrace);
    endDefer();
  }
  if (blockOpen()) {
    if (fn->getReturnType()->isVoidTy())
      b.CreateRetVoid();
    else
      b.CreateUnreachable();
  }
  b.SetInsertPoint(state.allocaBB);
  b.CreateBr(start);
  for (BasicBlock &bb : *fn)
    if (!bb.getTerminator()) {
      b.SetInsertPoint(&bb);
      b.CreateUnreachable();
    }
  dbgEndFunction();
  fs = saved;
}

// Lowers `body` as the whole body of the parameterless function `fn`.
void IRGen::genSyntheticBody(Function *fn, llvm::function_ref<void()> body) {
  FuncInfo info;
  info.name = fn->getName().str();
  FuncState state;
  FuncState *saved = fs;
  fs = &state;
  IRBuilderBase::InsertPointGuard guard(b);
  state.fn = fn;
  state.info = &info;
  state.allocaBB = BasicBlock::Create(C, "entry", fn);
  auto *start = BasicBlock::Create(C, "start", fn);
  b.SetInsertPoint(start);
  dbgBeginFunction(fn, nullptr, SMLoc());
  body();
  if (blockOpen())
    b.CreateRetVoid();
  b.SetInsertPoint(state.allocaBB);
  b.CreateBr(start);
  for (BasicBlock &bb : *fn)
    if (!bb.getTerminator()) {
      b.SetInsertPoint(&bb);
      b.CreateUnreachable();
    }
  dbgEndFunction();
  fs = saved;
}

// <pkg>.init runs a package's package-level initialisers in dependency
// order (as gc's main.init does, so a panic in one shows main.init in the
// traceback); __glc_main calls, package by package in initialisation
// order, its <pkg>.init and then its init functions, and at last main.main.
//
// Under separate compilation each package's module defines its own
// <pkg>.init (external), and package main's module declares the others'
// and emits __glc_main; other modules have no __glc_main.
void IRGen::genGlcMain() {
  auto *nullCtx = ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  std::vector<Function *> order;
  for (Package *pkg : pkgs) {
    if (!definesPackage(pkg) && !isRoot())
      continue;
    bool anyInit = false;
    for (ValueSpec *spec : pkg->initOrder)
      anyInit |= spec && !spec->values.empty();
    if (anyInit) {
      std::string name = pkg->symPrefix() + ".init";
      auto *fty = FunctionType::get(voidTy, {ptrTy}, false);
      Function *initFn;
      if (definesPackage(pkg)) {
        initFn = Function::Create(fty, only ? Function::ExternalLinkage : Function::InternalLinkage,
                                  name, mod.get());
        initFn->getArg(0)->setName("ctx");
        setFuncAttrs(initFn, name);
        genSyntheticBody(initFn, [&] { genVarInits(pkg); });
      } else {
        initFn = Function::Create(fty, Function::ExternalLinkage, name, mod.get());
      }
      order.push_back(initFn);
    }
    for (FuncDecl *d : pkg->inits)
      if (Function *f = declFuncs.lookup(d))
        order.push_back(f);
  }
  if (!isRoot())
    return;

  auto *fn = Function::Create(FunctionType::get(voidTy, false), Function::ExternalLinkage,
                              "__glc_main", mod.get());
  setFuncAttrs(fn, "runtime.main");
  genSyntheticBody(fn, [&] {
    for (Function *f : order)
      b.CreateCall(f->getFunctionType(), f, {nullCtx});
    if (Function *m = mod->getFunction("main.main"))
      b.CreateCall(m->getFunctionType(), m, {nullCtx});
  });
}

void IRGen::genVarInits(Package *pkg) {
  llvm::DenseSet<ValueSpec *> done;
  for (size_t k = 0; k < pkg->initOrder.size(); ++k) {
    ValueSpec *spec = pkg->initOrder[k];
    int index = k < pkg->initIndex.size() ? pkg->initIndex[k] : -1;
    if (!spec || spec->values.empty())
      continue;
    if (index >= 0 && spec->names.size() > 1) {
      // One name of `var a, b = x, y`: its own value, in its own turn.
      Ident *n = spec->names[index];
      std::vector<Value *> vals =
          genRHS({spec->values[index]}, 1, {n->obj ? n->obj->type : nullptr});
      if (n->obj && n->name != "_" && !vals.empty())
        if (GlobalVariable *gv = globals.lookup(n->obj))
          b.CreateStore(vals[0], gv);
      continue;
    }
    if (!done.insert(spec).second)
      continue;
    // A composite literal known at compile time is the global's
    // initial value (static data, as gc does): no code, no copy.
    if (spec->names.size() == 1 && spec->values.size() == 1 && spec->names[0]->obj &&
        isa<CompositeLit>(unparen(spec->values[0])))
      if (GlobalVariable *gv = globals.lookup(spec->names[0]->obj))
        if (Constant *k = constLitValue(spec->values[0], spec->names[0]->obj->type)) {
          gv->setInitializer(k);
          continue;
        }
    if (spec->names.size() == 1 && spec->values.size() == 1 && spec->names[0]->obj &&
        globals.count(spec->names[0]->obj) && isLargeAggregate(spec->names[0]->obj->type)) {
      hoistCalls(spec->values[0]);
      storeExpr(globals[spec->names[0]->obj], spec->values[0], spec->names[0]->obj->type);
      continue;
    }
    std::vector<Type *> dsts;
    for (Ident *n : spec->names)
      dsts.push_back(n->obj ? n->obj->type : nullptr);
    std::vector<Value *> vals = genRHS(spec->values, spec->names.size(), dsts);
    for (size_t i = 0; i < spec->names.size() && i < vals.size(); ++i) {
      Ident *n = spec->names[i];
      if (!n->obj || n->name == "_")
        continue;
      if (GlobalVariable *gv = globals.lookup(n->obj))
        b.CreateStore(vals[i], gv);
    }
  }
}

//
// Under separate compilation every module's table is an internal array in
// section gl_functab: the linker concatenates them (24-byte entries,
// 8-aligned: no padding between) and glrt reads __start_gl_functab ..
// __stop_gl_functab besides __glc_functab (runtime/traceback.cpp). Only
// functions this module defines are listed; other packages' runtime
// bindings it never called are erased first.
void IRGen::genFunctab() {
  auto *entryTy = llvm::StructType::get(C, {ptrTy, ptrTy, i64});
  std::vector<Constant *> entries;
  if (only)
    for (Function *fn : foreignBindings)
      if (fn->use_empty()) {
        std::erase_if(functab, [&](auto &e) { return e.first == fn; });
        fn->eraseFromParent();
      }
  for (auto &[fn, name] : functab) {
    if (fn->isDeclaration())
      continue;
    auto *str = ConstantDataArray::getString(C, name, /*AddNull=*/true);
    auto *gv = new GlobalVariable(*mod, str->getType(), true, GlobalValue::PrivateLinkage, str,
                                  ".fname");
    gv->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
    int64_t flags = wrapperFuncs.count(fn) ? 1 : 0; // abi.def: GLC_FUNC_WRAPPER
    entries.push_back(ConstantStruct::get(entryTy, {fn, gv, ConstantInt::get(i64, flags)}));
  }
  auto *arrTy = llvm::ArrayType::get(entryTy, entries.size());
  if (only) {
    auto *gv = new GlobalVariable(*mod, arrTy, true, GlobalValue::InternalLinkage,
                                  ConstantArray::get(arrTy, entries), "__glc_functab");
    gv->setSection("gl_functab");
    gv->setAlignment(Align(8));
    usedGlobals.push_back(gv);
    return;
  }
  new GlobalVariable(*mod, arrTy, true, GlobalValue::ExternalLinkage,
                     ConstantArray::get(arrTy, entries), "__glc_functab");
  new GlobalVariable(*mod, i64, true, GlobalValue::ExternalLinkage,
                     ConstantInt::get(i64, entries.size()), "__glc_functab_len");
}

// A panic's traceback lists the Go functions on the stack, as Go's does.
// A function can be on the stack when a panic starts only if it calls
// something (the runtime's panic entry points included). Such functions
// keep their own frame: they are never inlined and never tail-call, with
// one exception, below. Leaf functions without calls (x+y helpers) may be
// inlined freely: they can never appear in a traceback.
//
// The exception: a function F whose only calls are to such leaves and to
// the runtime's panic entry points (isPanicEntry: a nil check, a bounds
// check, panic(v) of a basic value, a wrapper's panicwrap) may be inlined
// too, which is what lets a devirtualised interface call (IRGenIface.cpp)
// or a small method inline. Its frame is kept where it matters, on the
// panicking path: each panic call in F becomes a call of a stub,
// "F·panic", which makes the same call at the same line and is listed in
// __glc_functab under F's Go name (and F's wrapper flag). So a panic shows
// F at its line, whether F was inlined or not, then F's caller at the line
// of the call -- go1.19's frames for an inlined F (`main.F(...)` then the
// caller). finishPanicStubs, after the optimiser, completes this: a stub
// call that LLVM inlined into a caller gets the location of the call site
// (not F's line, which the caller's frame would otherwise show); one left
// in a body of F's own (not inlined) calls the runtime directly again, so
// that F is not shown twice. F's callees are call-free leaves, so an
// inlined stub call is never more than one inlining deep.
// Not done (the general fix): printing inlined frames from DWARF's inlining
// information, which would let functions that call other Go functions
// inline too.
//
// Every call is also nomerge: each keeps its own line, as gc's calls do.
// Codegen's tail merging (and SimplifyCFG's sinking) would otherwise fold
// identical calls at different lines -- two panic("x"), three where()
// before returns, the deferred calls of two returns -- into one whose
// merged location is line 0, and tracebacks and runtime.Caller would read
// "?:0" or line 0 there.
static bool isPanicEntry(const Function *callee) {
  if (!callee || !callee->isDeclaration() || !callee->doesNotReturn())
    return false;
  StringRef n = callee->getName();
  // Goexit runs deferred calls and block parks forever (both can leave
  // the goroutine on a stack that others print); exit ends the process.
  return n.starts_with("glrt_") && n != "glrt_Goexit" && n != "glrt_block" && n != "glrt_exit";
}

void IRGen::keepTracebackFrames() {
  auto isCall = [](Instruction &inst) {
    auto *call = dyn_cast<CallBase>(&inst);
    return call && !isa<IntrinsicInst>(call) ? call : nullptr;
  };
  // Call-free functions (leaves).
  DenseSet<Function *> leaves;
  for (auto &[fn, name] : functab) {
    if (fn->hasFnAttribute(Attribute::AlwaysInline) || name == "main.main")
      continue;
    bool calls = false;
    for (BasicBlock &bb : *fn)
      for (Instruction &inst : bb)
        calls |= isCall(inst) != nullptr;
    if (!calls)
      leaves.insert(fn);
  }
  size_t n = functab.size(); // stubs are appended
  for (size_t i = 0; i < n; ++i) {
    Function *fn = functab[i].first;
    if (fn->hasFnAttribute(Attribute::AlwaysInline))
      continue; // a runtime binding (IRGenRuntimeBinding.cpp): never a frame
    bool keep = functab[i].second == "main.main";
    SmallVector<CallInst *, 4> panics;
    for (BasicBlock &bb : *fn)
      for (Instruction &inst : bb)
        if (CallBase *call = isCall(inst)) {
          call->addFnAttr(Attribute::NoMerge);
          Function *callee = call->getCalledFunction();
          if (callee && leaves.count(callee))
            continue;
          if (isPanicEntry(callee) && isa<CallInst>(call))
            panics.push_back(cast<CallInst>(call));
          else
            keep = true;
        }
    fn->addFnAttr("disable-tail-calls", "true");
    if (keep || (!panics.empty() && !opts.inlining)) {
      fn->addFnAttr(Attribute::NoInline);
      continue;
    }
    // One stub per runtime function and source position: the panic's
    // operands are the stub's arguments, so calls at one position (a[i] =
    // a[j]'s two bounds checks) share it.
    std::map<std::tuple<Function *, unsigned, unsigned>, Function *> stubs;
    for (CallInst *call : panics) {
      std::string name = functab[i].second;
      Function *callee = call->getCalledFunction();
      const DebugLoc &dl = call->getDebugLoc();
      Function *&stub = stubs[{callee, dl ? dl.getLine() : 0, dl ? dl.getCol() : 0}];
      if (stub) {
        call->setCalledFunction(stub);
        continue;
      }
      stub = Function::Create(callee->getFunctionType(), Function::InternalLinkage,
                                        fn->getName() + "·panic", *mod);
      stub->setSection(fn->getSection());
      for (Attribute a : fn->getAttributes().getFnAttrs())
        if (a.isStringAttribute() || a.getKindAsEnum() != Attribute::Memory)
          stub->addFnAttr(a);
      stub->removeFnAttr(Attribute::AlwaysInline);
      stub->addFnAttr(Attribute::NoInline);
      stub->addFnAttr(Attribute::NoReturn);
      stub->addFnAttr(Attribute::Cold);
      stub->addFnAttr(kPanicStubAttr);
      std::vector<Value *> args;
      for (Argument &a : stub->args())
        args.push_back(&a);
      BasicBlock *entry = BasicBlock::Create(C, "entry", stub);
      CallInst *inner = CallInst::Create(callee, args, "", entry);
      inner->setAttributes(call->getAttributes());
      new UnreachableInst(C, entry);
      dbgPanicStub(fn, stub, call->getDebugLoc(), inner);
      call->setCalledFunction(stub);
      functab.push_back({stub, name});
      if (wrapperFuncs.count(fn))
        wrapperFuncs.insert(stub);
    }
  }
}

void finishPanicStubs(Module &m) {
  SmallVector<CallInst *, 16> calls;
  for (Function &fn : m)
    if (!fn.hasFnAttribute(kPanicStubAttr))
      for (BasicBlock &bb : fn)
        for (Instruction &inst : bb)
          if (auto *call = dyn_cast<CallInst>(&inst))
            if (Function *callee = call->getCalledFunction();
                callee && callee->hasFnAttribute(kPanicStubAttr))
              calls.push_back(call);
  for (CallInst *call : calls) {
    DILocation *l = call->getDebugLoc().get();
    if (l && l->getInlinedAt()) {
      // Inlined into a caller: the caller's frame is at its call.
      while (l->getInlinedAt())
        l = l->getInlinedAt();
      call->setDebugLoc(DILocation::get(m.getContext(), l->getLine(), l->getColumn(),
                                        l->getScope()));
      continue;
    }
    // In a body of F's own: the stub's call made here (its arguments: the
    // stub's parameters, or constants the optimiser put in their place).
    Function *stub = call->getCalledFunction();
    CallInst *inner = nullptr;
    for (Instruction &si : stub->getEntryBlock())
      if (auto *c = dyn_cast<CallInst>(&si); c && !isa<IntrinsicInst>(c))
        inner = c;
    if (!inner)
      continue;
    std::vector<Value *> args;
    for (Value *a : inner->args())
      args.push_back(isa<Argument>(a) ? call->getArgOperand(cast<Argument>(a)->getArgNo()) : a);
    CallInst *direct = CallInst::Create(inner->getFunctionType(), inner->getCalledOperand(), args,
                                        "", call->getIterator());
    direct->setAttributes(inner->getAttributes());
    direct->addFnAttr(Attribute::NoMerge);
    direct->setDebugLoc(call->getDebugLoc());
    call->eraseFromParent(); // void, noreturn: no uses
  }
}

// Whether other packages may name `name` (an upper-case first letter;
// any non-ASCII first letter counts, conservatively: it only makes the
// symbol external).
static bool isExported(const std::string &name) {
  return !name.empty() && ((unsigned char)name[0] >= 0x80 || (name[0] >= 'A' && name[0] <= 'Z'));
}

// Declares the global of a package-level var, or the function of a func or
// method declaration (its body is lowered later, through `queue`).
void IRGen::declareTopLevel(Package *pkg, Decl *d, const std::string &prefix, unsigned &initIndex,
                            llvm::function_ref<void(FuncDecl *, Function *, FuncType *)> queue) {
  if (auto *g = dyn_cast<GenDecl>(d)) {
    if (g->tok != TokKind::Var)
      return;
    for (Spec *s : g->specs) {
      auto *vs = dyn_cast<ValueSpec>(s);
      if (!vs)
        continue;
      for (Ident *n : vs->names) {
        if (!n->obj || n->name == "_")
          continue;
        auto *ty = llType(n->obj->type);
        GlobalVariable *gv;
        if (!definesPackage(pkg)) // another package's: a declaration
          gv = new GlobalVariable(*mod, ty, false, GlobalValue::ExternalLinkage, nullptr,
                                  prefix + "." + n->name);
        else
          gv = new GlobalVariable(*mod, ty, false,
                                  only && isExported(n->name) ? GlobalValue::ExternalLinkage
                                                              : GlobalValue::InternalLinkage,
                                  Constant::getNullValue(ty), prefix + "." + n->name);
        if (definesPackage(pkg))
          placePackageVar(gv, n->obj->type);
        globals[n->obj] = gv;
      }
    }
    return;
  }
  auto *f = dyn_cast<FuncDecl>(d);
  if (!f)
    return;
  if (f->recv) {
    Object *obj = f->name->obj;
    auto *sig = obj ? dyn_cast_or_null<FuncType>(obj->type) : nullptr;
    if (!sig || !f->body || !f->info.recv || !checkSignature(sig, f->name->pos))
      return;
    Function *fn = methodFunc(obj);
    declFuncs[f] = fn;
    if (only) // called from other packages' modules (itabs, descriptors)
      fn->setLinkage(Function::ExternalLinkage);
    if (definesPackage(pkg))
      queue(f, fn, methodSig(obj));
    return;
  }
  Object *obj = f->name->obj;
  auto *sig = obj ? dyn_cast_or_null<FuncType>(obj->type) : nullptr;
  if (!sig)
    sig = types.funcOf({}, {}, false);
  if (!f->body) {
    // Implemented by glrt (driver/Loader.cpp: the naming rule).
    if (Function *fn = runtimeBinding(f, sig, prefix)) {
      if (obj)
        funcs[obj] = fn;
      declFuncs[f] = fn;
      if (!definesPackage(pkg))
        foreignBindings.insert(fn);
    }
    return;
  }
  std::string name = prefix + "." + f->name->name;
  if (f->name->name == "init")
    name = prefix + ".init." + std::to_string(initIndex++);
  if (!checkSignature(sig, f->name->pos))
    return;
  Function *fn = declareFunc(name, sig);
  if (only)
    fn->setLinkage(Function::ExternalLinkage);
  if (obj)
    funcs[obj] = fn;
  declFuncs[f] = fn;
  if (definesPackage(pkg))
    queue(f, fn, sig);
}

bool IRGen::run() {
  padText();
  declareRuntime();
  dbgInit();

  // Package-level variables and function declarations, package by package.
  struct Body { FuncDecl *decl; Function *fn; FuncType *sig; };
  std::vector<Body> bodies;
  for (Package *pkg : pkgs) {
    unsigned initIndex = 0;
    const std::string &prefix = pkg->symPrefix();
    for (File *f : pkg->files)
      for (Decl *d : f->decls)
        declareTopLevel(pkg, d, prefix, initIndex, [&](FuncDecl *fd, Function *fn, FuncType *sig) {
          bodies.push_back({fd, fn, sig});
        });
  }
  for (Body &bd : bodies)
    genFuncBody(bd.fn, &bd.decl->info, bd.sig, bd.decl->body);
  genGlcMain();
  devirtualizeIfaceCalls(); // IRGenIface.cpp; before keepTracebackFrames (direct calls)
  keepTracebackFrames();
  genFunctab();
  genGCRoots(); // IRGenGlobals.cpp
  insertWriteBarriers(); // IRGenAlloc.cpp; after keepTracebackFrames (see there)
  if (!usedGlobals.empty())
    appendToCompilerUsed(*mod, usedGlobals);
  dbgFinish();
  return !failed;
}

std::unique_ptr<Module> generateIR(const std::vector<Package *> &pkgs, TypeContext &types,
                                   DiagEngine &diags, LLVMContext &llctx,
                                   const DataLayout &dataLayout, StringRef targetTriple,
                                   const IRGenOptions &opts) {
  Package *unit = opts.only ? opts.only : pkgs.empty() ? nullptr : pkgs.back();
  File *mainFile = !unit || unit->files.empty() ? nullptr : unit->files[0];
  IRGen gen(mainFile, types, diags, llctx, dataLayout, targetTriple, opts);
  gen.pkgs = pkgs;
  gen.only = opts.only;
  if (!gen.run())
    return nullptr;
  return std::move(gen.mod);
}

std::unique_ptr<Module> generateIR(File *file, TypeContext &types, DiagEngine &diags,
                                   LLVMContext &llctx, const DataLayout &dataLayout,
                                   StringRef targetTriple, const IRGenOptions &opts) {
  Package pkg;
  pkg.path = "main";
  pkg.name = "main";
  pkg.files.push_back(file);
  pkg.initOrder = file->initOrder;
  pkg.initIndex = file->initIndex;
  pkg.inits = file->inits;
  return generateIR(std::vector<Package *>{&pkg}, types, diags, llctx, dataLayout, targetTriple,
                    opts);
}

} // namespace glc
