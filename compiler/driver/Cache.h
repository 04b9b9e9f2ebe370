//===- Cache.h - glc's per-package object cache ----------------------------===//
//
// See the essay at the top of Cache.cpp.
//===----------------------------------------------------------------------===//
#ifndef GLC_DRIVER_CACHE_H
#define GLC_DRIVER_CACHE_H

#include "parse/AST.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <map>
#include <string>

namespace glc {

class ObjectCache {
public:
  /// $GLCCACHE, else $XDG_CACHE_HOME/glc, else $HOME/.cache/glc; "" when
  /// GLCCACHE=off or no home is known.
  static std::string defaultDir();

  /// A cache in `dir` ("" = off). `salt` is everything besides the sources
  /// that changes an object: glc's identity and the codegen flags.
  ObjectCache(std::string dir, std::string salt);

  /// Whether the cache directory exists or could be created.
  bool usable();

  /// The key of `pkg`: its path, directory, files (names and contents, as
  /// read into `sm`) and the keys of the packages it imports (so an edit
  /// anywhere below a package changes its key). Packages must be keyed in
  /// initialisation order (imports first).
  const std::string &key(Package *pkg, const llvm::SourceMgr &sm);

  /// The path of the cached object of `key` if it is present and intact,
  /// else "" (`corrupt` says an entry was there but failed its check).
  std::string lookup(llvm::StringRef key, bool &corrupt);

  /// Stores `object` under `key` (a temporary file renamed into place, so
  /// concurrent glc runs never see a partial entry) and returns its path;
  /// "" with `err` set if the cache cannot be written.
  std::string store(llvm::StringRef key, llvm::StringRef object, std::string &err);

  /// Go's trimming rule (cmd/go/internal/cache): at most once a day (the
  /// time of the last trim is in <dir>/trim.txt), removes the entries not
  /// used for 5 days (their files' mtime, refreshed by lookup at most
  /// hourly). `now` is the clock (seconds since the epoch; a test's fake).
  void trim(int64_t now);

  /// The clock of lookup and trim: the time; for tests of trimming,
  /// $GLC_CACHE_NOW sets it (seconds since the epoch) or moves it ("+N",
  /// "-N" seconds).
  static int64_t now();

  /// `glc clean -cache`: removes `dir` and everything in it.
  static bool clean(const std::string &dir, std::string &err);

  const std::string &dir() const { return root; }

private:
  std::string root, salt;
  std::map<Package *, std::string> keys;
  std::string entryPath(llvm::StringRef key, llvm::StringRef suffix) const;
  void used(const std::string &path);
};

/// GLC_DEBUG_CACHE=1: one line on stderr per package, hit/miss/corrupt.
bool debugCache();

} // namespace glc

#endif // GLC_DRIVER_CACHE_H
