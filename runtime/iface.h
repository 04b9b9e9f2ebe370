//===- iface.h - interfaces: the itab cache (iface.cpp) -------------------===//
#ifndef GLRT_IFACE_H
#define GLRT_IFACE_H

#include "type.h"

extern "C" {
// The itabs glc emitted, one pointer each in section gl_itablinks (bounds
// from the linker; weak: absent when a program has none).
extern const glrt::Itab *const __start_gl_itablinks[] __attribute__((weak));
extern const glrt::Itab *const __stop_gl_itablinks[] __attribute__((weak));
}

namespace glrt {

// Registers the compile-time itabs in the cache, so getitab returns those
// very itabs for their pairs (itab pointers are unique per pair). Called
// once by main before any generated code runs.
void itabsinit();

// The itab of (inter, typ). When typ lacks a method of inter: null if
// canfail, else a TypeAssertionError panic ("missing method M") reported
// from the frame fp. Lock-free when the pair is cached.
// origin: the panicorigin (defer.h) of a missing method's panic.
const Itab *getitab(const InterfaceType *inter, const Type *typ, bool canfail, uintptr_t fp,
                   uint8_t origin);
// The itab of (inter, typ) whatever the outcome: one recording the
// failure (fun[0] null) when typ lacks a method. Never panics.
const Itab *getitabany(const InterfaceType *inter, const Type *typ);

} // namespace glrt

#endif // GLRT_IFACE_H
