// Pointer-free type descriptors for runtime tests that call the typed
// allocation entry points (glrt_newobject, glrt_makeslice, glrt_growslice,
// glrt_makechan): kType<N> is a noscan type of N bytes, kChan<N> the
// ChanType of a channel of it; both are constants (no allocation, usable
// inside the stack probes). typeOf(n) is the run-time-sized variant.
#ifndef GLRT_TEST_TYPES_H
#define GLRT_TEST_TYPES_H

#include "type.h"

#include <map>

namespace glrt_test {

constexpr glrt::Type mkType(uintptr_t n) {
  glrt::Type t{};
  t.size = n;
  t.align = 8;
  t.fieldAlign = 8;
  t.kind = glrt::KindArray;
  return t;
}

template <uintptr_t N> inline constexpr glrt::Type kType = mkType(N);
template <uintptr_t N>
inline constexpr glrt::ChanType kChan = {mkType(8), &kType<N>, glrt::ChanBoth};

template <uintptr_t N> void *typeArg() { return const_cast<glrt::Type *>(&kType<N>); }
template <uintptr_t N> void *chanArg() { return const_cast<glrt::ChanType *>(&kChan<N>); }

inline void *typeOf(uintptr_t n) {
  static std::map<uintptr_t, glrt::Type> types;
  auto it = types.find(n);
  if (it == types.end())
    it = types.emplace(n, mkType(n)).first;
  return &it->second;
}
inline void *chanOf(uintptr_t n) {
  static std::map<uintptr_t, glrt::ChanType> chans;
  auto it = chans.find(n);
  if (it == chans.end())
    it = chans.emplace(n, glrt::ChanType{mkType(8), static_cast<glrt::Type *>(typeOf(n)),
                                         glrt::ChanBoth})
             .first;
  return &it->second;
}

} // namespace glrt_test

#endif // GLRT_TEST_TYPES_H
