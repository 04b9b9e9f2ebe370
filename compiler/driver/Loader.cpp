//===- Loader.cpp - finds, parses and orders the packages of a program -----===//
//
// glc compiles a whole program at once: the loader finds every package the
// command needs, parses each once, and hands sema and irgen the packages in
// initialisation order. sema checks them one by one in that order (an
// imported package is complete before its importer is checked); irgen
// lowers all of them into one LLVM module.
//
// What a command is. `glc build|run` takes either
//   - one directory (`glc build ./cmd/x`, `glc run .`): its package, or
//   - one or more .gl/.go files of one package (`glc run a.gl b.gl`).
// That package must be `package main`; its symbol prefix is "main". In
// messages that name it by path (import cycles) it is the directory's
// import path inside the module, or "command-line-arguments" for files, as
// the go command says.
//
// The files of a package directory: every *.gl file, sorted by name,
// except *_test.gl; a directory with no .gl file contributes its *.go files
// (except *_test.go) instead. All must have the same package clause
// ("found packages a (a.gl) and b (b.gl) in dir" otherwise).
//
// Import paths resolve in this order, as the go command's GOROOT then
// module lookup:
//   1. stdlib: <stdlib root>/<path>, the root being $GLC_STDLIB if set,
//      else <dir of glc>/../lib/glc/stdlib. CMake makes that a symlink to
//      the source tree's stdlib/ in the build tree and installs stdlib/
//      there (cmake --install), so build/bin/glc and an installed glc
//      behave alike.
//   2. the module: the nearest go.mod at or above the command's directory
//      (for files: the first file's directory) gives `module M`; an import
//      path M or M/rest is <dir of go.mod>/rest.
//   3. otherwise the import is an error at the import's position:
//      `package fmt is not in std (<root>/fmt)`.
// There is no other registry: os, runtime, sync and time are stdlib/
// packages like any other.
//
// Order. Packages are visited depth first from package main, each file's
// imports in source order, files in name order; a package is appended to
// `order` after everything it imports (post-order), which is the order gc
// 1.19's inittasks run them: dependencies first, in order of first import.
// Within a package sema orders the variables by dependency (Go spec
// "Package initialization") and irgen runs them, then the init functions
// in file order (Package::initOrder, Package::inits). A package on the
// current DFS path met again is a cycle, reported as the go command does:
//   package example.com/m/cmd/x
//   	imports example.com/m/a
//   	imports example.com/m/b
//   	imports example.com/m/a: import cycle not allowed
//
// Symbols (sema and irgen follow this): a package-level name X of package
// P has Go's linker name P.X, P being the import path ("main" for the
// command): unicode/utf8.RuneLen, example.com/m/util.(*T).M, main.main;
// init functions P.init.N, the variable initialiser P.init, closures
// P.f.func1. Run-time type strings say util.T (the package's name); the
// descriptor symbols use the path (type:example.com/m/util.T), so types of
// two packages with one name never merge while each type's descriptor,
// equality function and itabs are emitted once.
//
// The naming rule for glrt-backed functions: a function declared without a
// body in a stdlib/ package, `func name(params) results`, is the abi.def
// row `name` (C symbol glrt_name). irgen gives it a Go-convention body
// that converts the arguments to the row's types and calls glrt_name
// (irgen/IRGenRuntimeBinding.cpp lists the conversions); a name with no
// row, or a signature that does not fit the row, is a compile error. So
// stdlib/time declares `func timeSleep(ns int64)` and writes
// `func Sleep(d Duration) { timeSleep(int64(d)) }` in GL; adding a
// runtime-backed function is one abi.def row plus one GL declaration.
// Outside stdlib/ a body-less function is gc's "missing function body".
//===----------------------------------------------------------------------===//
#include "Loader.h"

#include "parse/Parser.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <set>

using namespace llvm;

