//===- Cache.cpp - glc's per-package object cache --------------------------===//
//
// glc compiles each imported package once and keeps its object, as the go
// command's build cache (GOCACHE) does: `glc run hello.gl` with fmt
// compiles only package main once fmt, strconv, reflect... are cached.
//
// Where. $GLCCACHE if set (GLCCACHE=off: no cache; glc then compiles the
// whole program as one module, as it did before the cache), else
// $XDG_CACHE_HOME/glc, else $HOME/.cache/glc. `glc clean -cache` removes
// it. It is trimmed as Go's build cache is (see "Trimming" below).
//
// What. The driver (main.cpp) checks every package as before (sema needs
// the imported packages' declarations; checking all of fmt's dependencies
// costs ~30 ms), then lowers each imported package alone to its own
// module (IRGenOptions::only) and object, which this cache stores. Package
// main is always compiled, then its object, the packages' objects and the
// traceback table are linked.
//
// The key of a package (BLAKE3, hex) covers everything its object depends
// on: the salt (glc's version and its executable's size and modification
// time, so a rebuilt glc never uses an older glc's objects; -O, -race,
// DWARF level -w/-s, split stacks, the target), the package's import path
// and directory (DWARF names absolute files), each file's name and
// contents, and the keys of the packages it imports. A package's object
// embeds its imports' layouts (field offsets, type descriptors, constants)
// and so is valid only with those exact imports: keying on the imports'
// keys (rather than an export-data hash) rebuilds every dependent of an
// edited package, which is always correct and sometimes more than needed.
//
// Entries. <dir>/<kk>/<key>-o is the object, <key>-s its sum:
// "glc-cache-1 <size> <BLAKE3 of the object>". A lookup reads both and
// checks size and hash, so a truncated or damaged entry (a crash mid-write
// on a filesystem without ordered renames, a disk error, a hand edit) is a
// miss that is rebuilt and rewritten, never a bad link. Each file is
// written to a unique temporary name in the same directory and renamed
// into place (atomic on POSIX), the object before its sum; two glc runs
// compiling one package at once both write identical bytes (glc's output
// is deterministic), and whichever rename lands last wins. A reader that
// sees a new sum with an old object (or the reverse) sees a mismatch: a
// miss, never a wrong object.
//
// Trimming (cmd/go/internal/cache's rule and constants). An entry's files'
// mtime is its last use: a hit sets it to now when it is more than an
// hour old (at most one inode update per entry per hour). After a build,
// glc trims the cache at most once a day: <dir>/trim.txt holds the time
// of the last trim (decimal seconds; unreadable, or more than an hour in
// the future, means "trim now"), and a trim removes every -o and -s file
// whose mtime is older than 5 days plus the hour of imprecision, then
// writes the time. A trim racing with another glc's lookup can remove an
// entry the other just found; that glc then fails to open the object (as
// with `glc clean -cache` during a build), which Go accepts as well.
//===----------------------------------------------------------------------===//
#include "Cache.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace llvm;

namespace glc {

bool debugCache() {
  static const bool on = [] {
    const char *e = getenv("GLC_DEBUG_CACHE");
    return e && *e && StringRef(e) != "0";
  }();
  return on;
}

std::string ObjectCache::defaultDir() {
  if (const char *e = getenv("GLCCACHE"); e && *e)
    return StringRef(e) == "off" ? "" : e;
  SmallString<256> p;
  if (const char *x = getenv("XDG_CACHE_HOME"); x && *x && sys::path::is_absolute(x)) {
    p = x;
  } else if (const char *h = getenv("HOME"); h && *h) {
    p = h;
    sys::path::append(p, ".cache");
  } else {
    return "";
  }
  sys::path::append(p, "glc");
  return std::string(p);
}

ObjectCache::ObjectCache(std::string dir, std::string salt)
    : root(std::move(dir)), salt(std::move(salt)) {}

bool ObjectCache::usable() {
  if (root.empty())
    return false;
  if (sys::fs::is_directory(root))
    return true;
  if (sys::fs::create_directories(root))
    return false;
  // What the directory is, for whoever finds it (as GOCACHE's README).
  SmallString<256> readme(root);
  sys::path::append(readme, "README");
  std::error_code ec;
  raw_fd_ostream os(readme, ec);
  if (!ec)
    os << "This directory holds cached build artifacts from glc (the GL compiler).\n"
          "Remove it with `glc clean -cache` or rm -r; glc rebuilds what it needs.\n";
  return true;
}

static std::string hex(const BLAKE3Result<> &r) { return toHex(ArrayRef<uint8_t>(r), true); }

const std::string &ObjectCache::key(Package *pkg, const SourceMgr &sm) {
  auto it = keys.find(pkg);
  if (it != keys.end())
    return it->second;
  BLAKE3 h;
  auto add = [&](StringRef s) {
    // Length-prefixed, so no two sequences of fields hash alike.
    uint64_t n = s.size();
    h.update(ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(&n), sizeof n));
    h.update(ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(s.data()), s.size()));
  };
  add("glc-object-1");
  add(salt);
  add(pkg->path);
  SmallString<256> dir(pkg->dir);
  sys::fs::make_absolute(dir);
  add(dir);
  for (File *f : pkg->files) {
    add(f->filename);
    unsigned id = sm.FindBufferContainingLoc(f->pos);
    add(id ? sm.getMemoryBuffer(id)->getBuffer() : StringRef("?"));
  }
  std::vector<std::pair<std::string, std::string>> deps;
  for (Package *d : pkg->imports)
    deps.push_back({d->path, key(d, sm)});
  std::sort(deps.begin(), deps.end());
  for (auto &[path, k] : deps) {
    add(path);
    add(k);
  }
  return keys[pkg] = hex(h.final());
}

