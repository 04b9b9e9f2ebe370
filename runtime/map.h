//===- map.h - Go's hash map (runtime/map.go) -------------------------------===//
//
// The layout generated code relies on is only: a map value is an hmap*
// (nil map = null), `len(m)` is the int64 at offset 0 of a non-nil hmap, and
// a range loop keeps a hiter (below, 112 bytes, 8-aligned) in its frame.
// Everything else is the runtime's (map.cpp has the design).
//===----------------------------------------------------------------------===//
#ifndef GLRT_MAP_H
#define GLRT_MAP_H

#include "type.h"

#include <atomic>
#include <stddef.h>
#include <stdint.h>

namespace glrt {

constexpr int kBucketCnt = 8;     // slots per bucket (Go's bucketCnt)
constexpr uintptr_t kMaxKeySize = 128;  // larger keys/elems are stored
constexpr uintptr_t kMaxElemSize = 128; // indirectly (a pointer in the slot)

struct bmap; // tophash[8], then 8 keys, 8 elems, the overflow pointer
struct ovfhdr; // a bucket array's overflow buckets, when its buckets are noscan (map.cpp)

// hmap.flags bits.
enum : uint8_t {
  kHashWriting = 4,   // a write (assign/delete) is in progress
  kSameSizeGrow = 8,  // the current growth keeps the bucket count
};

struct hmap {
  intptr_t count; // live entries: len(m). Offset 0 (generated code reads it)
  // Go's flags byte. Written only by the goroutine that owns the map for
  // writing, read racily by everyone to detect concurrent misuse (Go's
  // best-effort check): relaxed atomics, so the detection itself is not
  // a data race; plain loads/stores on x86.
  std::atomic<uint8_t> flags;
  uint8_t B;          // log2 of the number of buckets
  uint16_t noverflow; // approximate number of overflow buckets
  uint32_t pad;
  uintptr_t hash0;    // the hash seed (random per map, and after emptying)
  bmap *buckets;      // 2^B buckets; null until the first insert
  bmap *oldbuckets;   // during growth: the previous array, else null
  uintptr_t nevacuate; // old buckets below this one are evacuated
  const Type *bucket; // the bucket's descriptor (map.cpp's bucketTypeOf)
  // Buckets whose keys and elems hold no pointers are noscan objects, so
  // their overflow links are invisible to the collector: these keep the
  // overflow buckets of buckets / oldbuckets alive (Go's hmap.extra).
  // Null for other maps and until the first overflow bucket.
  ovfhdr *overflow;
  ovfhdr *oldoverflow;
};
static_assert(offsetof(hmap, count) == 0, "len(m) loads offset 0");

// Go's hiter. The compiler allocates one (zeroed is not required) in the
// frame of a range loop; key == null means the iteration is over.
struct hiter {
  void *key;            // the current entry's key slot, or null at the end
  void *elem;           // its elem slot
  const MapType *t;
  hmap *h;
  bmap *buckets;        // the bucket array when the iteration started
  bmap *bptr;           // the bucket being walked
  uintptr_t startBucket;
  uintptr_t bucket;     // the next bucket index to start
  uintptr_t checkBucket;
  uint8_t offset;       // slot offset the walk starts at in each bucket
  bool wrapped;         // bucket wrapped around past the end
  uint8_t B;            // h->B when the iteration started
  uint8_t i;            // next slot in bptr
  uint8_t ctop;         // mapiternext's candidate: its tophash, key, elem slot
  uint8_t pad[3];
  void *ck;
  void *ce;
  // Noscan buckets: h's overflow and oldoverflow when the iteration
  // started, so the overflow buckets it may walk stay alive whatever
  // growth happens meanwhile (Go's hiter.overflow/oldoverflow).
  ovfhdr *overflow;
  ovfhdr *oldoverflow;
};
static_assert(sizeof(hiter) == 112, "generated code reserves 112 bytes (IRGenMap.cpp)");

hmap *makemap(const MapType *t, int64_t hint);
void *mapaccess1(const MapType *t, hmap *h, const void *key);
void *mapaccess2(const MapType *t, hmap *h, const void *key, bool *ok);
void *mapassign(const MapType *t, hmap *h, const void *key);
void mapdelete(const MapType *t, hmap *h, const void *key);
void mapiterinit(const MapType *t, hmap *h, hiter *it);
void mapiternext(hiter *it);

// Used by tests: Go's "assignment to entry in nil map" panic entry.
[[noreturn]] void panicNilMapWrite(const MapType *t, uintptr_t fp);

} // namespace glrt

#endif // GLRT_MAP_H