namespace glc {

std::string Loader::defaultStdlibRoot(const std::string &glcPath) {
  if (const char *e = getenv("GLC_STDLIB"); e && *e)
    return e;
  SmallString<256> p(sys::path::parent_path(glcPath));
  sys::path::append(p, "..", "lib", "glc", "stdlib");
  SmallString<256> real;
  if (!sys::fs::real_path(p, real))
    return std::string(real);
  return std::string(p);
}

static bool isSource(StringRef name, StringRef ext) {
  return name.ends_with(ext) && !name.ends_with(("_test" + ext).str());
}

std::vector<std::string> Loader::packageFiles(const std::string &dir) {
  std::vector<std::string> gl, go;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec)) {
    StringRef name = sys::path::filename(it->path());
    if (name.starts_with(".") || name.starts_with("_"))
      continue;
    sys::fs::file_status st;
    if (sys::fs::status(it->path(), st) || !sys::fs::is_regular_file(st))
      continue;
    if (isSource(name, ".gl"))
      gl.push_back(it->path());
    else if (isSource(name, ".go"))
      go.push_back(it->path());
  }
  std::vector<std::string> &files = gl.empty() ? go : gl;
  std::sort(files.begin(), files.end());
  return files;
}

bool Loader::findModule(const std::string &start) {
  SmallString<256> dir;
  if (sys::fs::real_path(start.empty() ? "." : start, dir))
    return false;
  while (true) {
    SmallString<256> mod(dir);
    sys::path::append(mod, "go.mod");
    if (auto buf = MemoryBuffer::getFile(mod)) {
      SmallVector<StringRef, 16> lines;
      (*buf)->getBuffer().split(lines, '\n');
      for (StringRef line : lines) {
        line = line.split("//").first.trim();
        if (!line.consume_front("module"))
          continue;
        line = line.trim().trim('"');
        modulePath = line.str();
        moduleRoot = std::string(dir);
        return true;
      }
      return false;
    }
    StringRef parent = sys::path::parent_path(dir);
    if (parent.empty() || parent == dir)
      return false;
    dir = parent;
  }
}

bool Loader::parseFiles(Package *pkg, const std::vector<std::string> &files) {
  bool ok = true;
  for (const std::string &path : files) {
    auto buf = MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/true);
    if (!buf) {
      std::error_code ec = buf.getError();
      std::string m = ec == std::errc::no_such_file_or_directory ? "no such file or directory"
                      : ec == std::errc::is_a_directory         ? "is a directory"
                                                                 : ec.message();
      errs() << "glc: open " << path << ": " << m << "\n";
      ok = false;
      continue;
    }
    unsigned id = sm.AddNewSourceBuffer(std::move(*buf), SMLoc());
    File *f = parseFile(sm, id, ast, diags);
    if (!f || diags.hasErrors()) {
      ok = false;
      continue;
    }
    f->filename = path;
    std::string name = f->packageName ? f->packageName->name : "";
    if (pkg->files.empty()) {
      pkg->name = name;
    } else if (name != pkg->name) {
      errs() << "found packages " << pkg->name << " ("
             << sys::path::filename(pkg->files[0]->filename) << ") and " << name << " ("
             << sys::path::filename(path) << ") in " << pkg->dir << "\n";
      ok = false;
      continue;
    }
    pkg->files.push_back(f);
  }
  return ok;
}

std::string Loader::resolve(const std::string &path, bool &isStd) {
  isStd = false;
  if (path.empty() || path[0] == '/' || path[0] == '.' || path.find("..") != std::string::npos ||
      path.find('\\') != std::string::npos)
    return "";
  SmallString<256> std(stdlibRoot);
  sys::path::append(std, path);
  if (sys::fs::is_directory(std)) {
    isStd = true;
    return std::string(std);
  }
  if (!modulePath.empty() &&
      (path == modulePath || StringRef(path).starts_with(modulePath + "/"))) {
    SmallString<256> d(moduleRoot);
    if (path.size() > modulePath.size())
      sys::path::append(d, path.substr(modulePath.size() + 1));
    if (sys::fs::is_directory(d))
      return std::string(d);
  }
  return "";
}

