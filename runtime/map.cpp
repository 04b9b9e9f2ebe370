//===- map.cpp - Go's hash map (runtime/map.go) ----------------------------===//
//
// Go's design, with Go's names:
//
//  - A map is an hmap (map.h) and an array of 2^B buckets. A bucket holds 8
//    entries: 8 tophash bytes (the high byte of each entry's hash, or an
//    empty/evacuated mark below kMinTopHash), then the 8 keys, then the 8
//    elems, then a pointer to an overflow bucket:
//
//        offset 0                   uint8_t tophash[8]
//        8                          key  slots [8] (keysize each)
//        8 + 8*keysize              elem slots [8] (elemsize each)
//        8 + 8*(keysize+elemsize)   bmap *overflow
//
//    Keys/elems larger than 128 bytes are stored indirectly: the slot holds
//    a pointer to a heap copy (keysize/elemsize are then 8). Every slot
//    that can hold a pointer is word-aligned (a type with pointers has
//    8-byte alignment and a size that is a multiple of 8), so for a
//    collector a bucket's pointer words are:
//    the key slots' words where the key type's gcdata says so (all of them
//    when indirect), likewise the elems, and the overflow word. Buckets and
//    overflow buckets come from mallocgc with that bitmap (the bucket
//    descriptor, bucketTypeOf); the hmap with hmapType. Stores into them
//    go through mapmemmove/mapmemclr/mapstoreptr (the write barrier's
//    place).
//  - An entry lives in bucket hash & (2^B-1), in that bucket or its overflow
//    chain. Lookups compare the tophash byte first, then the key (through
//    the key type's equal, or inline in the fast paths).
//  - emptyRest marks a slot after which the bucket and its whole overflow
//    chain are empty, so misses stop early; mapdelete maintains it.
//  - Growth (hashGrow) when an insert would take the average load past 6.5
//    per bucket (doubling, B+1), or when there are as many overflow buckets
//    as buckets (same size: re-packs a map that had many deletes).
//    Growth is incremental: each assign/delete that lands while growing
//    evacuates the old bucket it needs plus the next unevacuated one
//    (growWork), so no single operation copies the whole map. Evacuation
//    splits old bucket i into new buckets i (X) and i + 2^(B-1) (Y) by the
//    hash bit; an evacuated old bucket keeps its keys/elems (the iterator
//    may read them) and marks its tophashes evacuatedX/Y/Empty.
//  - Lookups during growth read the old bucket until it is evacuated.
//  - Each map has a random seed (hash0, re-randomised when the map becomes
//    empty), and every iteration starts at a random bucket and a random
//    slot offset within buckets.
//  - Iteration (mapiterinit/mapiternext) under mutation follows Go: every
//    entry present for the whole iteration is returned exactly once; a
//    deleted entry not yet reached is not returned; entries added during
//    the iteration may or may not be. It walks the bucket array that was
//    current when it started; if the map has grown since, a slot whose
//    entry was evacuated is looked up again in the current map (skipped if
//    deleted meanwhile, its current elem returned otherwise). If it started
//    during a growth, an unevacuated old bucket is walked in place of the
//    new one, returning only the keys that belong to the new bucket.
//  - NaN keys (k != k): their hash is random, so each insert adds an entry,
//    lookups never find them, delete cannot remove them (Go's rules).
//    During evacuation they go to X or Y by the low bit of their tophash,
//    the same bit the iterator uses to decide which new bucket owns them.
//
// Concurrency: a map is not synchronised. Like Go, writers set
// kHashWriting in flags for the duration of an assign/delete, and every
// operation checks it: a writer that finds it set dies with "fatal error:
// concurrent map writes", a reader with "concurrent map read and map
// write", an iterator with "concurrent map iteration and map write". The
// check is best effort, as Go's: it catches overlapping operations when
// they overlap, it is not a lock. glrt code is never preempted, so at
// GOMAXPROCS=1 operations never overlap.
//
// Stack: every entry point stays within the goroutine's 256-byte budget
// (abi_stack_test.cpp measures them; 48-248 bytes with its probe frames).
// On the goroutine: the fast halves of the fast64/faststr operations
// (hash inline, bucket scan, an insert into a free slot) and every check
// that may panic or die (nil map write, unhashable key, concurrent use).
// On g0 (onsystemstack): assign's slow half (first bucket, growth, a new
// overflow bucket), growWork/evacuate, the generic operations after their
// key is hashed (they call the key type's generated equal), and the
// iterator's rare re-lookups; hashing struct keys that contain
// strings/floats/interfaces walks the type on g0 (alg.cpp).
//===----------------------------------------------------------------------===//
#include "map.h"

#include "abi.h"
#include "alg.h"
#include "defer.h"
#include "malloc.h"
#include "mbarrier.h"
#include "mgc.h"
#include "race.h"
#include "mem.h"
#include "panic.h"
#include "preempt.h"

#include <string.h>
#include <sys/mman.h>

