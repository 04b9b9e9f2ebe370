//===- InitOrder.cpp - package variable initialisation order ----------------===//
//
// Go spec "Package initialization": repeatedly pick the earliest variable in
// declaration order that has no dependency on an uninitialised variable.
// A variable depends on the package-level variables its initialiser refers
// to, directly or through the bodies of functions it refers to (DeclInfo::
// deps, recorded while checking).
//
// The unit of ordering is a variable with its own initialiser (a spec of
// one name, or one name of `var a, b = x, y`: File::initIndex), a
// ValueSpec whose names share one multi-value initialiser (`var a, b =
// f()`: initialised together; irgen runs the spec once), or a variable
// without initialiser (zero values: not listed in File::initOrder, but it
// is initialised only when its turn in declaration order comes).
//
// A variable that depends on itself is an "initialization loop", reported
// as gc does:
//   x.gl:2:5: initialization loop for a
//   	x.gl:2:5: a refers to
//   	x.gl:3:6: f refers to
//   	x.gl:2:5: a
//===----------------------------------------------------------------------===//
#include "sema/CheckerImpl.h"

#include "llvm/ADT/DenseSet.h"

using namespace glc;

namespace {
struct InitOrder {
  Checker &c;

  // Variables reached from `obj`'s dependencies, looking through functions
  // but not through variables.
  void varDeps(Object *obj, llvm::DenseSet<Object *> &seenFuncs,
               llvm::SetVector<Object *> &out) {
    auto it = c.decls.find(obj);
    if (it == c.decls.end())
      return;
    for (Object *d : it->second.deps) {
      if (d->kind == ObjKind::Var) {
        out.insert(d);
      } else if (d->kind == ObjKind::Func && seenFuncs.insert(d).second) {
        varDeps(d, seenFuncs, out);
      }
    }
  }

  // A path from `from` back to `target` through the dependency graph.
  bool findPath(Object *from, Object *target, llvm::DenseSet<Object *> &seen,
                std::vector<Object *> &path) {
    auto it = c.decls.find(from);
    if (it == c.decls.end())
      return false;
    for (Object *d : it->second.deps) {
      if (d == target) {
        path.push_back(d);
        return true;
      }
      if (!seen.insert(d).second)
        continue;
      path.push_back(d);
      if (findPath(d, target, seen, path))
        return true;
      path.pop_back();
    }
    return false;
  }

  void reportLoop(Object *v) {
    std::vector<Object *> path{v};
    llvm::DenseSet<Object *> seen;
    if (!findPath(v, v, seen, path))
      return;
    std::string msg = "initialization loop for " + v->name;
    for (size_t i = 0; i < path.size(); ++i) {
      msg += "\n\t" + c.posString(path[i]->pos) + ": " + path[i]->name;
      if (i + 1 < path.size())
        msg += " refers to";
    }
    c.error(v->pos, msg);
  }

  // `var a, b = x, y`: each name is a variable with its own initialiser,
  // ordered on its own (spec "Package initialization": `var a, b = f(u),
  // g()` may initialise b first). `var a, b = f()` is one unit.
  static bool perName(ValueSpec *s) { return s->names.size() > 1 && s->values.size() == s->names.size(); }

  void run() {
    // Each unit with initialisers: the variables it depends on. A per-name
    // unit is keyed by its variable, a whole spec by its first name's.
    auto unitKey = [](Object *v) -> Object * {
      ValueSpec *s = v->spec;
      return perName(s) || !s->names[0]->obj ? v : s->names[0]->obj;
    };
    llvm::DenseMap<Object *, llvm::SetVector<Object *>> deps;
    for (Object *v : c.pkgVars) {
      ValueSpec *s = v->spec;
      if (!s || s->values.empty())
        continue;
      llvm::DenseSet<Object *> seenFuncs;
      varDeps(v, seenFuncs, deps[unitKey(v)]);
    }

    // Self-dependencies (through any chain) are loops.
    bool reported = false;
    for (Object *v : c.pkgVars) {
      if (!v->spec || v->spec->values.empty())
        continue;
      std::vector<Object *> path{v};
      llvm::DenseSet<Object *> seen;
      if (findPath(v, v, seen, path)) {
        reportLoop(v);
        reported = true;
        break;
      }
    }

    // Units in declaration order: each spec with initialisers (each name
    // of a per-name spec), and each variable without one. The latter is
    // ready at once but counts as initialised only when its turn comes
    // (the spec's "earliest variable in declaration order that is
    // ready"), so in `var a = f(x); var e = f(); var x int` e is
    // initialised before a (issue43444.go).
    struct Unit {
      ValueSpec *spec; // with initialisers (index: -1 all names, or one), or
      int index;
      Object *var;     // a variable: without initialiser, or the unit's key
    };
    std::vector<Unit> units;
    {
      llvm::DenseSet<ValueSpec *> listed;
      for (Object *v : c.pkgVars) {
        ValueSpec *s = v->spec;
        if (!s || s->values.empty()) {
          units.push_back({nullptr, -1, v});
        } else if (perName(s)) {
          int index = 0;
          while (index < (int)s->names.size() && s->names[index]->obj != v)
            ++index;
          units.push_back({s, index, v});
        } else if (listed.insert(s).second) {
          units.push_back({s, -1, unitKey(v)});
        }
      }
    }
    llvm::DenseSet<Object *> done;
    std::vector<bool> emitted(units.size(), false);
    size_t remaining = units.size();
    while (remaining) {
      bool progress = false;
      for (size_t i = 0; i < units.size(); ++i) {
        if (emitted[i])
          continue;
        Unit &u = units[i];
        bool ready = true;
        if (u.spec)
          for (Object *d : deps[u.var]) {
            if (u.index >= 0 ? d == u.var : d->spec == u.spec)
              continue; // a self-reference (reported above)
            if (!done.count(d)) {
              ready = false;
              break;
            }
          }
        if (!ready)
          continue;
        emitted[i] = true;
        --remaining;
        if (u.spec) {
          c.pkg->initOrder.push_back(u.spec);
          c.pkg->initIndex.push_back(u.index);
          if (u.index >= 0)
            done.insert(u.var);
          else
            for (Ident *id : u.spec->names)
              if (id->obj)
                done.insert(id->obj);
        } else {
          done.insert(u.var);
        }
        progress = true;
        break; // restart: the earliest ready unit first
      }
      if (!progress) {
        // A loop (reported above unless the graph is inconsistent): emit the
        // rest in declaration order so irgen still sees every spec.
        (void)reported;
        for (size_t i = 0; i < units.size(); ++i)
          if (!emitted[i] && units[i].spec) {
            c.pkg->initOrder.push_back(units[i].spec);
            c.pkg->initIndex.push_back(units[i].index);
          }
        break;
      }
    }
  }
};
} // namespace

void Checker::computeInitOrder() {
  InitOrder io{*this};
  io.run();
}