Package *Loader::loadImport(const std::string &path, ImportSpec *from) {
  if (auto it = byPath.find(path); it != byPath.end())
    return it->second;
  bool isStd = false;
  std::string dir = resolve(path, isStd);
  if (dir.empty()) {
    SmallString<256> std(stdlibRoot);
    sys::path::append(std, path);
    if (!modulePath.empty() && StringRef(path).starts_with(modulePath + "/"))
      diags.error(from->pathPos, "package " + path + " is not in module " + modulePath + " (" +
                                     moduleRoot + "/" + path.substr(modulePath.size() + 1) + ")");
    else
      diags.error(from->pathPos, "package " + path + " is not in std (" + std + ")");
    return nullptr;
  }
  store.push_back(std::make_unique<Package>());
  Package *pkg = store.back().get();
  pkg->path = path;
  pkg->dir = dir;
  pkg->isStd = isStd;
  byPath[path] = pkg;
  std::vector<std::string> files = packageFiles(dir);
  if (files.empty()) {
    diags.error(from->pathPos, "no GL files in " + dir);
    return nullptr;
  }
  if (!parseFiles(pkg, files))
    return nullptr;
  if (pkg->name == "main") {
    diags.error(from->pathPos, "import \"" + path + "\" is a program, not an importable package");
    return nullptr;
  }
  return pkg;
}

bool Loader::loadImports(Package *pkg) {
  bool ok = true;
  std::set<Package *> seen;
  for (File *f : pkg->files)
    for (ImportSpec *imp : f->imports) {
      Package *dep = loadImport(imp->path, imp);
      if (!dep) {
        ok = false;
        continue;
      }
      if (seen.insert(dep).second)
        pkg->imports.push_back(dep);
    }
  return ok;
}

bool Loader::orderPackages() {
  // Load transitively (breadth-first), then order depth-first.
  std::vector<Package *> work{store[0].get()};
  std::set<Package *> loaded;
  bool ok = true;
  while (!work.empty()) {
    Package *p = work.back();
    work.pop_back();
    if (!loaded.insert(p).second)
      continue;
    ok &= loadImports(p);
    for (Package *d : p->imports)
      work.push_back(d);
  }
  if (!ok)
    return false;
  enum State { White, Grey, Black };
  std::map<Package *, State> state;
  std::vector<Package *> stack;
  bool cycle = false;
  std::function<void(Package *)> visit = [&](Package *p) {
    if (cycle)
      return;
    state[p] = Grey;
    stack.push_back(p);
    for (Package *d : p->imports) {
      if (state[d] == Grey) {
        std::string msg = "package " + mainDisplayPath;
        for (size_t i = 1; i < stack.size(); ++i)
          msg += "\n\timports " + stack[i]->path;
        msg += "\n\timports " + d->path + ": import cycle not allowed";
        diags.flush();
        errs() << msg << "\n";
        cycle = true;
        return;
      }
      if (state[d] == White)
        visit(d);
      if (cycle)
        return;
    }
    stack.pop_back();
    state[p] = Black;
    order.push_back(p);
  };
  visit(store[0].get());
  return !cycle;
}

bool Loader::load(const std::vector<std::string> &args) {
  store.push_back(std::make_unique<Package>());
  Package *mainPkg = store.back().get();
  mainPkg->path = "main";
  std::vector<std::string> files;
  if (args.size() == 1 && sys::fs::is_directory(args[0])) {
    mainPkg->dir = args[0];
    files = packageFiles(args[0]);
    if (files.empty()) {
      errs() << "glc: no GL files in " << args[0] << "\n";
      return false;
    }
    findModule(args[0]);
    mainDisplayPath = "command-line-arguments";
    if (!modulePath.empty()) {
      SmallString<256> real;
      if (!sys::fs::real_path(args[0], real)) {
        StringRef r = real;
        if (r == moduleRoot)
          mainDisplayPath = modulePath;
        else if (r.starts_with(moduleRoot + "/"))
          mainDisplayPath = modulePath + r.substr(moduleRoot.size()).str();
      }
    }
  } else {
    files = args;
    mainPkg->dir = std::string(sys::path::parent_path(args[0]));
    findModule(mainPkg->dir.empty() ? "." : mainPkg->dir);
    mainDisplayPath = "command-line-arguments";
  }
  byPath[mainDisplayPath] = mainPkg;
  if (!parseFiles(mainPkg, files))
    return false;
  return orderPackages() && !diags.hasErrors();
}

} // namespace glc