namespace glrt {

struct bmap {
  uint8_t tophash[kBucketCnt];
};

namespace {

// tophash values below kMinTopHash are marks.
enum : uint8_t {
  kEmptyRest = 0,      // empty, and so is every later slot and overflow bucket
  kEmptyOne = 1,       // empty
  kEvacuatedX = 2,     // moved to the first half of the new array
  kEvacuatedY = 3,     // moved to the second half
  kEvacuatedEmpty = 4, // was empty when its bucket was evacuated
  kMinTopHash = 5,
};

constexpr uintptr_t kNoCheck = ~uintptr_t(0);
constexpr uintptr_t kMaxZero = 1024; // elems up to this size read zeroVal

// mapaccess1 of a missing key returns a pointer to this (never written).
alignas(16) const uint8_t zeroVal[kMaxZero] = {};

inline bool isEmpty(uint8_t x) { return x <= kEmptyOne; }

inline uint8_t tophash(uintptr_t hash) {
  uint8_t top = uint8_t(hash >> 56);
  return top < kMinTopHash ? top + kMinTopHash : top;
}

inline bool evacuated(const bmap *b) {
  uint8_t h = b->tophash[0];
  return h > kEmptyOne && h < kMinTopHash;
}

inline uintptr_t bucketShift(uint8_t B) { return uintptr_t(1) << B; }
inline uintptr_t bucketMask(uint8_t B) { return bucketShift(B) - 1; }

// Bucket geometry, from the map type's sizes. kslot: the key slot size
// when the caller knows it at compile time (8 for fast64, 16 for faststr;
// 0: read it from t), so the fast paths fold their offsets.
struct Geo {
  uintptr_t ks, es; // slot sizes (8 when indirect)
  bool ik, ie;      // indirect key / elem
  [[gnu::always_inline]] explicit Geo(const MapType *t, uintptr_t kslot = 0) {
    if (kslot != 0) {
      ik = false;
      ks = kslot;
    } else {
      ik = t->keysize > kMaxKeySize;
      ks = ik ? sizeof(void *) : t->keysize;
    }
    ie = t->elemsize > kMaxElemSize;
    es = ie ? sizeof(void *) : t->elemsize;
  }
  uintptr_t bucketsize() const { return kBucketCnt * (1 + ks + es) + sizeof(void *); }
  uintptr_t keyoff(uintptr_t i) const { return kBucketCnt + i * ks; }
  uintptr_t elemoff(uintptr_t i) const { return kBucketCnt * (1 + ks) + i * es; }
  char *key(bmap *b, uintptr_t i) const { return reinterpret_cast<char *>(b) + keyoff(i); }
  char *elem(bmap *b, uintptr_t i) const { return reinterpret_cast<char *>(b) + elemoff(i); }
  bmap **overflowp(bmap *b) const {
    return reinterpret_cast<bmap **>(reinterpret_cast<char *>(b) + bucketsize() - sizeof(void *));
  }
  bmap *overflow(bmap *b) const { return *overflowp(b); }
  bmap *bucket(bmap *a, uintptr_t i) const {
    return reinterpret_cast<bmap *>(reinterpret_cast<char *>(a) + i * bucketsize());
  }
};

// The 8 tophash bytes of b as one word (byte i = tophash[i]), and the
// bytes of such a word equal to v: 0x80 in each such byte, 0 elsewhere,
// exactly (no false positives: the high bit of each byte is tested apart
// from its low 7 bits, so no carry crosses a byte). lookup and assign test
// a whole bucket with these (one branch for "any slot with this tophash",
// one for "an emptyRest anywhere") instead of a branch per slot whose exit
// is at a different slot every time. Measured on map_string's phases
// (paired runs, glc before/after): lookups 0.85-0.91, inserts 0.88; misses
// gain most (map_int 0.89-0.93). del keeps the per-slot loop: the same scan
// there measured 1.15-1.26x slower (not understood).
[[gnu::always_inline]] inline uint64_t tophashWord(const bmap *b) {
  uint64_t w;
  __builtin_memcpy(&w, b->tophash, 8);
  return w;
}
[[gnu::always_inline]] inline uint64_t matchBytes(uint64_t w, uint8_t v) {
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7full;
  uint64_t x = w ^ (uint64_t(v) * 0x0101010101010101ull);
  return ~(((x & kLow7) + kLow7) | x | kLow7);
}
// The slot of the lowest marked byte of a matchBytes mask.
[[gnu::always_inline]] inline uintptr_t firstSlot(uint64_t mask) {
  return uintptr_t(__builtin_ctzll(mask)) >> 3;
}

// Starts loading the cache lines of bucket b after its first (the caller
// reads the first at once): a hit reads its key and elem a line or two past
// the tophash bytes, whose address is known only once the tophash line has
// arrived. Up to 256 bytes. lookup only: with the word scan, hits measured
// 0.99 with it against 1.10 without; assign and del gained nothing.
[[gnu::always_inline]] inline void prefetchBucketTail(const Geo &g, const bmap *b) {
  const char *c = reinterpret_cast<const char *>(b);
  uintptr_t size = g.bucketsize();
  uintptr_t end = size < 256 ? size : 256;
  for (uintptr_t off = 64 - (reinterpret_cast<uintptr_t>(c) & 63); off < end; off += 64)
    __builtin_prefetch(c + off);
}

inline void *deref(void *p, bool indirect) { return indirect ? *static_cast<void **>(p) : p; }

// ---- the map's writes to memory that may hold heap pointers ----
// Every store, copy or clear map.cpp makes into a bucket's key, elem and
// overflow slots or into an hmap's bucket pointers goes through these
// three functions (tophash bytes and hmap's counters hold no pointers and
// are written directly), so the collector's write barrier lives here and
// nowhere else in map.cpp. They follow generated code's protocol
// (abi.def): when glrt_writeBarrier's word is non-zero, a pointer store
// goes through glrt_gcWriteBarrier (which stores) and a copy or clear is
// preceded by glrt_bulkBarrierPreWrite(dst, src or null, n). The flag is
// read relaxed, as generated code's plain load: it changes only while the
// world is stopped. Fresh memory the map is filling (a new bucket array,
// an evacuation's destination) goes through them too: simpler than Go's
// exemptions, and the flag is almost always off.
//
// mapmemmove copies one key or elem slot of n bytes. Slots of 8 and 16
// bytes (ints, pointers, strings, interfaces) are the common case and are
// copied inline: a memcpy call per moved entry was a fifth of evacuate's
// time on map[int]int.
[[gnu::always_inline]] inline void mapmemmove(void *dst, const void *src, uintptr_t n) {
  if (__builtin_expect(*reinterpret_cast<volatile uint32_t *>(&glrt_writeBarrier) != 0, 0))
    glrt_bulkBarrierPreWrite(dst, const_cast<void *>(src), int64_t(n));
  switch (n) {
  case 8:
    __builtin_memcpy(dst, src, 8);
    return;
  case 16:
    __builtin_memcpy(dst, src, 16);
    return;
  default:
    memmove(dst, src, n);
  }
}

// Clears n bytes of a slot (a deleted entry's key and elem).
[[gnu::always_inline]] inline void mapmemclr(void *dst, uintptr_t n) {
  if (__builtin_expect(*reinterpret_cast<volatile uint32_t *>(&glrt_writeBarrier) != 0, 0))
    glrt_bulkBarrierPreWrite(dst, nullptr, int64_t(n));
  memset(dst, 0, n);
}

// *slot = v for a pointer word: a bucket's overflow pointer or indirect
// key/elem slot, hmap.buckets/oldbuckets.
template <class T> [[gnu::always_inline]] inline void mapstoreptr(T **slot, T *v) {
  if (__builtin_expect(*reinterpret_cast<volatile uint32_t *>(&glrt_writeBarrier) != 0, 0))
    glrt_gcWriteBarrier(slot, v);
  else
    *slot = v;
}

inline uint8_t loadflags(const hmap *h) { return h->flags.load(std::memory_order_relaxed); }
inline void storeflags(hmap *h, uint8_t f) { h->flags.store(f, std::memory_order_relaxed); }

inline bool growing(const hmap *h) { return h->oldbuckets != nullptr; }
inline bool sameSizeGrow(const hmap *h) { return loadflags(h) & kSameSizeGrow; }
inline uintptr_t noldbuckets(const hmap *h) {
  uint8_t oldB = h->B;
  if (!sameSizeGrow(h))
    oldB--;
  return bucketShift(oldB);
}

// Go's loadFactor 6.5 = 13/2 per bucket; maps of up to 8 entries fit one bucket.
inline bool overLoadFactor(intptr_t count, uint8_t B) {
  return count > kBucketCnt && uintptr_t(count) > 13 * (bucketShift(B) / 2);
}

// As many overflow buckets as buckets (counting stops at 2^15).
inline bool tooManyOverflowBuckets(uint16_t noverflow, uint8_t B) {
  if (B > 15)
    B = 15;
  return noverflow >= uint16_t(uintptr_t(1) << (B & 15));
}

uintptr_t hashkey(const MapType *t, const void *key, uintptr_t seed) {
  if (t->hasher != nullptr)
    return t->hasher(key, seed);
  return typehash(t->key, key, seed);
}

// A key equal to itself (everything but NaNs, and structs/arrays/interfaces
// holding NaNs).
inline bool reflexive(const MapType *t, const void *k) { return t->key->equal(k, k); }

// Whether hashing a key of this type may panic (an interface inside): then
// even operations on a nil or empty map hash the key, as Go does.
bool hashMightPanic(const Type *t) {
  switch (kindOf(t)) {
  case KindInterface: return true;
  case KindArray: return hashMightPanic(reinterpret_cast<const ArrayType *>(t)->elem);
  case KindStruct: {
    const StructType *s = reinterpret_cast<const StructType *>(t);
    for (intptr_t i = 0; i < s->fields.len; i++)
      if (hashMightPanic(s->fields.array[i].typ))
        return true;
    return false;
  }
  default: return false;
  }
}

[[noreturn]] __attribute__((noinline)) void fatalConcurrentWrites() { fataluser("concurrent map writes"); }
[[noreturn]] __attribute__((noinline)) void fatalReadWrite() {
  fataluser("concurrent map read and map write");
}
[[noreturn]] __attribute__((noinline)) void fatalIterWrite() {
  fataluser("concurrent map iteration and map write");
}

// ---- descriptors of the map's own heap objects ----
// The collector scans heap objects from their descriptors' bitmaps
// (malloc.h), so an hmap and every bucket are allocated with an exact one.

// hmap: words 3 and 4 (buckets, oldbuckets), 7 and 8 (overflow,
// oldoverflow) are heap pointers; bucket points to a persistent
// descriptor, not into the heap.
static_assert(offsetof(hmap, buckets) == 24 && offsetof(hmap, oldbuckets) == 32 &&
                  offsetof(hmap, overflow) == 56 && offsetof(hmap, oldoverflow) == 64 &&
                  sizeof(hmap) == 72,
              "hmapBits");
const uint8_t hmapBits[2] = {0x98, 0x01};
const Type hmapType = {
    sizeof(hmap), 72, 0, 0, 8, 8, KindStruct, nullptr, hmapBits,
    GoString{reinterpret_cast<const uint8_t *>("runtime.hmap"), 12}, nullptr, nullptr};

// A bucket's descriptor (Go's maptype.bucket, which glc's MapType does
// not carry: the runtime derives it from the key and elem descriptors).
// Pointer words: the key slots' words where the key's gcdata says so (a
// pointer per slot when keys are indirect), likewise the elems, and the
// overflow word (Geo has the offsets). A key or elem type with pointers
// has 8-byte alignment, so its slots are word-aligned; smaller slots
// never hold pointers. The overflow word is last, so
// ptrdata is the whole bucket. As in Go, when neither keys nor elems
// hold pointers (and neither is indirect) the bucket is noscan instead
// (ptrdata 0): the collector neither scans the arrays nor writes their
// heap bitmap at allocation (bit by bit, a third of map_int's
// instructions), and the overflow buckets, which only the (unscanned)
// overflow words point to, are kept alive by hmap.overflow/oldoverflow
// (keepoverflow).
struct BucketTypeEntry {
  const MapType *mt;
  Type typ;
};

// Built descriptors, keyed by the map type's address: an open-addressed
// table written only by CAS of an empty slot, read lock-free (acquire
// loads pair with the CAS's release, which publishes the entry's
// fields). Two threads may build the same entry at once: the loser's
// copy is dropped (a few dozen bytes of persistent memory, once). A
// program with more than kBucketTypes map types gets conservativeType
// for the rest (scanned conservatively: correct, less precise).
constexpr uintptr_t kBucketTypes = 4096;
std::atomic<BucketTypeEntry *> bucketTypes[kBucketTypes];

inline uintptr_t bucketTypeSlot(const MapType *t) {
  return (reinterpret_cast<uintptr_t>(t) * 0x9e3779b97f4a7c15ull) >> 52; // 12 bits
}

void setbits(uint8_t *bits, uintptr_t word, const Type *t, bool indirect) {
  if (indirect) {
    bits[word / 8] |= uint8_t(1u << (word % 8));
    return;
  }
  for (uintptr_t j = 0; j < t->ptrdata / 8; j++)
    if ((t->gcdata[j / 8] >> (j % 8)) & 1)
      bits[(word + j) / 8] |= uint8_t(1u << ((word + j) % 8));
}

// Builds t's bucket descriptor. On g0 (persistentalloc takes a lock).
BucketTypeEntry *buildBucketType(const MapType *t) {
  Geo g(t);
  uintptr_t size = g.bucketsize(), nw = size / 8;
  auto *e = static_cast<BucketTypeEntry *>(persistentalloc(sizeof(BucketTypeEntry)));
  auto *bits = static_cast<uint8_t *>(persistentalloc((nw + 7) / 8, 1));
  e->mt = t;
  bool noscan = !g.ik && !g.ie && t->key->ptrdata == 0 && t->elem->ptrdata == 0;
  for (uintptr_t i = 0; i < kBucketCnt && !noscan; i++) {
    if (g.ik || t->key->ptrdata != 0)
      setbits(bits, g.keyoff(i) / 8, t->key, g.ik);
    if (g.ie || t->elem->ptrdata != 0)
      setbits(bits, g.elemoff(i) / 8, t->elem, g.ie);
  }
  if (!noscan)
    bits[(nw - 1) / 8] |= uint8_t(1u << ((nw - 1) % 8)); // overflow
  // Go's name: map.bucket[K]V.
  const GoString &ks = t->key->str, &es = t->elem->str;
  size_t n = 11 + size_t(ks.len) + 1 + size_t(es.len);
  auto *str = static_cast<uint8_t *>(persistentalloc(n, 1));
  memcpy(str, "map.bucket[", 11);
  memcpy(str + 11, ks.str, size_t(ks.len));
  str[11 + ks.len] = ']';
  memcpy(str + 12 + ks.len, es.str, size_t(es.len));
  e->typ = Type{size, noscan ? 0 : size, 0, 0, 8, 8, KindStruct, nullptr, noscan ? nullptr : bits,
                GoString{str, int64_t(n)}, nullptr, nullptr};
  return e;
}

__attribute__((noinline)) const Type *bucketTypeMiss(const MapType *t) {
  struct Args {
    const MapType *t;
    const Type *r;
  } a{t, nullptr};
  onsystemstack(
      [](void *v) {
        Args *a = static_cast<Args *>(v);
        BucketTypeEntry *mine = buildBucketType(a->t);
        uintptr_t i = bucketTypeSlot(a->t);
        for (uintptr_t n = 0; n < kBucketTypes; n++, i = (i + 1) & (kBucketTypes - 1)) {
          BucketTypeEntry *e = nullptr;
          if (bucketTypes[i].compare_exchange_strong(e, mine, std::memory_order_acq_rel,
                                                     std::memory_order_acquire)) {
            a->r = &mine->typ;
            return;
          }
          if (e->mt == a->t) { // another thread's copy won
            a->r = &e->typ;
            return;
          }
        }
        a->r = &conservativeType; // table full
      },
      &a);
  return a.r;
}

// t's bucket descriptor (makemap, once per map).
inline const Type *bucketTypeOf(const MapType *t) {
  uintptr_t i = bucketTypeSlot(t);
  for (uintptr_t n = 0; n < kBucketTypes; n++, i = (i + 1) & (kBucketTypes - 1)) {
    BucketTypeEntry *e = bucketTypes[i].load(std::memory_order_acquire);
    if (e == nullptr)
      break;
    if (e->mt == t)
      return &e->typ;
  }
  return bucketTypeMiss(t);
}

// Bucket arrays of 64 KiB and more are large objects (their own heap
// pages, fresh from the OS or released by the scavenger unless reused)
// and are written at once (evacuation fills about half of every new
// bucket): they are prefaulted with one madvise instead of a page fault
// per page (map_int: 61k faults, 0.4 s of system time under a
// paravirtualised kernel, before the heap had huge pages). Pages already
// present cost only the walk. Best effort: older kernels reject the
// advice and the pages fault in as before.
bmap *makeBucketArray(const Geo &g, const hmap *h, uint8_t B) {
  size_t n = g.bucketsize() << B;
  void *p = mallocgc(n, h->bucket, true);
  if (n >= (size_t(64) << 10)) {
    sysPrefault(p, n);
  }
  return static_cast<bmap *>(p);
}

// Go's incrnoverflow: exact below 2^16 buckets, then counted with
// probability 1/2^(B-15) so noverflow stays an estimate that fits 16 bits.
void incrnoverflow(hmap *h) {
  if (h->B < 16) {
    h->noverflow++;
    return;
  }
  uint32_t mask = (uint32_t(1) << (h->B - 15)) - 1;
  if ((fastrand64() & mask) == 0)
    h->noverflow++;
}

// A bucket array's overflow buckets, for noscan buckets (hmap.overflow):
// b[0:n] (a conservative record: every word of it is a pointer). The
// header stays put while the array is current (appends replace b), so an
// iterator holding it sees overflow buckets added after it started.
} // namespace
struct ovfhdr {
  bmap **b;
  uintptr_t n, cap;
};
namespace {

ovfhdr *newovfhdr() { return static_cast<ovfhdr *>(mallocscan(sizeof(ovfhdr))); }

inline bool noscanBuckets(const hmap *h) { return h->bucket->ptrdata == 0; }

// Records ovf in h.overflow (noscan buckets). On g0 or the goroutine.
void keepoverflow(hmap *h, bmap *ovf) {
  ovfhdr *x = h->overflow;
  if (x == nullptr) {
    x = newovfhdr();
    mapstoreptr(&h->overflow, x);
  }
  if (x->n == x->cap) {
    uintptr_t cap = x->cap == 0 ? 8 : 2 * x->cap;
    auto **nb = static_cast<bmap **>(mallocscan(cap * sizeof(bmap *)));
    if (x->n != 0)
      mapmemmove(nb, x->b, x->n * sizeof(bmap *));
    mapstoreptr(&x->b, nb);
    x->cap = cap;
  }
  mapstoreptr(&x->b[x->n], ovf);
  x->n++;
}

bmap *newoverflow(const Geo &g, hmap *h, bmap *b) {
  bmap *ovf = static_cast<bmap *>(mallocgc(g.bucketsize(), h->bucket, true));
  incrnoverflow(h);
  if (noscanBuckets(h))
    keepoverflow(h, ovf);
  mapstoreptr(g.overflowp(b), ovf);
  return ovf;
}

__attribute__((noinline)) void hashGrow(const MapType *t, hmap *h) {
  Geo g(t);
  uint8_t bigger = 1;
  uint8_t flags = loadflags(h);
  if (!overLoadFactor(h->count + 1, h->B)) {
    bigger = 0;
    flags |= kSameSizeGrow;
  }
  bmap *newbuckets = makeBucketArray(g, h, uint8_t(h->B + bigger));
  mapstoreptr(&h->oldbuckets, h->buckets);
  mapstoreptr(&h->buckets, newbuckets);
  // The old array's overflow buckets move with it (the previous growth
  // is over: oldoverflow is null). Same header object: an iterator
  // holding it keeps them.
  mapstoreptr(&h->oldoverflow, h->overflow);
  mapstoreptr(&h->overflow, static_cast<ovfhdr *>(nullptr));
  h->B = uint8_t(h->B + bigger);
  storeflags(h, flags);
  h->nevacuate = 0;
  h->noverflow = 0;
}

void advanceEvacuationMark(const Geo &g, hmap *h, uintptr_t newbit) {
  h->nevacuate++;
  // Skip old buckets evacuated out of order, looking at no more than 1024
  // (bounds the work of one operation, as Go).
  uintptr_t stop = h->nevacuate + 1024;
  if (stop > newbit)
    stop = newbit;
  while (h->nevacuate != stop && evacuated(g.bucket(h->oldbuckets, h->nevacuate)))
    h->nevacuate++;
  if (h->nevacuate == newbit) { // growth done
    mapstoreptr(&h->oldbuckets, static_cast<bmap *>(nullptr));
    mapstoreptr(&h->oldoverflow, static_cast<ovfhdr *>(nullptr));
    storeflags(h, loadflags(h) & ~kSameSizeGrow);
  }
}

// ---- key policies: the generic path (key by address, hashed and compared
// through the type's descriptor) and the fast paths for 8-byte
// plain-memory keys and strings (Go's mapaccess1_fast64 / _faststr). One
// template per operation serves all three; a policy gives the key slot
// size when it is fixed (kSlot), hashes a key (hash) and a key in a slot
// (hashslot) exactly as typehash does (alg.h), so every variant agrees.

// The generic key: its address and its hash, computed on the goroutine
// (hashing may panic) before the operation switches to g0 (below).
struct GKey {
  const void *p;
  uintptr_t hash;
};

struct GenericKey {
  using K = GKey;
  static constexpr uintptr_t kSlot = 0;
  static constexpr bool kAlwaysReflexive = false;
  static uintptr_t hash(const MapType *, K k, uintptr_t) { return k.hash; }
  static uintptr_t hashslot(const MapType *t, const void *slot, uintptr_t seed) {
    return hashkey(t, slot, seed);
  }
  static bool equal(const MapType *t, K k, const void *slot) { return t->key->equal(k.p, slot); }
  static void store(const MapType *t, void *slot, K k) { mapmemmove(slot, k.p, t->key->size); }
  static void prefetchslot(const void *) {}
};

struct Key64 {
  using K = uint64_t;
  static constexpr uintptr_t kSlot = 8;
  static constexpr bool kAlwaysReflexive = true;
  [[gnu::always_inline]] static uintptr_t hash(const MapType *, K k, uintptr_t seed) {
    return memhash64v(k, seed);
  }
  [[gnu::always_inline]] static uintptr_t hashslot(const MapType *, const void *slot,
                                                    uintptr_t seed) {
    return memhash64v(*static_cast<const uint64_t *>(slot), seed);
  }
  [[gnu::always_inline]] static bool equal(const MapType *, K k, const void *slot) {
    return *static_cast<const uint64_t *>(slot) == k;
  }
  [[gnu::always_inline]] static void store(const MapType *, void *slot, K k) {
    mapmemmove(slot, &k, 8); // may be a pointer key (fast64ptr)
  }
  static void prefetchslot(const void *) {} // the key is in the slot
};

struct KeyStr {
  using K = GoString;
  static constexpr uintptr_t kSlot = sizeof(GoString);
  static constexpr bool kAlwaysReflexive = true;
  // Keys of up to 16 bytes (most map keys) are hashed inline.
  [[gnu::always_inline]] static uintptr_t hash(const MapType *, K k, uintptr_t seed) {
    if (uintptr_t(k.len) <= 16)
      return memhash16(k.str, seed, uintptr_t(k.len));
    return memhash(k.str, seed, uintptr_t(k.len));
  }
  [[gnu::always_inline]] static uintptr_t hashslot(const MapType *t, const void *slot,
                                                    uintptr_t seed) {
    return hash(t, *static_cast<const GoString *>(slot), seed);
  }
  // Whether x and y (n bytes, sizeof(W) <= n <= 2 * sizeof(W)) are equal,
  // by one load of W from each end of each (they overlap when n < 2W).
  template <typename W>
  [[gnu::always_inline]] static bool equalEnds(const uint8_t *x, const uint8_t *y, uintptr_t n) {
    W a0, a1, b0, b1;
    __builtin_memcpy(&a0, x, sizeof(W));
    __builtin_memcpy(&b0, y, sizeof(W));
    __builtin_memcpy(&a1, x + n - sizeof(W), sizeof(W));
    __builtin_memcpy(&b1, y + n - sizeof(W), sizeof(W));
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  // Lengths first, then the bytes: up to 16 inline, as two possibly
  // overlapping loads from each end (never past either string), longer
  // ones by memcmp (a libc leaf).
  [[gnu::always_inline]] static bool equal(const MapType *, K k, const void *slot) {
    const GoString *s = static_cast<const GoString *>(slot);
    if (s->len != k.len)
      return false;
    const uint8_t *x = s->str, *y = k.str;
    uintptr_t n = uintptr_t(k.len);
    if (x == y)
      return true;
    if (n >= 8)
      return n > 16 ? memcmp(x, y, n) == 0 : equalEnds<uint64_t>(x, y, n);
    if (n >= 4)
      return equalEnds<uint32_t>(x, y, n);
    for (uintptr_t i = 0; i < n; i++)
      if (x[i] != y[i])
        return false;
    return true;
  }
  [[gnu::always_inline]] static void store(const MapType *, void *slot, K k) {
    mapmemmove(slot, &k, sizeof k);
  }
  // Starts loading the bytes hashslot will read (evacuate).
  [[gnu::always_inline]] static void prefetchslot(const void *slot) {
    __builtin_prefetch(static_cast<const GoString *>(slot)->str);
  }
};

// Where evacuation writes next in one half (X or Y) of the new array.
struct evacDst {
  bmap *b;
  uintptr_t i;
};

// Moves old bucket oldbucket (and its overflow chain) into the new array.
// On g0 (growWork).
template <class P> __attribute__((noinline)) void evacuate(const MapType *t, hmap *h,
                                                           uintptr_t oldbucket) {
  Geo g(t, P::kSlot);
  bmap *b = g.bucket(h->oldbuckets, oldbucket);
  uintptr_t newbit = noldbuckets(h);
  if (!evacuated(b)) {
    evacDst xy[2];
    xy[0] = {g.bucket(h->buckets, oldbucket), 0};
    xy[1] = {sameSizeGrow(h) ? nullptr : g.bucket(h->buckets, oldbucket + newbit), 0};
    for (; b != nullptr; b = g.overflow(b)) {
      // Hashing a string key reads its bytes, elsewhere in the heap: a
      // cache miss per key, one after the other in the loop below (58% of
      // evacuate<KeyStr>'s samples on map_string sat on that load). Start
      // the bucket's loads together first (a no-op for other keys).
      if (xy[1].b != nullptr)
        for (uintptr_t i = 0; i < kBucketCnt; i++)
          if (!isEmpty(b->tophash[i]))
            P::prefetchslot(g.key(b, i));
      for (uintptr_t i = 0; i < kBucketCnt; i++) {
        uint8_t top = b->tophash[i];
        if (isEmpty(top)) {
          b->tophash[i] = kEvacuatedEmpty;
          continue;
        }
        char *k = g.key(b, i);
        uintptr_t useY = 0;
        if (xy[1].b != nullptr) {
          void *k2 = deref(k, g.ik);
          if (!P::kAlwaysReflexive && !reflexive(t, k2)) {
            // A NaN: its hash is random; split by the old tophash's low
            // bit (mapiternext decides ownership by the same bit) and
            // give it a fresh tophash.
            useY = top & 1;
            top = tophash(P::hashslot(t, k2, h->hash0));
          } else if (P::hashslot(t, k2, h->hash0) & newbit) {
            useY = 1;
          }
        }
        b->tophash[i] = uint8_t(kEvacuatedX + useY);
        evacDst *dst = &xy[useY];
        if (dst->i == kBucketCnt) {
          dst->b = newoverflow(g, h, dst->b);
          dst->i = 0;
        }
        dst->b->tophash[dst->i] = top;
        // Indirect slots move the pointer; the heap copy is shared by the
        // old and the new slot (old slots are never written again).
        mapmemmove(g.key(dst->b, dst->i), k, g.ks);
        mapmemmove(g.elem(dst->b, dst->i), g.elem(b, i), g.es);
        dst->i++;
      }
    }
    // The old bucket's keys and elems stay: an iterator that started
    // before the growth may still read them. (Go clears them when no
    // iterator can be looking, so the collector can free what they
    // point to before the growth ends; not done here.)
  }
  if (oldbucket == h->nevacuate)
    advanceEvacuationMark(g, h, newbit);
}

// Prefetches old bucket ob and the new buckets evacuate(ob) writes (X
// and, when the array doubles, Y): every cache line of each (a bucket is
// 2-4 lines). Overflow buckets are not followed (rare, and reaching them
// would wait for the miss this avoids).
inline void prefetchEvacuation(const Geo &g, const hmap *h, uintptr_t ob, uintptr_t nold) {
  uintptr_t size = g.bucketsize();
  auto lines = [size](const void *p, auto write) {
    const char *c = static_cast<const char *>(p);
    for (uintptr_t off = 0; off < size; off += 64)
      __builtin_prefetch(c + off, decltype(write)::value);
    __builtin_prefetch(c + size - 1, decltype(write)::value); // a bucket need not start a line
  };
  lines(g.bucket(h->oldbuckets, ob), std::false_type{});
  lines(g.bucket(h->buckets, ob), std::true_type{});
  if (!sameSizeGrow(h))
    lines(g.bucket(h->buckets, ob + nold), std::true_type{});
}

// The old bucket this operation is about to use, then one more (Go's
// growWork): at most two evacuations per assign/delete while growing.
// Evacuation's frame (two destinations, the geometry, hashing, a new
// overflow bucket) does not fit the goroutine's 256-byte budget next to
// the entry point's: it runs on g0, one switch per growing operation
// (about one insert in six while a map fills; amortised over the up to
// 16 entries moved).
template <class P> __attribute__((noinline)) void growWork(const MapType *t, hmap *h,
                                                           uintptr_t bucket) {
  // Both old buckets are about to be read and their entries written to
  // new buckets; the first is at a random place, so each of those lines
  // is a cache miss (a third of evacuate<Key64>'s samples waited on the
  // old bucket's tophash). Start them all now, before the switch to g0,
  // so the misses overlap each other and the switch.
  {
    Geo g(t, P::kSlot);
    uintptr_t nold = noldbuckets(h);
    prefetchEvacuation(g, h, bucket & (nold - 1), nold);
    prefetchEvacuation(g, h, h->nevacuate, nold);
  }
  struct Args {
    const MapType *t;
    hmap *h;
    uintptr_t bucket;
  } a{t, h, bucket};
  onsystemstack(
      [](void *v) {
        Args *a = static_cast<Args *>(v);
        evacuate<P>(a->t, a->h, a->bucket & (noldbuckets(a->h) - 1));
        if (growing(a->h))
          evacuate<P>(a->t, a->h, a->h->nevacuate);
      },
      &a);
}

// Lookup: the elem slot of key (resolved), or null; *kslot gets the key's
// slot when asked. The caller has checked h != null and h->count != 0.
template <class P>
[[gnu::always_inline]] inline void *lookup(const MapType *t, hmap *h, typename P::K key,
                                           void **kslot) {
  if (__builtin_expect(loadflags(h) & kHashWriting, 0))
    fatalReadWrite();
  Geo g(t, P::kSlot);
  uintptr_t hash = P::hash(t, key, h->hash0);
  uintptr_t m = bucketMask(h->B);
  bmap *b = g.bucket(h->buckets, hash & m);
  if (bmap *c = h->oldbuckets; __builtin_expect(c != nullptr, 0)) {
    if (!sameSizeGrow(h))
      m >>= 1; // the old array had half as many buckets
    bmap *oldb = g.bucket(c, hash & m);
    if (!evacuated(oldb))
      b = oldb;
  }
  prefetchBucketTail(g, b);
  uint8_t top = tophash(hash);
  do {
    // The slots whose tophash is top, then: an emptyRest anywhere ends the
    // chain (every slot after it is empty, so none of them matched either).
    uint64_t w = tophashWord(b);
    for (uint64_t mt = matchBytes(w, top); mt != 0; mt &= mt - 1) {
      uintptr_t i = firstSlot(mt);
      void *k = deref(g.key(b, i), g.ik);
      if (P::equal(t, key, k)) {
        if (kslot)
          *kslot = k;
        return deref(g.elem(b, i), g.ie);
      }
    }
    if (matchBytes(w, kEmptyRest) != 0)
      return nullptr;
    b = g.overflow(b);
  } while (b != nullptr);
  return nullptr;
}

// The slow half of assign: the map has no bucket yet, is growing, must
// grow, or key's bucket chain is full. The writing flag is set (the fast
// half set it); this clears it. Not inlined, so the fast half's frame
// holds none of this.
template <class P>
__attribute__((noinline)) void *assignslow(const MapType *t, hmap *h, typename P::K key,
                                           uintptr_t hash) {
  Geo g(t, P::kSlot);
  if (h->buckets == nullptr)
    mapstoreptr(&h->buckets, makeBucketArray(g, h, 0));
  void *elem;
again:
  {
    uintptr_t bucket = hash & bucketMask(h->B);
    if (growing(h))
      growWork<P>(t, h, bucket);
    bmap *b = g.bucket(h->buckets, bucket);
    uint8_t top = tophash(hash);
    bmap *insertb = nullptr;
    uintptr_t inserti = 0;
    for (;;) {
      for (uintptr_t i = 0; i < kBucketCnt; i++) {
        if (b->tophash[i] != top) {
          if (isEmpty(b->tophash[i]) && insertb == nullptr) {
            insertb = b;
            inserti = i;
          }
          if (b->tophash[i] == kEmptyRest)
            goto notfound;
          continue;
        }
        void *k = deref(g.key(b, i), g.ik);
        if (!P::equal(t, key, k))
          continue;
        // Present. Float keys (+0 replaced by -0) and strings (a new
        // backing array) take the new key, as Go's needkeyupdate.
        if (t->flags & MapNeedKeyUpdate)
          P::store(t, k, key);
        elem = g.elem(b, i);
        goto done;
      }
      bmap *ovf = g.overflow(b);
      if (ovf == nullptr)
        break;
      b = ovf;
    }
  notfound:
    // Not present. Grow first if this insert would overload the map, then
    // start over (the key's bucket moved).
    if (!growing(h) &&
        (overLoadFactor(h->count + 1, h->B) || tooManyOverflowBuckets(h->noverflow, h->B))) {
      hashGrow(t, h);
      goto again;
    }
    if (insertb == nullptr) {
      // Every slot is full: chain a new overflow bucket to the last one.
      while (g.overflow(b) != nullptr)
        b = g.overflow(b);
      insertb = newoverflow(g, h, b);
      inserti = 0;
    }
    char *kslot = g.key(insertb, inserti);
    elem = g.elem(insertb, inserti);
    if (g.ik) {
      void *kmem = mallocgc(t->key->size, t->key, true);
      mapstoreptr(reinterpret_cast<void **>(kslot), kmem);
      kslot = static_cast<char *>(kmem);
    }
    if (g.ie)
      mapstoreptr(static_cast<void **>(elem), mallocgc(t->elem->size, t->elem, true));
    P::store(t, kslot, key);
    insertb->tophash[inserti] = top;
    h->count++;
  }
done:
  if ((loadflags(h) & kHashWriting) == 0)
    fatalConcurrentWrites();
  storeflags(h, loadflags(h) & ~kHashWriting);
  return deref(elem, g.ie);
}

// assignslow on g0 (it allocates bucket arrays and overflow buckets and
// grows the map: its frames do not fit the goroutine's budget). The fast
// key policies call no generated code; the generic operations are on g0
// already (onsystemstack is then a plain call).
template <class P>
__attribute__((noinline)) void *assignslowg0(const MapType *t, hmap *h, typename P::K key,
                                             uintptr_t hash) {
  struct Args {
    const MapType *t;
    hmap *h;
    typename P::K *key;
    uintptr_t hash;
    void *r;
  } a{t, h, &key, hash, nullptr};
  onsystemstack(
      [](void *v) {
        Args *a = static_cast<Args *>(v);
        a->r = assignslow<P>(a->t, a->h, *a->key, a->hash);
      },
      &a);
  return a.r;
}

// The elem slot for key, inserting the key if it is absent. The fast half:
// the map has buckets and is not growing, and key is present or its chain
// has a free slot and the insert needs no growth; anything else goes to
// assignslow.
template <class P>
[[gnu::always_inline]] inline void *assign(const MapType *t, hmap *h, typename P::K key) {
  if (__builtin_expect(h == nullptr, 0))
    panicNilMapWrite(t, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
  uint8_t f = loadflags(h);
  if (__builtin_expect(f & kHashWriting, 0))
    fatalConcurrentWrites();
  uintptr_t hash = P::hash(t, key, h->hash0);
  // Set after hashing: the hash may panic, and then no write happened.
  storeflags(h, f ^ kHashWriting);
  if (__builtin_expect(h->buckets == nullptr || h->oldbuckets != nullptr, 0))
    return assignslowg0<P>(t, h, key, hash);
  Geo g(t, P::kSlot);
  bmap *b = g.bucket(h->buckets, hash & bucketMask(h->B));
  uint8_t top = tophash(hash);
  bmap *insertb = nullptr;
  uintptr_t inserti = 0;
  void *elem;
  do {
    // As lookup, and the first empty slot is where an absent key goes.
    uint64_t w = tophashWord(b);
    for (uint64_t mt = matchBytes(w, top); mt != 0; mt &= mt - 1) {
      uintptr_t i = firstSlot(mt);
      void *k = deref(g.key(b, i), g.ik);
      if (!P::equal(t, key, k))
        continue;
      if (t->flags & MapNeedKeyUpdate)
        P::store(t, k, key);
      elem = g.elem(b, i);
      goto done;
    }
    uint64_t rest = matchBytes(w, kEmptyRest);
    if (uint64_t empty = rest | matchBytes(w, kEmptyOne); empty != 0 && insertb == nullptr) {
      insertb = b;
      inserti = firstSlot(empty);
    }
    if (rest != 0)
      break;
    b = g.overflow(b);
  } while (b != nullptr);
  if (__builtin_expect(insertb == nullptr || g.ik || g.ie ||
                           overLoadFactor(h->count + 1, h->B) ||
                           tooManyOverflowBuckets(h->noverflow, h->B),
                       0))
    return assignslowg0<P>(t, h, key, hash);
  elem = g.elem(insertb, inserti);
  P::store(t, g.key(insertb, inserti), key);
  insertb->tophash[inserti] = top;
  h->count++;
done:
  if (__builtin_expect((loadflags(h) & kHashWriting) == 0, 0))
    fatalConcurrentWrites();
  storeflags(h, loadflags(h) & ~kHashWriting);
  return deref(elem, g.ie);
}

// After a delete cleared slot i of b: if the bucket now ends in empty
// slots, turn the trailing run of emptyOne into emptyRest (walking back
// through the chain from bOrig).
__attribute__((noinline)) void markEmptyRest(const Geo &g, bmap *bOrig, bmap *b, uintptr_t i) {
  if (i == kBucketCnt - 1) {
    bmap *ovf = g.overflow(b);
    if (ovf != nullptr && ovf->tophash[0] != kEmptyRest)
      return;
  } else if (b->tophash[i + 1] != kEmptyRest) {
    return;
  }
  for (;;) {
    b->tophash[i] = kEmptyRest;
    if (i == 0) {
      if (b == bOrig)
        break;
      bmap *c = b;
      for (b = bOrig; g.overflow(b) != c; b = g.overflow(b)) {
      }
      i = kBucketCnt - 1;
    } else {
      i--;
    }
    if (b->tophash[i] != kEmptyOne)
      break;
  }
}

__attribute__((noinline)) void hashMightPanicCheck(const MapType *t, const void *key);

template <class P>
[[gnu::always_inline]] inline void del(const MapType *t, hmap *h, typename P::K key) {
  if (h == nullptr || h->count == 0) {
    return;
  }
  uint8_t f = loadflags(h);
  if (__builtin_expect(f & kHashWriting, 0))
    fatalConcurrentWrites();
  uintptr_t hash = P::hash(t, key, h->hash0);
  storeflags(h, f ^ kHashWriting);
  Geo g(t, P::kSlot);
  uintptr_t bucket = hash & bucketMask(h->B);
  if (__builtin_expect(growing(h), 0))
    growWork<P>(t, h, bucket);
  bmap *b = g.bucket(h->buckets, bucket);
  bmap *bOrig = b;
  uint8_t top = tophash(hash);
  do {
    for (uintptr_t i = 0; i < kBucketCnt; i++) {
      uint8_t th = b->tophash[i];
      if (th != top) {
        if (th == kEmptyRest)
          goto out;
        continue;
      }
      char *kslot = g.key(b, i);
      if (!P::equal(t, key, deref(kslot, g.ik)))
        continue;
      // Clear the slot: a later insert there hands out a zero elem (the
      // compiler's m[k] op= v relies on it).
      mapmemclr(kslot, g.ks);
      mapmemclr(g.elem(b, i), g.es);
      b->tophash[i] = kEmptyOne;
      markEmptyRest(g, bOrig, b, i);
      h->count--;
      if (h->count == 0) // a fresh seed, so an attacker cannot keep colliding
        h->hash0 = uintptr_t(fastrand64());
      goto out;
    }
    b = g.overflow(b);
  } while (b != nullptr);
out:
  if (__builtin_expect((loadflags(h) & kHashWriting) == 0, 0))
    fatalConcurrentWrites();
  storeflags(h, loadflags(h) & ~kHashWriting);
}

template <class P>
[[gnu::always_inline]] inline void *access1(const MapType *t, hmap *h, typename P::K key) {
  if (__builtin_expect(h == nullptr || h->count == 0, 0)) {
    return const_cast<uint8_t *>(zeroVal);
  }
  void *e = lookup<P>(t, h, key, nullptr);
  return e ? e : const_cast<uint8_t *>(zeroVal);
}

template <class P>
[[gnu::always_inline]] inline glrt_pair access2(const MapType *t, hmap *h, typename P::K key) {
  if (__builtin_expect(h == nullptr || h->count == 0, 0)) {
    return {const_cast<uint8_t *>(zeroVal), 0};
  }
  void *e = lookup<P>(t, h, key, nullptr);
  return e ? glrt_pair{e, 1} : glrt_pair{const_cast<uint8_t *>(zeroVal), 0};
}

// Go hashes the key even for a nil or empty map when hashing might panic
// (an interface inside the key type), so m[k] panics the same either way.
void hashMightPanicCheck(const MapType *t, const void *key) {
  if (hashMightPanic(t->key)) {
    hashingempty = true; // alg.cpp's panicunhashable consumes it
    hashkey(t, key, 0);
    hashingempty = false;
  }
}

} // namespace

[[noreturn]] void panicNilMapWrite(const MapType *t, uintptr_t fp) {
  // Go: panic(plainError("assignment to entry in nil map")): a
  // runtime.Error whose text has no "runtime error: " prefix, raised in
  // the mapassign variant gc's walk (mapfast) picks for the map type:
  // elements over 128 bytes take mapassign; 4- and 8-byte keys of plain
  // memory (AMEM32/AMEM64) the fast32/fast64 ones (fast64ptr when the
  // key holds a pointer), strings faststr; everything else mapassign.
  uint8_t origin = kOriginMapassign;
  const Type *k = t->key;
  if (t->elem->size <= 128) {
    if ((k->kind & KindMask) == KindString)
      origin = kOriginMapassignFaststr;
    else if ((k->tflag & TFlagRegularMemory) && k->size == 4 && k->ptrdata == 0)
      origin = kOriginMapassignFast32;
    else if ((k->tflag & TFlagRegularMemory) && k->size == 8)
      origin = k->ptrdata ? kOriginMapassignFast64ptr : kOriginMapassignFast64;
  }
  gopanicorigin(plainError("assignment to entry in nil map"), fp, origin);
}

hmap *makemap(const MapType *t, int64_t hint) {
  Geo g(t);
  // Go ignores hints that are negative or whose buckets would not fit.
  if (hint < 0 || uint64_t(hint) > kMaxAlloc / g.bucketsize())
    hint = 0;
  hmap *h = static_cast<hmap *>(mallocgc(sizeof(hmap), &hmapType, true));
  h->hash0 = uintptr_t(fastrand64());
  h->bucket = bucketTypeOf(t);
  uint8_t B = 0;
  while (overLoadFactor(hint, B))
    B++;
  h->B = B;
  if (B != 0) // small maps get their bucket at the first insert
    h->buckets = makeBucketArray(g, h, B); // h is fresh: no barrier
  return h;
}

// ---- the generic operations: checks that may panic or die and the
// key's hash on the goroutine; the operation itself on g0 (its frames,
// which call the key type's generated equal function, do not fit the
// goroutine's 256-byte budget; a switch costs a few ns). Generated equal
// functions run on g0 like any split-stack code (the prologue checks g0's
// limit); a map key's equal cannot panic (hashing it on the goroutine
// would have panicked first).

namespace {
struct GArgs {
  const MapType *t;
  hmap *h;
  GKey k;
  void *r;
};

// Nil or empty map: Go still hashes a key whose hash may panic.
[[gnu::always_inline]] inline bool genericEmpty(const MapType *t, hmap *h, const void *key) {
  if (h != nullptr && h->count != 0)
    return false;
  hashMightPanicCheck(t, key);
  return true;
}

// The g0 halves. Separate frames from the callers', which hash the key
// first: the hash's frames (typehash, its own switch for struct keys) and
// these are not stacked on the goroutine.
__attribute__((noinline)) void *lookupg0(const MapType *t, hmap *h, const void *key,
                                         uintptr_t hash) {
  GArgs a{t, h, {key, hash}, nullptr};
  onsystemstack(
      [](void *v) {
        GArgs *a = static_cast<GArgs *>(v);
        a->r = lookup<GenericKey>(a->t, a->h, a->k, nullptr);
      },
      &a);
  return a.r;
}

__attribute__((noinline)) void *assigng0(const MapType *t, hmap *h, const void *key,
                                         uintptr_t hash) {
  GArgs a{t, h, {key, hash}, nullptr};
  onsystemstack(
      [](void *v) {
        GArgs *a = static_cast<GArgs *>(v);
        a->r = assign<GenericKey>(a->t, a->h, a->k);
      },
      &a);
  return a.r;
}

__attribute__((noinline)) void deleteg0(const MapType *t, hmap *h, const void *key,
                                        uintptr_t hash) {
  GArgs a{t, h, {key, hash}, nullptr};
  onsystemstack(
      [](void *v) {
        GArgs *a = static_cast<GArgs *>(v);
        del<GenericKey>(a->t, a->h, a->k);
      },
      &a);
}

__attribute__((noinline)) void *genericLookup(const MapType *t, hmap *h, const void *key) {
  if (loadflags(h) & kHashWriting)
    fatalReadWrite();
  return lookupg0(t, h, key, hashkey(t, key, h->hash0));
}
} // namespace

void *mapaccess1(const MapType *t, hmap *h, const void *key) {
  if (genericEmpty(t, h, key))
    return const_cast<uint8_t *>(zeroVal);
  void *e = genericLookup(t, h, key);
  return e ? e : const_cast<uint8_t *>(zeroVal);
}

void *mapaccess2(const MapType *t, hmap *h, const void *key, bool *ok) {
  void *e = genericEmpty(t, h, key) ? nullptr : genericLookup(t, h, key);
  *ok = e != nullptr;
  return e ? e : const_cast<uint8_t *>(zeroVal);
}

void *mapassign(const MapType *t, hmap *h, const void *key) {
  if (h == nullptr)
    panicNilMapWrite(t, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
  if (loadflags(h) & kHashWriting)
    fatalConcurrentWrites();
  return assigng0(t, h, key, hashkey(t, key, h->hash0));
}

void mapdelete(const MapType *t, hmap *h, const void *key) {
  if (genericEmpty(t, h, key))
    return;
  if (loadflags(h) & kHashWriting)
    fatalConcurrentWrites();
  deleteg0(t, h, key, hashkey(t, key, h->hash0));
}

// mapiternext's rare cases, out of line (and on g0: they hash and compare
// keys generically) so its frame stays small.
namespace {
struct IterArgs {
  const MapType *t;
  hmap *h;
  hiter *it;
  void *k, *e;
  uintptr_t checkBucket;
  uint8_t top;
  bool ie;
  bool r;
};

// An entry of an old bucket walked during a doubling, for new bucket
// checkBucket: whether it will move there.
__attribute__((noinline)) bool iterOwns(const MapType *t, hmap *h, hiter *it, void *k,
                                        uintptr_t checkBucket, uint8_t top) {
  IterArgs args{t, h, it, k, nullptr, checkBucket, top, false, false};
  IterArgs *a = &args;
  onsystemstack(
      [](void *v) {
        IterArgs *a = static_cast<IterArgs *>(v);
        uint8_t itB = a->it->B;
        if (reflexive(a->t, a->k))
          a->r = (hashkey(a->t, a->k, a->h->hash0) & bucketMask(itB)) == a->checkBucket;
        else // a NaN: evacuate sends it by this bit
          a->r = (a->checkBucket >> (itB - 1)) == uintptr_t(a->top & 1);
      },
      a);
  return a->r;
}

// An entry moved by a growth after the iteration started: sets the
// current entry (looked up again, Go's mapaccessK), or returns false if it
// has been deleted since. A NaN cannot be looked up: its copy here (k, e)
// is the one to return.
__attribute__((noinline)) bool iterMoved(const MapType *t, hmap *h, hiter *it, void *k,
                                         void *e, bool ie) {
  IterArgs args{t, h, it, k, e, 0, 0, ie, false};
  IterArgs *a = &args;
  onsystemstack(
      [](void *v) {
        IterArgs *a = static_cast<IterArgs *>(v);
        a->r = true;
        if (!reflexive(a->t, a->k)) {
          a->it->key = a->k;
          a->it->elem = deref(a->e, a->ie);
          return;
        }
        void *rk = nullptr, *re = nullptr;
        if (a->h->count != 0)
          re = lookup<GenericKey>(a->t, a->h, GKey{a->k, hashkey(a->t, a->k, a->h->hash0)}, &rk);
        a->r = re != nullptr;
        a->it->key = rk;
        a->it->elem = re;
      },
      a);
  return a->r;
}
} // namespace

void mapiterinit(const MapType *t, hmap *h, hiter *it) {
  it->key = nullptr;
  it->elem = nullptr;
  it->t = t;
  it->h = h;
  it->overflow = nullptr;
  it->oldoverflow = nullptr;
  if (h == nullptr || h->count == 0)
    return;
  it->B = h->B;
  it->buckets = h->buckets;
  uint64_t r = fastrand64();
  it->startBucket = uintptr_t(r) & bucketMask(h->B);
  it->offset = uint8_t((r >> h->B) & (kBucketCnt - 1));
  it->bucket = it->startBucket;
  it->bptr = nullptr;
  it->wrapped = false;
  it->i = 0;
  it->checkBucket = kNoCheck;
  // Noscan buckets: hold the arrays' overflow headers (created now if
  // missing, so later overflow buckets of the current array are kept).
  if (noscanBuckets(h)) {
    if (h->overflow == nullptr)
      mapstoreptr(&h->overflow, newovfhdr());
    it->overflow = h->overflow;
    it->oldoverflow = h->oldoverflow;
  }
  mapiternext(it);
}

// Moves the walk to its next bucket (it->bptr; false when the walk is
// over). Out of line: mapiternext's frame stays small.
__attribute__((noinline)) static bool iterNextBucket(hiter *it) {
  hmap *h = it->h;
  uintptr_t bucket = it->bucket;
  if (bucket == it->startBucket && it->wrapped)
    return false;
  Geo g(it->t);
  bmap *b;
  uintptr_t checkBucket = kNoCheck;
  if (growing(h) && it->B == h->B) {
    // Started during this growth: it->buckets is the new array. Walk the
    // old bucket instead if it has not been evacuated yet, keeping only
    // the entries that will move to this new bucket.
    uintptr_t oldbucket = bucket & (noldbuckets(h) - 1);
    b = g.bucket(h->oldbuckets, oldbucket);
    if (!evacuated(b))
      checkBucket = bucket;
    else
      b = g.bucket(it->buckets, bucket);
  } else {
    b = g.bucket(it->buckets, bucket);
  }
  bucket++;
  if (bucket == bucketShift(it->B)) {
    bucket = 0;
    it->wrapped = true;
  }
  it->bucket = bucket;
  it->bptr = b;
  it->checkBucket = checkBucket;
  it->i = 0;
  return true;
}

// mapiternext's scan: the next occupied slot. Sets it->key/elem and
// returns false for an entry it can return as is; returns true for a
// candidate that needs the slow checks (an old bucket walked during a
// doubling, or an entry evacuated since the walk started), left in
// it->ck/ce/ctop; it->key == null when the walk is over.
__attribute__((noinline)) static bool iterScan(hiter *it) {
  hmap *h = it->h;
  Geo g(it->t);
  for (;;) {
    bmap *b = it->bptr;
    if (b == nullptr) {
      if (!iterNextBucket(it)) { // done
        it->key = nullptr;
        it->elem = nullptr;
        return false;
      }
      continue;
    }
    while (it->i < kBucketCnt) {
      uintptr_t offi = (it->i + it->offset) & (kBucketCnt - 1);
      it->i++;
      uint8_t top = b->tophash[offi];
      if (isEmpty(top) || top == kEvacuatedEmpty)
        continue;
      void *k = deref(g.key(b, offi), g.ik);
      void *e = g.elem(b, offi);
      if ((it->checkBucket != kNoCheck && !sameSizeGrow(h)) || top == kEvacuatedX ||
          top == kEvacuatedY) {
        it->ck = k;
        it->ce = e;
        it->ctop = top;
        return true;
      }
      it->key = k;
      it->elem = deref(e, g.ie);
      return false;
    }
    it->bptr = g.overflow(b);
    it->i = 0;
  }
}

void mapiternext(hiter *it) {
  hmap *h = it->h;
  const MapType *t = it->t;
  if (loadflags(h) & kHashWriting)
    fatalIterWrite();
  // The scan and the slow checks are separate calls, so their frames are
  // not stacked on the goroutine.
  while (iterScan(it)) {
    bool ie = t->elemsize > kMaxElemSize;
    if (it->checkBucket != kNoCheck && !sameSizeGrow(h) &&
        !iterOwns(t, h, it, it->ck, it->checkBucket, it->ctop))
      continue;
    if (it->ctop != kEvacuatedX && it->ctop != kEvacuatedY) { // still here
      it->key = it->ck;
      it->elem = deref(it->ce, ie);
      return;
    }
    if (iterMoved(t, h, it, it->ck, it->ce, ie))
      return;
  }
}

} // namespace glrt

// ---- entry points (abi.def) ----
// -race: each operation is a read or write of the map header at the
// caller's PC (Go's racereadpc/racewritepc), so maps written without
// synchronisation are reported as a data race at the map operation.
//
// Preemption: every access, assign, delete and iterator step first checks
// for a preemption request (preemptCheck: a TLS load, a byte load and a
// not-taken branch; the yield is out of line), as Go's mapaccess*/
// mapassign*/mapdelete*/mapiter* are functions whose prologue is a
// preemption point. glrt's C++ has no split-stack prologue, so without it
// a loop whose body is only a map operation (LLVM deletes everything else
// in, e.g., `for !stop { _ = m[k] }`) had no cooperative preemption point:
// with GODEBUG=asyncpreemptoff=1 it held its P for good, and with signals
// only a SIGURG landing on the loop's few instructions of generated code
// (rather than in the runtime, where the handler declines) could stop it
// (lit preempt/map_loop). The check is at the entry, before any map state
// is touched: a G yields there holding nothing (no hashWriting flag set,
// no pointers into a bucket). Each entry point is the check and a
// guaranteed tail call (musttail: a jmp, so the caller's PC for -race and
// the frame chain for panics are unchanged) of its body, <name>_entry:
// the yield then runs below a 16-byte frame rather than below the body's
// (~180 bytes of saved registers and locals for the faststr family, set
// up before its first instruction), which took them past the budget
// (AbiStackTest.PreemptCheckYieldFitsTheNosplitBudget).

using namespace glrt;

void *glrt_makemap(void *t, int64_t hint) {
  void *h = makemap(static_cast<const MapType *>(t), hint);
  glrt::gcSafePoint(); // a call from generated code: may yield to the collector
  return h;
}

[[gnu::noinline]] static void *mapaccess1_entry(void *t, void *h, void *key) {
  if (raceenabled && h)
    racereadpc(h, RACE_CALLERPC()); // go1.19's map race checks
  return mapaccess1(static_cast<const MapType *>(t), static_cast<hmap *>(h), key);
}
void *glrt_mapaccess1(void *t, void *h, void *key) {
  preemptCheck();
  [[clang::musttail]] return mapaccess1_entry(t, h, key);
}

[[gnu::noinline]] static void *mapaccess1_fat_entry(void *t, void *h, void *key, void *zero) {
  if (raceenabled && h)
    racereadpc(h, RACE_CALLERPC()); // go1.19's map race checks
  auto *mt = static_cast<const MapType *>(t);
  auto *hm = static_cast<hmap *>(h);
  if (genericEmpty(mt, hm, key))
    return zero;
  void *e = genericLookup(mt, hm, key);
  return e ? e : zero;
}
void *glrt_mapaccess1_fat(void *t, void *h, void *key, void *zero) {
  preemptCheck();
  [[clang::musttail]] return mapaccess1_fat_entry(t, h, key, zero);
}

[[gnu::noinline]] static glrt_pair mapaccess2_entry(void *t, void *h, void *key) {
  if (raceenabled && h)
    racereadpc(h, RACE_CALLERPC()); // go1.19's map race checks
  auto *mt = static_cast<const MapType *>(t);
  auto *hm = static_cast<hmap *>(h);
  void *e = genericEmpty(mt, hm, key) ? nullptr : genericLookup(mt, hm, key);
  return e ? glrt_pair{e, 1} : glrt_pair{const_cast<uint8_t *>(zeroVal), 0};
}
glrt_pair glrt_mapaccess2(void *t, void *h, void *key) {
  preemptCheck();
  [[clang::musttail]] return mapaccess2_entry(t, h, key);
}

[[gnu::noinline]] static void *mapassign_entry(void *t, void *h, void *key) {
  if (raceenabled && h)
    racewritepc(h, RACE_CALLERPC()); // go1.19's map race checks
  return mapassign(static_cast<const MapType *>(t), static_cast<hmap *>(h), key);
}
void *glrt_mapassign(void *t, void *h, void *key) {
  preemptCheck();
  [[clang::musttail]] return mapassign_entry(t, h, key);
}

[[gnu::noinline]] static void mapdelete_entry(void *t, void *h, void *key) {
  if (raceenabled && h)
    racewritepc(h, RACE_CALLERPC()); // go1.19's map race checks
  mapdelete(static_cast<const MapType *>(t), static_cast<hmap *>(h), key);
}
void glrt_mapdelete(void *t, void *h, void *key) {
  preemptCheck();
  [[clang::musttail]] return mapdelete_entry(t, h, key);
}

[[gnu::noinline]] static void *mapaccess1_fast64_entry(void *t, void *h, int64_t key) {
  if (raceenabled && h)
    racereadpc(h, RACE_CALLERPC()); // go1.19's map race checks
  return access1<Key64>(static_cast<const MapType *>(t), static_cast<hmap *>(h), uint64_t(key));
}
void *glrt_mapaccess1_fast64(void *t, void *h, int64_t key) {
  preemptCheck();
  [[clang::musttail]] return mapaccess1_fast64_entry(t, h, key);
}

[[gnu::noinline]] static glrt_pair mapaccess2_fast64_entry(void *t, void *h, int64_t key) {
  if (raceenabled && h)
    racereadpc(h, RACE_CALLERPC()); // go1.19's map race checks
  return access2<Key64>(static_cast<const MapType *>(t), static_cast<hmap *>(h), uint64_t(key));
}
glrt_pair glrt_mapaccess2_fast64(void *t, void *h, int64_t key) {
  preemptCheck();
  [[clang::musttail]] return mapaccess2_fast64_entry(t, h, key);
}

[[gnu::noinline]] static void *mapassign_fast64_entry(void *t, void *h, int64_t key) {
  if (raceenabled && h)
    racewritepc(h, RACE_CALLERPC()); // go1.19's map race checks
  return assign<Key64>(static_cast<const MapType *>(t), static_cast<hmap *>(h), uint64_t(key));
}
void *glrt_mapassign_fast64(void *t, void *h, int64_t key) {
  preemptCheck();
  [[clang::musttail]] return mapassign_fast64_entry(t, h, key);
}

[[gnu::noinline]] static void mapdelete_fast64_entry(void *t, void *h, int64_t key) {
  if (raceenabled && h)
    racewritepc(h, RACE_CALLERPC()); // go1.19's map race checks
  del<Key64>(static_cast<const MapType *>(t), static_cast<hmap *>(h), uint64_t(key));
}
void glrt_mapdelete_fast64(void *t, void *h, int64_t key) {
  preemptCheck();
  [[clang::musttail]] return mapdelete_fast64_entry(t, h, key);
}

[[gnu::noinline]] static void *mapaccess1_faststr_entry(void *t, void *h, void *p, int64_t n) {
  if (raceenabled && h)
    racereadpc(h, RACE_CALLERPC()); // go1.19's map race checks
  GoString s{static_cast<const uint8_t *>(p), n};
  return access1<KeyStr>(static_cast<const MapType *>(t), static_cast<hmap *>(h), s);
}
void *glrt_mapaccess1_faststr(void *t, void *h, void *p, int64_t n) {
  preemptCheck();
  [[clang::musttail]] return mapaccess1_faststr_entry(t, h, p, n);
}

[[gnu::noinline]] static glrt_pair mapaccess2_faststr_entry(void *t, void *h, void *p, int64_t n) {
  if (raceenabled && h)
    racereadpc(h, RACE_CALLERPC()); // go1.19's map race checks
  GoString s{static_cast<const uint8_t *>(p), n};
  return access2<KeyStr>(static_cast<const MapType *>(t), static_cast<hmap *>(h), s);
}
glrt_pair glrt_mapaccess2_faststr(void *t, void *h, void *p, int64_t n) {
  preemptCheck();
  [[clang::musttail]] return mapaccess2_faststr_entry(t, h, p, n);
}

[[gnu::noinline]] static void *mapassign_faststr_entry(void *t, void *h, void *p, int64_t n) {
  if (raceenabled && h)
    racewritepc(h, RACE_CALLERPC()); // go1.19's map race checks
  GoString s{static_cast<const uint8_t *>(p), n};
  return assign<KeyStr>(static_cast<const MapType *>(t), static_cast<hmap *>(h), s);
}
void *glrt_mapassign_faststr(void *t, void *h, void *p, int64_t n) {
  preemptCheck();
  [[clang::musttail]] return mapassign_faststr_entry(t, h, p, n);
}

[[gnu::noinline]] static void mapdelete_faststr_entry(void *t, void *h, void *p, int64_t n) {
  if (raceenabled && h)
    racewritepc(h, RACE_CALLERPC()); // go1.19's map race checks
  GoString s{static_cast<const uint8_t *>(p), n};
  del<KeyStr>(static_cast<const MapType *>(t), static_cast<hmap *>(h), s);
}
void glrt_mapdelete_faststr(void *t, void *h, void *p, int64_t n) {
  preemptCheck();
  [[clang::musttail]] return mapdelete_faststr_entry(t, h, p, n);
}

[[gnu::noinline]] static void mapiterinit_entry(void *t, void *h, void *it) {
  if (raceenabled && h)
    racereadpc(h, RACE_CALLERPC()); // go1.19's map race checks
  mapiterinit(static_cast<const MapType *>(t), static_cast<hmap *>(h), static_cast<hiter *>(it));
}
void glrt_mapiterinit(void *t, void *h, void *it) {
  preemptCheck();
  [[clang::musttail]] return mapiterinit_entry(t, h, it);
}

[[gnu::noinline]] static void mapiternext_entry(void *it) {
  mapiternext(static_cast<hiter *>(it));
}
void glrt_mapiternext(void *it) {
  preemptCheck();
  [[clang::musttail]] return mapiternext_entry(it);
}