std::string ObjectCache::entryPath(StringRef key, StringRef suffix) const {
  SmallString<256> p(root);
  sys::path::append(p, key.take_front(2), (key + suffix).str());
  return std::string(p);
}

static std::string sumLine(StringRef object) {
  BLAKE3Result<> r =
      BLAKE3::hash(ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(object.data()), object.size()));
  return "glc-cache-1 " + std::to_string(object.size()) + " " + hex(r) + "\n";
}

// Writes `data` to `path` through a temporary file in its directory.
static std::error_code writeAtomic(const std::string &path, StringRef data) {
  SmallString<256> tmp;
  int fd;
  if (auto ec = sys::fs::createUniqueFile(path + ".tmp%%%%%%%%", fd, tmp))
    return ec;
  {
    raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << data;
    os.close();
    if (os.has_error()) {
      std::error_code ec = os.error();
      os.clear_error();
      sys::fs::remove(tmp);
      return ec;
    }
  }
  if (auto ec = sys::fs::rename(tmp, path)) {
    sys::fs::remove(tmp);
    return ec;
  }
  return {};
}

// cmd/go/internal/cache's constants.
static constexpr int64_t mtimeInterval = 3600;     // 1 hour
static constexpr int64_t trimInterval = 24 * 3600; // 1 day
static constexpr int64_t trimLimit = 5 * 24 * 3600; // 5 days

int64_t ObjectCache::now() {
  int64_t t = sys::toTimeT(std::chrono::system_clock::now());
  if (const char *e = getenv("GLC_CACHE_NOW"); e && *e) // tests: "+N"/"-N" seconds, or a time
    return *e == '+' || *e == '-' ? t + strtoll(e, nullptr, 10) : strtoll(e, nullptr, 10);
  return t;
}

// Marks the file at `path` used now (its mtime), at most once an hour.
void ObjectCache::used(const std::string &path) {
  sys::fs::file_status st;
  int64_t t = now();
  if (!sys::fs::status(path, st) && t - sys::toTimeT(st.getLastModificationTime()) < mtimeInterval)
    return;
  // Best effort (Go's os.Chtimes): a read-only cache stays as it is.
  struct timespec ts[2] = {{time_t(t), 0}, {time_t(t), 0}};
  (void)::utimensat(AT_FDCWD, path.c_str(), ts, 0);
}

void ObjectCache::trim(int64_t t) {
  SmallString<256> stamp(root);
  sys::path::append(stamp, "trim.txt");
  if (auto b = MemoryBuffer::getFile(stamp)) {
    long long last;
    if (!StringRef((*b)->getBuffer()).trim().getAsInteger(10, last)) {
      int64_t d = t - last;
      if (d < trimInterval && d > -mtimeInterval)
        return;
    }
  }
  int64_t cutoff = t - trimLimit - mtimeInterval;
  for (int i = 0; i < 256; ++i) {
    SmallString<256> sub(root);
    char name[3];
    snprintf(name, sizeof name, "%02x", i);
    sys::path::append(sub, name);
    // Names first, then removals (removing during the scan could skip).
    std::vector<std::string> names;
    std::error_code ec;
    for (sys::fs::directory_iterator it(sub, ec), end; !ec && it != end; it.increment(ec))
      names.push_back(it->path());
    for (const std::string &p : names) {
      StringRef n(p);
      if (!n.ends_with("-o") && !n.ends_with("-s"))
        continue;
      sys::fs::file_status st;
      if (!sys::fs::status(p, st) && sys::toTimeT(st.getLastModificationTime()) < cutoff)
        sys::fs::remove(p);
    }
  }
  // Errors are ignored: an unwritten stamp only means another trim soon.
  (void)writeAtomic(std::string(stamp), std::to_string(t));
}

std::string ObjectCache::lookup(StringRef key, bool &corrupt) {
  corrupt = false;
  std::string objPath = entryPath(key, "-o");
  auto sum = MemoryBuffer::getFile(entryPath(key, "-s"));
  if (!sum)
    return "";
  auto obj = MemoryBuffer::getFile(objPath, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!obj || (*sum)->getBuffer() != sumLine((*obj)->getBuffer())) {
    corrupt = true;
    return "";
  }
  used(objPath);
  used(entryPath(key, "-s"));
  return objPath;
}

std::string ObjectCache::store(StringRef key, StringRef object, std::string &err) {
  std::string objPath = entryPath(key, "-o");
  if (auto ec = sys::fs::create_directories(sys::path::parent_path(objPath))) {
    err = ec.message();
    return "";
  }
  if (auto ec = writeAtomic(objPath, object)) {
    err = ec.message();
    return "";
  }
  if (auto ec = writeAtomic(entryPath(key, "-s"), sumLine(object))) {
    err = ec.message();
    return "";
  }
  return objPath;
}

bool ObjectCache::clean(const std::string &dir, std::string &err) {
  if (dir.empty() || !sys::fs::exists(dir))
    return true;
  if (auto ec = sys::fs::remove_directories(dir, /*IgnoreErrors=*/false)) {
    err = ec.message();
    return false;
  }
  return true;
}

} // namespace glc
