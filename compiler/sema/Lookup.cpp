//===- Lookup.cpp - field and method lookup, method sets -------------------===//
//
// go/types' LookupFieldOrMethod and MethodSet for glc's types: declared
// methods (NamedType::methods, filled by the checker before any
// declaration is checked; the stdlib's types are declared in GL like any
// other), struct fields and promotion through embedded fields,
// interface methods (an embedded interface field promotes its methods;
// TypeContext::ifaceMethodObject stands for each).
//
// The search is breadth-first: depth 0 is T itself (its methods, then its
// fields if it is a struct), depth d+1 the types embedded in the structs
// of depth d. The first depth with a match decides: one match is the
// answer, several are ambiguous. A named type met twice (through two
// embedding paths, or recursively through embedded pointers) is searched
// only at its first, shallowest occurrence.
//===----------------------------------------------------------------------===//
#include "sema/Types.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <set>

namespace glc {

bool isExportedName(llvm::StringRef name) {
  // ASCII: an upper-case letter. Any non-ASCII first letter counts as
  // exported (glc has no table of Unicode's Lu; as IRGen's isExported).
  return !name.empty() && ((unsigned char)name[0] >= 0x80 || llvm::isUpper(name[0]));
}

bool methodLess(llvm::StringRef aName, llvm::StringRef aPkg, llvm::StringRef bName,
                llvm::StringRef bPkg) {
  if (aName != bName)
    return aName < bName;
  return aPkg < bPkg;
}

std::string methodPkg(Object *m) {
  if (m->ifaceOwner)
    return m->ifaceOwner->methods[m->ifaceIndex].pkgPath;
  return m->pkgPath;
}

// Whether declared name `name` of package `owner` is the identifier `want`
// spelled in package `pkg` (go/types sameId; case folded for foldCase).
static bool sameId(llvm::StringRef name, llvm::StringRef owner, llvm::StringRef want,
                   llvm::StringRef pkg, bool foldCase) {
  if (name != want && !(foldCase && name.equals_insensitive(want)))
    return false;
  return isExportedName(name) || owner == pkg;
}

// An unexported field of a struct type declared in another package than
// `pkg` (time.Timer.r, sync.Mutex's words): invisible. (The field belongs
// to the package of the named type whose struct declares it; an unnamed
// struct's fields are everyone's.)
static bool hiddenField(Type *t, const StructField &f, llvm::StringRef pkg) {
  auto *n = llvm::dyn_cast_or_null<NamedType>(t);
  if (!n || n->obj->pkgPath == pkg)
    return false;
  return f.name.empty() || !isExportedName(f.name);
}

static Object *declaredMethod(TypeContext &tc, Type *t, llvm::StringRef name,
                              llvm::StringRef pkg, bool foldCase) {
  // An interface's methods: an embedded interface field promotes them, and
  // I.M is a method expression.
  if (auto *it = llvm::dyn_cast_or_null<InterfaceType>(t->underlying())) {
    for (size_t k = 0; k < it->methods.size(); ++k)
      if (sameId(it->methods[k].name, it->methods[k].pkgPath, name, pkg, foldCase))
        return tc.ifaceMethodObject(it, (int)k);
    return nullptr;
  }
  auto *n = llvm::dyn_cast<NamedType>(t);
  if (!n || name == "_")
    return nullptr;
  for (Object *m : n->methods)
    if (m->name != "_" && sameId(m->name, m->pkgPath, name, pkg, foldCase))
      return m;
  return nullptr;
}

Selection lookupFieldOrMethod(TypeContext &tc, Type *T, llvm::StringRef name) {
  return lookupFieldOrMethod(tc, T, name, tc.currentPackage());
}

Selection lookupFieldOrMethod(TypeContext &tc, Type *T, llvm::StringRef name,
                              llvm::StringRef pkg, bool foldCase) {
  struct Entry {
    Type *t;
    std::vector<int> path;
    bool indirect;
  };
  bool methods = true;
  bool indirect0 = false;
  if (auto *p = llvm::dyn_cast<PointerType>(T->underlying())) {
    // A named pointer type has no methods; its base's fields are found.
    methods = !T->isNamed();
    T = p->elem;
    indirect0 = true;
  }
  std::vector<Entry> cur{{T, {}, indirect0}};
  llvm::DenseSet<Type *> seen;
  while (!cur.empty()) {
    std::vector<Entry> next;
    std::vector<Selection> found;
    for (Entry &e : cur) {
      Type *t = e.t;
      bool indirect = e.indirect;
      if (auto *p = llvm::dyn_cast<PointerType>(t); p && !e.path.empty()) {
        t = p->elem; // an embedded *E
        indirect = true;
      }
      if (t->isNamed() && !seen.insert(t).second)
        continue;
      // A pointer to an interface has no methods.
      bool ptrToIface = indirect && e.path.empty() && t->underlying() &&
                        t->underlying()->kind == TypeKind::Interface;
      if (methods && !ptrToIface)
        if (Object *m = declaredMethod(tc, t, name, pkg, foldCase)) {
          Selection sel;
          sel.kind = Selection::Method;
          sel.path = e.path;
          sel.method = m;
          sel.indirect = indirect;
          found.push_back(sel);
        }
      auto *st = llvm::dyn_cast_or_null<StructType>(t->underlying());
      if (!st)
        continue;
      for (size_t i = 0; i < st->fields.size(); ++i) {
        const StructField &f = st->fields[i];
        std::vector<int> path = e.path;
        path.push_back((int)i);
        if (f.name == name && name != "_" && !hiddenField(t, f, pkg)) {
          Selection sel;
          sel.kind = Selection::Field;
          sel.path = path;
          sel.type = f.type;
          sel.indirect = indirect;
          found.push_back(sel);
        }
        if (f.embedded && f.type)
          next.push_back({f.type, path, indirect});
      }
    }
    if (found.size() == 1)
      return found[0];
    if (found.size() > 1) {
      Selection amb;
      amb.kind = Selection::Ambiguous;
      return amb;
    }
    cur = std::move(next);
  }
  return Selection();
}

std::vector<MethodSetEntry> methodSet(TypeContext &tc, Type *T) {
  // Every method name reachable through embedding, then Go's lookup of
  // each (which settles depth and ambiguity).
  bool ptr = false;
  Type *base = T;
  if (auto *p = llvm::dyn_cast<PointerType>(T)) {
    base = p->elem;
    ptr = true;
  }
  if (T->isNamed() && llvm::isa<PointerType>(T->underlying()))
    return {};
  // (name, package) pairs: the package only for unexported names, whose
  // identity it is part of (two packages' m are two methods).
  std::set<std::pair<std::string, std::string>> names;
  std::vector<Type *> work{base};
  llvm::DenseSet<Type *> seen;
  while (!work.empty()) {
    Type *t = work.back();
    work.pop_back();
    if (auto *p = llvm::dyn_cast<PointerType>(t); p && t != base)
      t = p->elem;
    if (!seen.insert(t).second)
      continue;
    if (auto *it = llvm::dyn_cast_or_null<InterfaceType>(t->underlying()); it && t != base)
      for (auto &m : it->methods) // promoted from an embedded interface
        names.insert({m.name, isExportedName(m.name) ? "" : m.pkgPath});
    if (auto *n = llvm::dyn_cast<NamedType>(t)) {
      for (Object *m : n->methods)
        if (m->name != "_")
          names.insert({m->name, isExportedName(m->name) ? "" : m->pkgPath});
    }
    if (auto *st = llvm::dyn_cast_or_null<StructType>(t->underlying()))
      for (const StructField &f : st->fields)
        if (f.embedded && f.type)
          work.push_back(f.type);
  }
  std::vector<MethodSetEntry> out;
  for (auto &[name, pkg] : names) { // std::set's order is methodLess's
    Selection s = lookupFieldOrMethod(tc, base, name, pkg);
    if (s.kind != Selection::Method)
      continue;
    if (s.method->ptrRecv && !ptr && !s.indirect)
      continue; // only in the method set of *T
    out.push_back({s.method, s.path, s.indirect || ptr});
  }
  return out;
}

std::string symbolPackage(Object *o) {
  return o->pkgPath.empty() ? std::string("main") : o->pkgPath;
}

std::string methodSymbol(Object *m) {
  std::string pkg = m->recvNamed ? symbolPackage(m->recvNamed->obj) : "main";
  std::string t = m->recvNamed ? m->recvNamed->obj->name : "?";
  if (m->ptrRecv)
    return pkg + ".(*" + t + ")." + m->name;
  return pkg + "." + t + "." + m->name;
}

} // namespace glc
