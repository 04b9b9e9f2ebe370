//===- IRGenRuntimeBinding.cpp - body-less stdlib functions -> abi.def rows ---===//
//
// The naming rule (the loader's essay, driver/Loader.cpp, states it for the
// whole compiler): a function declared without a body in a stdlib/
// package, `func name(params) results`, is implemented by glrt: it is the
// abi.def row `name`, whose symbol is glrt_<name>. Nothing else binds a GL
// name to the runtime.
//
// irgen gives such a declaration an ordinary Go-convention function
// <pkg>.<name> (ctx first, so it can be called, used as a value, deferred
// or started with `go` like any function) whose body converts the
// arguments to the row's C types and calls glrt_<name>:
//   Go bool -> I8 (zero-extended); integers -> I64 (sign- or
//   zero-extended as their type) or I32; float64 -> F64; pointers, chans,
//   maps, func values, unsafe.Pointer -> Ptr; a string -> Ptr, I64; a slice
//   -> Ptr, I64, I64; an interface{} -> Eface.
//   The result: I8 -> bool; I64/I32 -> the Go integer type; Ptr -> the
//   pointer/chan/map type; Pair -> string; Eface -> interface.
// A mismatch between the GL signature and the row (or a name with no row)
// is reported at the declaration. The stub is always inlined and hidden in
// tracebacks (a wrapper, GLC_FUNC_WRAPPER), so time.Sleep's frame is the GL
// function's own.
//===----------------------------------------------------------------------===//
#include "IRGenImpl.h"

#include "llvm/ADT/StringMap.h"

using namespace llvm;

namespace glc {

namespace {
struct RowInfo {
  RT id;
  const char *ret;
  const char *params;
};
} // namespace

static const llvm::StringMap<RowInfo> &abiRows() {
  static const llvm::StringMap<RowInfo> rows = [] {
    llvm::StringMap<RowInfo> m;
#define GLRT_FUNC(name, ret, ...) m[#name] = RowInfo{RT::name, #ret, "" #__VA_ARGS__};
#define GLRT_NORETURN(name, ...) m[#name] = RowInfo{RT::name, "Void", "" #__VA_ARGS__};
#include "runtime/abi.def"
    return m;
  }();
  return rows;
}

Function *IRGen::runtimeBinding(FuncDecl *f, FuncType *sig, const std::string &prefix) {
  auto &rows = abiRows();
  auto it = rows.find(f->name->name);
  if (it == rows.end()) {
    diags.error(f->name->pos, "function " + f->name->name +
                                  " has no body and no runtime/abi.def row of that name");
    failed = true;
    return nullptr;
  }
  RT id = it->second.id;
  Function *target = rt[(int)id];
  std::string name = prefix + "." + f->name->name;
  Function *fn = declareFunc(name, sig);
  wrapperFuncs.insert(fn);
  fn->addFnAttr(Attribute::AlwaysInline);

  auto mismatch = [&](const Twine &why) {
    diags.error(f->name->pos, "function " + f->name->name + " does not match its abi.def row (" +
                                  why + ")");
    failed = true;
  };
  if (hasSret(sig)) {
    mismatch("result too large");
    return fn;
  }
  FunctionType *rowTy = target->getFunctionType();
  FuncState state;
  FuncState *saved = fs;
  fs = &state;
  IRBuilderBase::InsertPointGuard guard(b);
  state.fn = fn;
  auto *entry = BasicBlock::Create(C, "entry", fn);
  state.allocaBB = entry;
  b.SetInsertPoint(entry);

  // Flatten the Go arguments into words.
  std::vector<std::pair<Value *, Type *>> words; // value, Go type (null: a part)
  for (size_t i = 0; i < sig->params.size(); ++i) {
    Value *a = fn->getArg(i + 1);
    Type *t = sig->params[i];
    TypeKind k = ukind(t);
    if (k == TypeKind::String) {
      words.push_back({b.CreateExtractValue(a, 0), nullptr});
      words.push_back({b.CreateExtractValue(a, 1), nullptr});
    } else if (k == TypeKind::Slice) {
      for (unsigned j = 0; j < 3; ++j)
        words.push_back({b.CreateExtractValue(a, j), nullptr});
    } else {
      words.push_back({a, t});
    }
  }
  if (words.size() != rowTy->getNumParams()) {
    mismatch(Twine(words.size()) + " argument words, the row has " +
             Twine(rowTy->getNumParams()));
    b.CreateUnreachable();
    fs = saved;
    return fn;
  }
  std::vector<Value *> args;
  for (size_t i = 0; i < words.size(); ++i) {
    auto [v, t] = words[i];
    llvm::Type *want = rowTy->getParamType(i);
    if (v->getType() == want) {
      args.push_back(v);
    } else if (v->getType()->isIntegerTy() && want->isIntegerTy()) {
      bool sgn = t && isSigned(t);
      args.push_back(sgn ? b.CreateSExtOrTrunc(v, want) : b.CreateZExtOrTrunc(v, want));
    } else {
      mismatch("argument " + Twine(i + 1));
      args.push_back(UndefValue::get(want));
    }
  }
  Value *r = callRT(id, args);
  if (rtNoReturn[(int)id]) { // callRT ended the block; it opened a dead one
    b.CreateUnreachable();
    fs = saved;
    return fn;
  }
  llvm::Type *goRet = fn->getReturnType();
  if (goRet->isVoidTy()) {
    b.CreateRetVoid();
  } else if (r->getType() == goRet) {
    b.CreateRet(r);
  } else if (r->getType()->isIntegerTy() && goRet->isIntegerTy()) {
    if (goRet->isIntegerTy(1))
      b.CreateRet(b.CreateICmpNE(r, ConstantInt::get(r->getType(), 0)));
    else
      b.CreateRet(b.CreateSExtOrTrunc(r, goRet));
  } else if (r->getType() == pairTy && goRet == strTy) {
    b.CreateRet(r); // same layout {ptr, i64}
  } else {
    mismatch("result");
    b.CreateRet(UndefValue::get(goRet));
  }
  fs = saved;
  return fn;
}

} // namespace glc
