//===- IRGenTypeDesc.cpp - run-time type descriptors -----------------------===//
//
// Emits the records of runtime/typedesc.def (read its invariants first) for
// every type the program needs at run time: interface conversions, maps,
// panics, the collector's bitmaps.
//
//  - The LLVM struct type of each record is built from the same table the
//    runtime's C++ structs come from (descType); IRGenTest checks that
//    LLVM's DataLayout puts every field at the table's offset.
//  - typeDesc(t) returns the descriptor global, creating it on first use.
//    Globals are created before their initializers are computed, so
//    recursive types (type L struct{ next *L }) refer to themselves.
//  - Each descriptor is a link-once-ODR constant in a comdat of its own,
//    named "type:" + the type's link string: Go's string with local named
//    types made unique ("main.T·2"), so that two types have one descriptor
//    iff they are identical, within a module and across modules.
//  - Equality functions ("type..eq.<link string>") are generated code in
//    gl_text with the C signature bool(const void *, const void *).
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

#include "llvm/IR/Comdat.h"

using namespace llvm;

namespace glc {

namespace {

// reflect.Kind values (runtime/type.h).
enum RtKind : uint8_t {
  KBool = 1, KInt, KInt8, KInt16, KInt32, KInt64, KUint, KUint8, KUint16, KUint32, KUint64,
  KUintptr, KFloat32, KFloat64, KComplex64, KComplex128, KArray, KChan, KFunc, KInterface,
  KMap, KPointer, KSlice, KString, KStruct, KUnsafePointer,
  KDirectIface = 1 << 5,
};
enum : uint8_t { TFlagUncommon = 1, TFlagNamed = 4, TFlagRegularMemory = 8 };

} // namespace

//===----------------------------------------------------------------------===//
// Record types from typedesc.def
//===----------------------------------------------------------------------===//

llvm::StructType *IRGen::descType(Desc d) {
  if (descTypes[(int)d])
    return descTypes[(int)d];
  llvm::StructType *str = llvm::StructType::get(C, {ptrTy, i64});
  llvm::StructType *slice = llvm::StructType::get(C, {ptrTy, i64, i64});
  auto kindTy = [&](llvm::StringRef k) -> llvm::Type * {
    if (k == "Uptr") return i64;
    if (k == "U32") return i32;
    if (k == "U16") return llvm::Type::getInt16Ty(C);
    if (k == "U8") return i8;
    if (k == "Ptr") return ptrTy;
    if (k == "Str") return str;
    if (k == "Slice") return slice;
    return descType(Desc::Type); // Base
  };
  std::vector<llvm::Type *> fields;
  int cur = -1;
#define GLRT_DESC(Name) cur = (int)Desc::Name; fields.clear();
#define GLRT_DESC_FIELD(Name, field, Kind, CType, offset)                      \
  if (cur == (int)d) fields.push_back(kindTy(#Kind));
#define GLRT_DESC_END(Name, size)                                              \
  if (cur == (int)d)                                                           \
    descTypes[(int)d] = llvm::StructType::create(C, fields, "glrt." #Name);
#include "runtime/typedesc.def"
  return descTypes[(int)d];
}

//===----------------------------------------------------------------------===//
// Type strings
//===----------------------------------------------------------------------===//

// Go's run-time spelling of t (what %T and panics print): "main.T",
// "[]int", "struct { a int; main.E }", "interface { M() }". With `link`,
// local named types get their unique suffix ("main.T·1").
void IRGen::writeRtType(std::string &out, Type *t, bool link) {
  auto sig = [&](FuncType *ft) {
    out += "(";
    for (size_t i = 0; i < ft->params.size(); ++i) {
      if (i)
        out += ", ";
      if (ft->variadic && i + 1 == ft->params.size()) {
        out += "...";
        writeRtType(out, cast<SliceType>(under(ft->params[i]))->elem, link);
      } else {
        writeRtType(out, ft->params[i], link);
      }
    }
    out += ")";
    if (ft->results.size() == 1) {
      out += " ";
      writeRtType(out, ft->results[0], link);
    } else if (!ft->results.empty()) {
      out += " (";
      for (size_t i = 0; i < ft->results.size(); ++i) {
        if (i)
          out += ", ";
        writeRtType(out, ft->results[i], link);
      }
      out += ")";
    }
  };
  switch (t->kind) {
  case TypeKind::Named: {
    Object *o = cast<NamedType>(t)->obj;
    if (!o->pos.isValid() && o->pkgPath.empty()) { // the universe's error
      out += o->name;
      return;
    }
    // Go's run-time string qualifies by the package's name ("util.T");
    // the link string (descriptor symbols, so the key of their
    // deduplication) by its path: two packages named util stay apart.
    out += link ? symbolPackage(o) : o->pkgPath.empty() ? "main" : types.packageName(o->pkgPath);
    out += ".";
    out += o->name;
    if (link && !o->isGlobal) {
      auto it = localTypeIds.find(o);
      if (it == localTypeIds.end())
        it = localTypeIds.insert({o, (unsigned)localTypeIds.size() + 1}).first;
      out += "\u00b7" + std::to_string(it->second);
    }
    return;
  }
  case TypeKind::Pointer:
    out += "*";
    writeRtType(out, cast<glc::PointerType>(t)->elem, link);
    return;
  case TypeKind::Slice:
    out += "[]";
    writeRtType(out, cast<SliceType>(t)->elem, link);
    return;
  case TypeKind::Array:
    out += "[" + std::to_string(cast<glc::ArrayType>(t)->len) + "]";
    writeRtType(out, cast<glc::ArrayType>(t)->elem, link);
    return;
  case TypeKind::Map:
    out += "map[";
    writeRtType(out, cast<MapType>(t)->key, link);
    out += "]";
    writeRtType(out, cast<MapType>(t)->value, link);
    return;
  case TypeKind::Chan: {
    auto *c = cast<ChanType>(t);
    bool paren = false;
    switch (c->dir) {
    case ChanDir::Both:
      out += "chan ";
      if (auto *inner = dyn_cast<ChanType>(c->elem))
        paren = inner->dir == ChanDir::Recv;
      break;
    case ChanDir::Send: out += "chan<- "; break;
    case ChanDir::Recv: out += "<-chan "; break;
    }
    if (paren)
      out += "(";
    writeRtType(out, c->elem, link);
    if (paren)
      out += ")";
    return;
  }
  case TypeKind::Func:
    out += "func";
    sig(cast<FuncType>(t));
    return;
  case TypeKind::Struct: {
    auto &fs = cast<glc::StructType>(t)->fields;
    if (fs.empty()) {
      out += "struct {}";
      return;
    }
    out += "struct { ";
    for (size_t i = 0; i < fs.size(); ++i) {
      if (i)
        out += "; ";
      if (!fs[i].embedded) {
        out += fs[i].name + " ";
      } else if (link) {
        // An embedded field renamed through an alias (`type Int = int;
        // struct{ Int }`) is neither struct{ int } nor struct{ Int int }:
        // as gc's LinkString, the link string says "Int = int" (the run-
        // time string, as Go's, shows the type alone).
        Type *et = fs[i].type;
        if (auto *p = dyn_cast<glc::PointerType>(et))
          et = p->elem;
        std::string own = isa<NamedType>(et)   ? cast<NamedType>(et)->obj->name
                          : isa<BasicType>(et) ? std::string(cast<BasicType>(et)->name)
                                               : std::string();
        if (own != fs[i].name)
          out += fs[i].name + " = ";
      }
      writeRtType(out, fs[i].type, link);
    }
    out += " }";
    return;
  }
  case TypeKind::Interface: {
    auto &ms = cast<InterfaceType>(t)->methods;
    if (ms.empty()) {
      out += "interface {}";
      return;
    }
    out += "interface { ";
    for (size_t i = 0; i < ms.size(); ++i) {
      if (i)
        out += "; ";
      // Go's run-time string qualifies an unexported method by its
      // package's name ("interface { a.m() }"); the link string by the
      // path, as the method tables (two packages named a stay apart).
      if (isExportedName(ms[i].name))
        out += ms[i].name;
      else if (link)
        out += rtMethodName(ms[i].name, ms[i].pkgPath);
      else
        out += (ms[i].pkgPath.empty() ? std::string("main") : types.packageName(ms[i].pkgPath)) +
               "." + ms[i].name;
      sig(ms[i].sig);
    }
    out += " }";
    return;
  }
  case TypeKind::Tuple: {
    out += "(";
    auto &es = cast<TupleType>(t)->elems;
    for (size_t i = 0; i < es.size(); ++i) {
      if (i)
        out += ", ";
      writeRtType(out, es[i], link);
    }
    out += ")";
    return;
  }
  default:
    switch (t->kind) { // untyped constants reach here only as their default types
    case TypeKind::UntypedBool: out += "bool"; return;
    case TypeKind::UntypedInt: out += "int"; return;
    case TypeKind::UntypedRune: out += "int32"; return;
    case TypeKind::UntypedFloat: out += "float64"; return;
    case TypeKind::UntypedString: out += "string"; return;
    default: out += cast<BasicType>(t)->name; return;
    }
  }
}

std::string IRGen::rtTypeString(Type *t) {
  std::string s;
  writeRtType(s, t, false);
  return s;
}

// An unexported method name is qualified by its package's path ("main.m",
// "example.com/m/a.m"), as in the descriptors' method tables: the runtime
// matches an interface's methods with a type's by these strings. (The
// runtime's panic texts print the name after the last dot, as Go's.)
std::string IRGen::rtMethodName(const std::string &name, const std::string &pkgPath) {
  if (isExportedName(name))
    return name;
  return (pkgPath.empty() ? std::string("main") : pkgPath) + "." + name;
}

//===----------------------------------------------------------------------===//
// Pointer bitmaps and comparability
//===----------------------------------------------------------------------===//

// Marks the 8-byte words of a value of type t at byte offset `off` that
// hold pointers (typedesc.def: exact).
void IRGen::pointerWords(Type *t, uint64_t off, std::vector<bool> &words) {
  auto set = [&](uint64_t o) {
    uint64_t w = o / 8;
    if (words.size() <= w)
      words.resize(w + 1, false);
    words[w] = true;
  };
  Type *u = under(t);
  switch (u->kind) {
  case TypeKind::String: case TypeKind::Slice: case TypeKind::Pointer: case TypeKind::Func:
  case TypeKind::Chan: case TypeKind::Map: case TypeKind::UnsafePointer:
  case TypeKind::UntypedString:
    set(off);
    return;
  case TypeKind::Interface:
    set(off);
    set(off + 8);
    return;
  case TypeKind::Array: {
    auto *a = cast<glc::ArrayType>(u);
    uint64_t es = sizeOf(a->elem);
    if (a->len == 0 || es == 0 || !hasPointers(a->elem))
      return;
    for (int64_t i = 0; i < a->len; ++i)
      pointerWords(a->elem, off + i * es, words);
    return;
  }
  case TypeKind::Struct: {
    auto *st = cast<glc::StructType>(u);
    auto *lt = cast<llvm::StructType>(llType(u));
    const StructLayout *sl = DL.getStructLayout(lt);
    for (size_t i = 0; i < st->fields.size(); ++i)
      pointerWords(st->fields[i].type, off + sl->getElementOffset(i), words);
    return;
  }
  case TypeKind::Tuple: {
    auto *tt = cast<TupleType>(u);
    const StructLayout *sl = DL.getStructLayout(cast<llvm::StructType>(llType(u)));
    for (size_t i = 0; i < tt->elems.size(); ++i)
      pointerWords(tt->elems[i], off + sl->getElementOffset(i), words);
    return;
  }
  default:
    return;
  }
}

bool IRGen::hasPointers(Type *t) {
  Type *u = under(t);
  switch (u->kind) {
  case TypeKind::String: case TypeKind::Slice: case TypeKind::Pointer: case TypeKind::Func:
  case TypeKind::Chan: case TypeKind::Map: case TypeKind::UnsafePointer:
  case TypeKind::Interface: case TypeKind::UntypedString:
    return true;
  case TypeKind::Array:
    return cast<glc::ArrayType>(u)->len > 0 && hasPointers(cast<glc::ArrayType>(u)->elem);
  case TypeKind::Struct:
    for (auto &f : cast<glc::StructType>(u)->fields)
      if (hasPointers(f.type))
        return true;
    return false;
  case TypeKind::Tuple:
    for (Type *e : cast<TupleType>(u)->elems)
      if (hasPointers(e))
        return true;
    return false;
  default:
    return false;
  }
}

bool IRGen::isComparableT(Type *t) {
  Type *u = under(t);
  switch (u->kind) {
  case TypeKind::Slice: case TypeKind::Map: case TypeKind::Func: case TypeKind::Tuple:
    return false;
  case TypeKind::Array:
    return isComparableT(cast<glc::ArrayType>(u)->elem);
  case TypeKind::Struct:
    for (auto &f : cast<glc::StructType>(u)->fields)
      if (!isComparableT(f.type))
        return false;
    return true;
  default:
    return true;
  }
}

// Plain bytes (Go's "regular memory", gc's AMEM alg): equal values have
// equal bytes, so == is memequal and the hash memhash. Integers, bools,
// pointers, channels, unsafe.Pointer; arrays of such; structs of such with
// no blank field and no padding (a blank field's or padding's bytes may
// differ between equal values). Not floats (+0 == -0, NaN != NaN), complex,
// strings or interfaces. One definition serves the equality functions, the
// descriptors' TFlagRegularMemory (alg.cpp's typehash hashes such keys as
// bytes) and the choice of gc's fast map routines (IRGenMap.cpp): they
// must agree, or a map's fast path and its generic hasher would disagree.
bool IRGen::isRegularMemory(Type *t) {
  Type *u = under(t);
  switch (u->kind) {
  case TypeKind::Bool: case TypeKind::Int: case TypeKind::Int8: case TypeKind::Int16:
  case TypeKind::Int32: case TypeKind::Int64: case TypeKind::Uint: case TypeKind::Uint8:
  case TypeKind::Uint16: case TypeKind::Uint32: case TypeKind::Uint64: case TypeKind::Uintptr:
  case TypeKind::Pointer: case TypeKind::Chan: case TypeKind::UnsafePointer:
    return true;
  case TypeKind::Array:
    return isRegularMemory(cast<glc::ArrayType>(u)->elem);
  case TypeKind::Struct: {
    uint64_t sum = 0;
    for (const StructField &f : cast<StructType>(u)->fields) {
      if (f.name == "_" || !isRegularMemory(f.type))
        return false;
      sum += sizeOf(f.type);
    }
    return sum == sizeOf(u);
  }
  default:
    return false;
  }
}

//===----------------------------------------------------------------------===//
// Equality functions
//===----------------------------------------------------------------------===//

// bool type..eq.T(const void *p, const void *q): *p == *q for a comparable
// type (generated code; comparing interfaces inside may panic).
Constant *IRGen::equalFunc(Type *t) {
  if (!isComparableT(t))
    return ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  std::string name = "type..eq." + linkTypeString(t);
  if (Function *f = mod->getFunction(name))
    return f;
  auto *fty = FunctionType::get(i1, {ptrTy, ptrTy}, false);
  auto *fn = Function::Create(fty, Function::LinkOnceODRLinkage, name, mod.get());
  fn->setComdat(mod->getOrInsertComdat(name));
  fn->addRetAttr(Attribute::ZExt);
  setFuncAttrs(fn, name);
  // A big struct or array that is not plain memory is compared part by
  // part through the parts' own equality functions (an array in a loop),
  // in order, stopping at the first difference: loading the whole value
  // and comparing it unrolls every array element (a [5000]int field made
  // a 20,000-line function that took LLVM 25 s). The parts' functions are
  // made first: genSyntheticBody is not re-entrant.
  Type *u = under(t);
  bool byParts = !isRegularMemory(t) && sizeOf(t) > 64 &&
                 (u->kind == TypeKind::Struct || u->kind == TypeKind::Array);
  std::vector<std::pair<int, Constant *>> partEq; // struct: field index, eq
  Constant *elemEq = nullptr;
  if (byParts && u->kind == TypeKind::Struct) {
    auto &fs = cast<glc::StructType>(u)->fields;
    for (size_t i = 0; i < fs.size(); ++i)
      if (fs[i].name != "_" && sizeOf(fs[i].type) > 0)
        partEq.push_back({int(i), equalFunc(fs[i].type)});
  } else if (byParts) {
    elemEq = equalFunc(cast<glc::ArrayType>(u)->elem);
  }
  if (byParts) {
    genSyntheticBody(fn, [&] {
      Value *p = fn->getArg(0), *q = fn->getArg(1);
      BasicBlock *ne = BasicBlock::Create(C, "ne", fn);
      llvm::Type *lt = llType(u);
      if (u->kind == TypeKind::Struct) {
        for (auto &[i, eq] : partEq) {
          Value *pp = b.CreateStructGEP(lt, p, unsigned(i));
          Value *qq = b.CreateStructGEP(lt, q, unsigned(i));
          BasicBlock *next = BasicBlock::Create(C, "eq.next", fn);
          b.CreateCondBr(b.CreateCall(fty, eq, {pp, qq}), next, ne);
          b.SetInsertPoint(next);
        }
      } else {
        auto *at = cast<glc::ArrayType>(u);
        llvm::Type *et = llType(at->elem);
        BasicBlock *entry = b.GetInsertBlock();
        BasicBlock *loop = BasicBlock::Create(C, "eq.loop", fn);
        BasicBlock *body = BasicBlock::Create(C, "eq.body", fn);
        BasicBlock *done = BasicBlock::Create(C, "eq.done", fn);
        b.CreateBr(loop);
        b.SetInsertPoint(loop);
        PHINode *k = b.CreatePHI(i64, 2);
        k->addIncoming(i64c(0), entry);
        b.CreateCondBr(b.CreateICmpULT(k, i64c(at->len)), body, done);
        b.SetInsertPoint(body);
        Value *pp = b.CreateInBoundsGEP(et, p, k), *qq = b.CreateInBoundsGEP(et, q, k);
        BasicBlock *next = BasicBlock::Create(C, "eq.next", fn);
        b.CreateCondBr(b.CreateCall(fty, elemEq, {pp, qq}), next, ne);
        b.SetInsertPoint(next);
        k->addIncoming(b.CreateAdd(k, i64c(1)), next);
        b.CreateBr(loop);
        b.SetInsertPoint(done);
      }
      b.CreateRet(ConstantInt::getTrue(C));
      b.SetInsertPoint(ne);
      b.CreateRet(ConstantInt::getFalse(C));
    });
    return fn;
  }
  genSyntheticBody(fn, [&] {
    Value *p = fn->getArg(0), *q = fn->getArg(1);
    Value *r;
    if (isRegularMemory(t) && sizeOf(t) > 16) {
      Value *n = i64c((int64_t)sizeOf(t));
      FunctionCallee memcmp = mod->getOrInsertFunction(
          "memcmp", FunctionType::get(i32, {ptrTy, ptrTy, i64}, false));
      r = b.CreateICmpEQ(b.CreateCall(memcmp, {p, q, n}), ConstantInt::get(i32, 0));
    } else {
      llvm::Type *lt = llType(t);
      r = genCompare(TokKind::Eql, b.CreateLoad(lt, p), b.CreateLoad(lt, q), t);
    }
    b.CreateRet(r);
  });
  return fn;
}

//===----------------------------------------------------------------------===//
// Descriptors
//===----------------------------------------------------------------------===//

std::string IRGen::linkTypeString(Type *t) {
  std::string s;
  writeRtType(s, t, true);
  return s;
}

static Constant *k64Of(llvm::Type *i64, int64_t v) { return ConstantInt::get(i64, v, true); }

static uint32_t fnv1a(StringRef s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s)
    h = (h ^ c) * 16777619u;
  return h;
}

uint32_t IRGen::typeHash(Type *t) { return fnv1a(linkTypeString(t)); }

Constant *IRGen::typeDesc(Type *t) {
  auto k64 = [&](int64_t v) { return k64Of(i64, v); };
  if (!t)
    return ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  if (t->isUntyped()) { // an untyped constant: its default type
    if (t->kind == TypeKind::UntypedNil)
      return ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
    t = defaultTypeOf(t);
  }
  if (auto it = typeDescs.find(t); it != typeDescs.end())
    return it->second;
  std::string link = linkTypeString(t);
  std::string sym = "type:" + link;
  Type *u = under(t);
  Desc d = Desc::Type;
  switch (u->kind) {
  case TypeKind::Array: d = Desc::ArrayType; break;
  case TypeKind::Chan: d = Desc::ChanType; break;
  case TypeKind::Func: d = Desc::FuncType; break;
  case TypeKind::Interface: d = Desc::InterfaceType; break;
  case TypeKind::Map: d = Desc::MapType; break;
  case TypeKind::Pointer: d = Desc::PtrType; break;
  case TypeKind::Slice: d = Desc::SliceType; break;
  case TypeKind::Struct: d = Desc::StructType; break;
  default: break;
  }
  llvm::StructType *dty = descType(d);
  auto *gv = mod->getGlobalVariable(sym, true);
  if (!gv) {
    gv = new GlobalVariable(*mod, dty, /*isConstant=*/true, GlobalValue::LinkOnceODRLinkage,
                            nullptr, sym);
    gv->setComdat(mod->getOrInsertComdat(sym));
    gv->setAlignment(Align(8));
  }
  typeDescs[t] = gv;

  Constant *null = ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  auto slice = [&](llvm::Type *elemTy, const std::vector<Constant *> &elems, StringRef name) {
    llvm::StructType *sty = llvm::StructType::get(C, {ptrTy, i64, i64});
    if (elems.empty())
      return ConstantStruct::get(sty, {null, k64(0), k64(0)});
    auto *aty = llvm::ArrayType::get(elemTy, elems.size());
    auto *arr = new GlobalVariable(*mod, aty, true, GlobalValue::LinkOnceODRLinkage,
                                   ConstantArray::get(aty, elems), name);
    arr->setComdat(mod->getOrInsertComdat(name));
    arr->setAlignment(Align(8));
    return ConstantStruct::get(sty, {arr, k64((int64_t)elems.size()), k64((int64_t)elems.size())});
  };

  // The Type header.
  uint64_t size = sizeOf(t);
  std::vector<bool> words;
  pointerWords(t, 0, words);
  while (!words.empty() && !words.back())
    words.pop_back();
  uint64_t ptrdata = words.size() * 8;
  Constant *gcdata = null;
  if (!words.empty()) {
    std::vector<uint8_t> bytes((words.size() + 7) / 8, 0);
    for (size_t i = 0; i < words.size(); ++i)
      if (words[i])
        bytes[i / 8] |= uint8_t(1u << (i % 8));
    std::string name = "gcbits:" + link;
    auto *arr = ConstantDataArray::get(C, bytes);
    auto *bits = new GlobalVariable(*mod, arr->getType(), true, GlobalValue::LinkOnceODRLinkage,
                                    arr, name);
    bits->setComdat(mod->getOrInsertComdat(name));
    gcdata = bits;
  }
  uint8_t kind = 0;
  switch (u->kind) {
  case TypeKind::Bool: kind = KBool; break;
  case TypeKind::Int: kind = KInt; break;
  case TypeKind::Int8: kind = KInt8; break;
  case TypeKind::Int16: kind = KInt16; break;
  case TypeKind::Int32: kind = KInt32; break;
  case TypeKind::Int64: kind = KInt64; break;
  case TypeKind::Uint: kind = KUint; break;
  case TypeKind::Uint8: kind = KUint8; break;
  case TypeKind::Uint16: kind = KUint16; break;
  case TypeKind::Uint32: kind = KUint32; break;
  case TypeKind::Uint64: kind = KUint64; break;
  case TypeKind::Uintptr: kind = KUintptr; break;
  case TypeKind::Float32: kind = KFloat32; break;
  case TypeKind::Float64: kind = KFloat64; break;
  case TypeKind::Complex64: kind = KComplex64; break;
  case TypeKind::Complex128: kind = KComplex128; break;
  case TypeKind::String: kind = KString; break;
  case TypeKind::UnsafePointer: kind = KUnsafePointer | KDirectIface; break;
  case TypeKind::Array: kind = KArray; break;
  case TypeKind::Chan: kind = KChan | KDirectIface; break;
  case TypeKind::Func: kind = KFunc | KDirectIface; break;
  case TypeKind::Interface: kind = KInterface; break;
  case TypeKind::Map: kind = KMap | KDirectIface; break;
  case TypeKind::Pointer: kind = KPointer | KDirectIface; break;
  case TypeKind::Slice: kind = KSlice; break;
  case TypeKind::Struct: kind = KStruct; break;
  default: break;
  }
  uint8_t tflag = 0;
  if (isRegularMemory(t))
    tflag |= TFlagRegularMemory;
  Constant *uncommon = uncommonDesc(t, link);
  if (!uncommon->isNullValue())
    tflag |= TFlagUncommon;
  if (t->isNamed())
    tflag |= TFlagNamed;
  uint64_t align = size ? DL.getABITypeAlign(llType(t)).value() : 1;
  std::string str = rtTypeString(t);
  Constant *header = ConstantStruct::get(
      descType(Desc::Type),
      {k64((int64_t)size), k64((int64_t)ptrdata), ConstantInt::get(i32, typeHash(t)),
       ConstantInt::get(i8, tflag), ConstantInt::get(i8, align), ConstantInt::get(i8, align),
       ConstantInt::get(i8, kind), equalFunc(t), gcdata, constString(str), uncommon, null});

  Constant *init = header;
  switch (d) {
  case Desc::ArrayType: {
    auto *a = cast<glc::ArrayType>(u);
    init = ConstantStruct::get(dty, {header, typeDesc(a->elem), null, k64(a->len)});
    break;
  }
  case Desc::ChanType: {
    auto *c = cast<ChanType>(u);
    int dir = c->dir == ChanDir::Both ? 3 : c->dir == ChanDir::Send ? 2 : 1;
    init = ConstantStruct::get(dty, {header, typeDesc(c->elem), k64(dir)});
    break;
  }
  case Desc::FuncType: {
    auto *f = cast<FuncType>(u);
    std::vector<Constant *> in, out;
    for (Type *p : f->params)
      in.push_back(typeDesc(p));
    for (Type *r : f->results)
      out.push_back(typeDesc(r));
    init = ConstantStruct::get(dty, {header, slice(ptrTy, in, "type:.in." + link),
                                     slice(ptrTy, out, "type:.out." + link),
                                     k64(f->variadic ? 1 : 0)});
    break;
  }
  case Desc::InterfaceType: {
    auto *it = cast<InterfaceType>(u);
    std::vector<Constant *> ms;
    for (auto &m : it->methods)
      ms.push_back(ConstantStruct::get(
          descType(Desc::IMethod),
          {constString(rtMethodName(m.name, m.pkgPath)), typeDesc(m.sig)}));
    init = ConstantStruct::get(
        dty, {header, constString("main"),
              slice(descType(Desc::IMethod), ms, "type:.imethods." + link)});
    break;
  }
  case Desc::MapType: {
    auto *m = cast<MapType>(u);
    Type *ku = under(m->key);
    bool update = ku->isFloat() || ku->isString() || ku->kind == TypeKind::Interface ||
                  !isRegularMemory(m->key);
    init = ConstantStruct::get(dty, {header, typeDesc(m->key), typeDesc(m->value), null,
                                     k64((int64_t)sizeOf(m->key)),
                                     k64((int64_t)sizeOf(m->value)), k64(update ? 1 : 0)});
    break;
  }
  case Desc::PtrType:
    init = ConstantStruct::get(dty, {header, typeDesc(cast<glc::PointerType>(u)->elem)});
    break;
  case Desc::SliceType:
    init = ConstantStruct::get(dty, {header, typeDesc(cast<SliceType>(u)->elem)});
    break;
  case Desc::StructType: {
    auto *st = cast<glc::StructType>(u);
    const StructLayout *sl = DL.getStructLayout(cast<llvm::StructType>(llType(u)));
    std::vector<Constant *> fs;
    for (size_t i = 0; i < st->fields.size(); ++i)
      fs.push_back(ConstantStruct::get(
          descType(Desc::StructField),
          {constString(st->fields[i].name), typeDesc(st->fields[i].type),
           k64((int64_t)sl->getElementOffset(i)), k64(st->fields[i].embedded ? 1 : 0)}));
    init = ConstantStruct::get(
        dty, {header, constString("main"),
              slice(descType(Desc::StructField), fs, "type:.fields." + link)});
    break;
  }
  default:
    break;
  }
  gv->setInitializer(init);
  return gv;
}

// The UncommonType of a named type or a pointer to one: its package path
// and method table: methodTable(t) (IRGenMethod.cpp), t's method set
// sorted by name, promoted methods included.
Constant *IRGen::uncommonDesc(Type *t, const std::string &link) {
  auto k64 = [&](int64_t v) { return k64Of(i64, v); };
  NamedType *n = dyn_cast<NamedType>(t);
  bool ptr = false;
  if (!n)
    if (auto *p = dyn_cast<glc::PointerType>(t)) {
      n = dyn_cast<NamedType>(p->elem);
      ptr = true;
    }
  if (!n)
    return ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  std::vector<Constant *> ms = methodTable(t);
  if (ptr && ms.empty())
    return ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy));
  llvm::StructType *sty = llvm::StructType::get(C, {ptrTy, i64, i64});
  Constant *table;
  if (ms.empty()) {
    table = ConstantStruct::get(sty, {ConstantPointerNull::get(cast<llvm::PointerType>(ptrTy)),
                                      k64(0), k64(0)});
  } else {
    auto *aty = llvm::ArrayType::get(descType(Desc::Method), ms.size());
    std::string name = "type:.methods." + link;
    auto *arr = new GlobalVariable(*mod, aty, true, GlobalValue::LinkOnceODRLinkage,
                                   ConstantArray::get(aty, ms), name);
    arr->setComdat(mod->getOrInsertComdat(name));
    arr->setAlignment(Align(8));
    table = ConstantStruct::get(sty, {arr, k64((int64_t)ms.size()), k64((int64_t)ms.size())});
  }
  std::string name = "type:.uncommon." + link;
  auto *init = ConstantStruct::get(
      descType(Desc::UncommonType),
      {constString(symbolPackage(n->obj)), table});
  auto *gv = new GlobalVariable(*mod, init->getType(), true, GlobalValue::LinkOnceODRLinkage,
                                init, name);
  gv->setComdat(mod->getOrInsertComdat(name));
  gv->setAlignment(Align(8));
  return gv;
}

// methodTable (the descriptor's Method records) is in IRGenMethod.cpp.

} // namespace glc
