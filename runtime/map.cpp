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
//    offset is a multiple of 8 (Go sizes are multiples of their alignment,
//    which is at most 8), so for a collector a bucket's pointer words are:
//    the key slots' words where the key type's gcdata says so (all of them
//    when indirect), likewise the elems, and the overflow word. Buckets and
//    overflow buckets come from mallocgc (zeroed); nothing is freed (no GC).
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
// Stack: every entry point runs on the goroutine's stack within the
// 256-byte budget (abi_stack_test.cpp measures them): bucket arrays and
// overflow buckets come from mallocgc (whose slow paths switch to g0 by
// themselves); evacuate's frame is kept small; hashing struct keys that
// contain strings/floats/interfaces walks the type on g0 (alg.cpp).
//===----------------------------------------------------------------------===//
#include "map.h"

#include "abi.h"
#include "alg.h"
#include "malloc.h"
#include "panic.h"

#include <string.h>

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

// Bucket geometry, from the map type.
struct Geo {
  uintptr_t ks, es; // slot sizes (8 when indirect)
  bool ik, ie;      // indirect key / elem
  explicit Geo(const MapType *t) {
    ik = t->key->size > kMaxKeySize;
    ie = t->elem->size > kMaxElemSize;
    ks = ik ? sizeof(void *) : t->key->size;
    es = ie ? sizeof(void *) : t->elem->size;
  }
  uintptr_t bucketsize() const { return kBucketCnt * (1 + ks + es) + sizeof(void *); }
  char *key(bmap *b, uintptr_t i) const { return reinterpret_cast<char *>(b) + kBucketCnt + i * ks; }
  char *elem(bmap *b, uintptr_t i) const {
    return reinterpret_cast<char *>(b) + kBucketCnt * (1 + ks) + i * es;
  }
  bmap **overflowp(bmap *b) const {
    return reinterpret_cast<bmap **>(reinterpret_cast<char *>(b) + bucketsize() - sizeof(void *));
  }
  bmap *overflow(bmap *b) const { return *overflowp(b); }
  bmap *bucket(bmap *a, uintptr_t i) const {
    return reinterpret_cast<bmap *>(reinterpret_cast<char *>(a) + i * bucketsize());
  }
};

inline void *deref(void *p, bool indirect) { return indirect ? *static_cast<void **>(p) : p; }

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

[[noreturn]] __attribute__((noinline)) void fatalConcurrentWrites() { fatal("concurrent map writes"); }
[[noreturn]] __attribute__((noinline)) void fatalReadWrite() {
  fatal("concurrent map read and map write");
}
[[noreturn]] __attribute__((noinline)) void fatalIterWrite() {
  fatal("concurrent map iteration and map write");
}

bmap *makeBucketArray(const Geo &g, uint8_t B) {
  return static_cast<bmap *>(mallocgc(g.bucketsize() << B));
}

// Go's incrnoverflow: exact below 2^16 buckets, then counted with
// probability 1/2^(B-15) so noverflow stays an estimate that fits 16 bits.
void incrnoverflow(hmap *h) {
  if (h->B < 16) {
    h->noverflow++;
    return;
  }
  uint32_t mask = (uint32_t(1) << (h->B - 15)) - 1;
  if ((rand64() & mask) == 0)
    h->noverflow++;
}

bmap *newoverflow(const Geo &g, hmap *h, bmap *b) {
  bmap *ovf = static_cast<bmap *>(mallocgc(g.bucketsize()));
  incrnoverflow(h);
  *g.overflowp(b) = ovf;
  return ovf;
}

void hashGrow(const MapType *t, hmap *h) {
  Geo g(t);
  uint8_t bigger = 1;
  uint8_t flags = loadflags(h);
  if (!overLoadFactor(h->count + 1, h->B)) {
    bigger = 0;
    flags |= kSameSizeGrow;
  }
  bmap *newbuckets = makeBucketArray(g, uint8_t(h->B + bigger));
  h->oldbuckets = h->buckets;
  h->buckets = newbuckets;
  h->B = uint8_t(h->B + bigger);
  storeflags(h, flags);
  h->nevacuate = 0;
  h->noverflow = 0;
}

// Where evacuation writes next in one half (X or Y) of the new array.
struct evacDst {
  bmap *b;
  uintptr_t i;
};

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
    h->oldbuckets = nullptr;
    storeflags(h, loadflags(h) & ~kSameSizeGrow);
  }
}

__attribute__((noinline)) void evacuate(const MapType *t, hmap *h, uintptr_t oldbucket) {
  Geo g(t);
  bmap *b = g.bucket(h->oldbuckets, oldbucket);
  uintptr_t newbit = noldbuckets(h);
  if (!evacuated(b)) {
    evacDst xy[2];
    xy[0] = {g.bucket(h->buckets, oldbucket), 0};
    xy[1] = {sameSizeGrow(h) ? nullptr : g.bucket(h->buckets, oldbucket + newbit), 0};
    for (; b != nullptr; b = g.overflow(b)) {
      for (uintptr_t i = 0; i < kBucketCnt; i++) {
        uint8_t top = b->tophash[i];
        if (isEmpty(top)) {
          b->tophash[i] = kEvacuatedEmpty;
          continue;
        }
        char *k = g.key(b, i);
        void *k2 = deref(k, g.ik);
        uintptr_t useY = 0;
        if (xy[1].b != nullptr) {
          if (!reflexive(t, k2)) {
            // A NaN: its hash is random; split by the old tophash's low
            // bit (mapiternext decides ownership by the same bit) and
            // give it a fresh tophash.
            useY = top & 1;
            top = tophash(hashkey(t, k2, h->hash0));
          } else if (hashkey(t, k2, h->hash0) & newbit) {
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
        memcpy(g.key(dst->b, dst->i), k, g.ks);
        memcpy(g.elem(dst->b, dst->i), g.elem(b, i), g.es);
        dst->i++;
      }
    }
    // The old bucket's keys and elems stay: an iterator that started
    // before the growth may still read them (no GC to release them yet;
    // a collector would clear them when no iterator can be looking).
  }
  if (oldbucket == h->nevacuate)
    advanceEvacuationMark(g, h, newbit);
}

// Evacuation's frame (two destinations, the geometry, hashing) does not
// fit the goroutine's 256-byte budget next to the entry point's: it runs
// on g0 (one switch per growing operation).
__attribute__((noinline)) void growWork(const MapType *t, hmap *h, uintptr_t bucket) {
  struct Args {
    const MapType *t;
    hmap *h;
    uintptr_t bucket;
  } a{t, h, bucket};
  onsystemstack(
      [](void *v) {
        Args *a = static_cast<Args *>(v);
        // The old bucket this operation is about to use, then one more.
        evacuate(a->t, a->h, a->bucket & (noldbuckets(a->h) - 1));
        if (growing(a->h))
          evacuate(a->t, a->h, a->h->nevacuate);
      },
      &a);
}

// ---- key policies: the generic path (key by address, hashed and compared
// through the type) and the fast paths for 8-byte plain-memory keys and
// strings (Go's mapaccess1_fast64 / _faststr), one template for all.

struct GenericKey {
  using K = const void *;
  static uintptr_t hash(const MapType *t, K k, uintptr_t seed) { return hashkey(t, k, seed); }
  static bool equal(const MapType *t, K k, const void *slot) { return t->key->equal(k, slot); }
  static void store(const MapType *t, void *slot, K k) { memmove(slot, k, t->key->size); }
  static const void *addr(const K &k) { return k; }
};

struct Key64 {
  using K = uint64_t;
  static uintptr_t hash(const MapType *, K k, uintptr_t seed) { return memhash64(&k, seed); }
  static bool equal(const MapType *, K k, const void *slot) {
    uint64_t v;
    memcpy(&v, slot, 8);
    return v == k;
  }
  static void store(const MapType *, void *slot, K k) { memcpy(slot, &k, 8); }
  static const void *addr(const K &k) { return &k; }
};

struct KeyStr {
  using K = GoString;
  static uintptr_t hash(const MapType *, K k, uintptr_t seed) {
    return memhash(k.str, seed, uintptr_t(k.len));
  }
  static bool equal(const MapType *, K k, const void *slot) {
    const GoString *s = static_cast<const GoString *>(slot);
    return s->len == k.len && (s->str == k.str || memcmp(s->str, k.str, size_t(k.len)) == 0);
  }
  static void store(const MapType *, void *slot, K k) { memcpy(slot, &k, sizeof k); }
  static const void *addr(const K &k) { return &k; }
};

// Lookup: the key's slot and elem slot (resolved), or nulls.
template <class P> inline void *lookup(const MapType *t, hmap *h, typename P::K key, void **kslot) {
  if (loadflags(h) & kHashWriting)
    fatalReadWrite();
  Geo g(t);
  uintptr_t hash = P::hash(t, key, h->hash0);
  uintptr_t m = bucketMask(h->B);
  bmap *b = g.bucket(h->buckets, hash & m);
  if (bmap *c = h->oldbuckets) {
    if (!sameSizeGrow(h))
      m >>= 1; // the old array had half as many buckets
    bmap *oldb = g.bucket(c, hash & m);
    if (!evacuated(oldb))
      b = oldb;
  }
  uint8_t top = tophash(hash);
  for (; b != nullptr; b = g.overflow(b)) {
    for (uintptr_t i = 0; i < kBucketCnt; i++) {
      if (b->tophash[i] != top) {
        if (b->tophash[i] == kEmptyRest)
          return nullptr;
        continue;
      }
      void *k = deref(g.key(b, i), g.ik);
      if (P::equal(t, key, k)) {
        if (kslot)
          *kslot = k;
        return deref(g.elem(b, i), g.ie);
      }
    }
  }
  return nullptr;
}

// The elem slot for key, inserting the key if it is absent.
template <class P> inline void *assign(const MapType *t, hmap *h, typename P::K key) {
  if (h == nullptr)
    panicNilMapWrite(reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
  if (loadflags(h) & kHashWriting)
    fatalConcurrentWrites();
  Geo g(t);
  uintptr_t hash = P::hash(t, key, h->hash0);
  // Set after hashing: the hash may panic, and then no write happened.
  storeflags(h, loadflags(h) ^ kHashWriting);
  if (h->buckets == nullptr)
    h->buckets = makeBucketArray(g, 0);

  void *elem;
again:
  {
    uintptr_t bucket = hash & bucketMask(h->B);
    if (growing(h))
      growWork(t, h, bucket);
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
      void *kmem = mallocgc(t->key->size);
      *reinterpret_cast<void **>(kslot) = kmem;
      kslot = static_cast<char *>(kmem);
    }
    if (g.ie)
      *static_cast<void **>(elem) = mallocgc(t->elem->size);
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

template <class P> inline void del(const MapType *t, hmap *h, typename P::K key) {
  if (h == nullptr || h->count == 0) {
    if (hashMightPanic(t->key))
      P::hash(t, key, 0); // panics for an unhashable interface key
    return;
  }
  if (loadflags(h) & kHashWriting)
    fatalConcurrentWrites();
  Geo g(t);
  uintptr_t hash = P::hash(t, key, h->hash0);
  storeflags(h, loadflags(h) ^ kHashWriting);
  uintptr_t bucket = hash & bucketMask(h->B);
  if (growing(h))
    growWork(t, h, bucket);
  bmap *b = g.bucket(h->buckets, bucket);
  bmap *bOrig = b;
  uint8_t top = tophash(hash);
  for (; b != nullptr; b = g.overflow(b)) {
    for (uintptr_t i = 0; i < kBucketCnt; i++) {
      if (b->tophash[i] != top) {
        if (b->tophash[i] == kEmptyRest)
          goto out;
        continue;
      }
      char *kslot = g.key(b, i);
      if (!P::equal(t, key, deref(kslot, g.ik)))
        continue;
      // Clear the slot: a later insert there hands out a zero elem (the
      // compiler's m[k] op= v relies on it).
      memset(kslot, 0, g.ks);
      memset(g.elem(b, i), 0, g.es);
      b->tophash[i] = kEmptyOne;
      // If the bucket now ends in empty slots, turn the trailing run of
      // emptyOne into emptyRest (walking back through the chain).
      if (i == kBucketCnt - 1) {
        bmap *ovf = g.overflow(b);
        if (ovf != nullptr && ovf->tophash[0] != kEmptyRest)
          goto notLast;
      } else if (b->tophash[i + 1] != kEmptyRest) {
        goto notLast;
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
    notLast:
      h->count--;
      if (h->count == 0) // a fresh seed, so an attacker cannot keep colliding
        h->hash0 = uintptr_t(rand64());
      goto out;
    }
  }
out:
  if ((loadflags(h) & kHashWriting) == 0)
    fatalConcurrentWrites();
  storeflags(h, loadflags(h) & ~kHashWriting);
}

template <class P> inline void *access1(const MapType *t, hmap *h, typename P::K key) {
  if (h == nullptr || h->count == 0) {
    if (hashMightPanic(t->key))
      P::hash(t, key, 0);
    return const_cast<uint8_t *>(zeroVal);
  }
  void *e = lookup<P>(t, h, key, nullptr);
  return e ? e : const_cast<uint8_t *>(zeroVal);
}

template <class P> inline glrt_pair access2(const MapType *t, hmap *h, typename P::K key) {
  if (h == nullptr || h->count == 0) {
    if (hashMightPanic(t->key))
      P::hash(t, key, 0);
    return {const_cast<uint8_t *>(zeroVal), 0};
  }
  void *e = lookup<P>(t, h, key, nullptr);
  return e ? glrt_pair{e, 1} : glrt_pair{const_cast<uint8_t *>(zeroVal), 0};
}

} // namespace

[[noreturn]] void panicNilMapWrite(uintptr_t fp) {
  // Go: panic(plainError("assignment to entry in nil map")) -- a
  // runtime.Error whose text has no "runtime error: " prefix. Printed
  // through the string panic until runtime.Error values exist.
  (void)fp;
  static const char msg[] = "assignment to entry in nil map";
  glrt_gopanicstring(const_cast<char *>(msg), int64_t(sizeof msg - 1), nullptr, 0);
}

hmap *makemap(const MapType *t, int64_t hint) {
  Geo g(t);
  // Go ignores hints that are negative or whose buckets would not fit.
  if (hint < 0 || uint64_t(hint) > kMaxAlloc / g.bucketsize())
    hint = 0;
  hmap *h = static_cast<hmap *>(mallocgc(sizeof(hmap)));
  h->hash0 = uintptr_t(rand64());
  uint8_t B = 0;
  while (overLoadFactor(hint, B))
    B++;
  h->B = B;
  if (B != 0) // small maps get their bucket at the first insert
    h->buckets = makeBucketArray(g, B);
  return h;
}

void *mapaccess1(const MapType *t, hmap *h, const void *key) {
  return access1<GenericKey>(t, h, key);
}

void *mapaccess2(const MapType *t, hmap *h, const void *key, bool *ok) {
  glrt_pair r = access2<GenericKey>(t, h, key);
  *ok = r.n != 0;
  return r.p;
}

void *mapassign(const MapType *t, hmap *h, const void *key) {
  return assign<GenericKey>(t, h, key);
}

void mapdelete(const MapType *t, hmap *h, const void *key) { del<GenericKey>(t, h, key); }

// Go's mapaccessK: the current key and elem slots of key (for the iterator).
static bool mapaccessK(const MapType *t, hmap *h, const void *key, void **k, void **e) {
  if (h == nullptr || h->count == 0)
    return false;
  *e = lookup<GenericKey>(t, h, key, k);
  return *e != nullptr;
}

void mapiterinit(const MapType *t, hmap *h, hiter *it) {
  it->key = nullptr;
  it->elem = nullptr;
  it->t = t;
  it->h = h;
  if (h == nullptr || h->count == 0)
    return;
  it->B = h->B;
  it->buckets = h->buckets;
  uint64_t r = rand64();
  it->startBucket = uintptr_t(r) & bucketMask(h->B);
  it->offset = uint8_t((r >> h->B) & (kBucketCnt - 1));
  it->bucket = it->startBucket;
  it->bptr = nullptr;
  it->wrapped = false;
  it->i = 0;
  it->checkBucket = kNoCheck;
  mapiternext(it);
}

void mapiternext(hiter *it) {
  hmap *h = it->h;
  const MapType *t = it->t;
  if (loadflags(h) & kHashWriting)
    fatalIterWrite();
  Geo g(t);
  uintptr_t bucket = it->bucket;
  bmap *b = it->bptr;
  uintptr_t i = it->i;
  uintptr_t checkBucket = it->checkBucket;
  for (;;) {
    if (b == nullptr) {
      if (bucket == it->startBucket && it->wrapped) { // done
        it->key = nullptr;
        it->elem = nullptr;
        return;
      }
      if (growing(h) && it->B == h->B) {
        // Started during this growth: it->buckets is the new array. Walk
        // the old bucket instead if it has not been evacuated yet, keeping
        // only the entries that will move to this new bucket.
        uintptr_t oldbucket = bucket & (noldbuckets(h) - 1);
        b = g.bucket(h->oldbuckets, oldbucket);
        if (!evacuated(b)) {
          checkBucket = bucket;
        } else {
          b = g.bucket(it->buckets, bucket);
          checkBucket = kNoCheck;
        }
      } else {
        b = g.bucket(it->buckets, bucket);
        checkBucket = kNoCheck;
      }
      bucket++;
      if (bucket == bucketShift(it->B)) {
        bucket = 0;
        it->wrapped = true;
      }
      i = 0;
    }
    for (; i < kBucketCnt; i++) {
      uintptr_t offi = (i + it->offset) & (kBucketCnt - 1);
      uint8_t top = b->tophash[offi];
      if (isEmpty(top) || top == kEvacuatedEmpty)
        continue;
      void *k = deref(g.key(b, offi), g.ik);
      void *e = g.elem(b, offi);
      bool refl = true;
      if (checkBucket != kNoCheck && !sameSizeGrow(h)) {
        // An old bucket during a doubling: only keys bound for checkBucket.
        refl = reflexive(t, k);
        if (refl) {
          if ((hashkey(t, k, h->hash0) & bucketMask(it->B)) != checkBucket)
            continue;
        } else if ((checkBucket >> (it->B - 1)) != uintptr_t(top & 1)) {
          continue; // a NaN: evacuate sends it by this bit
        }
      }
      if ((top != kEvacuatedX && top != kEvacuatedY) || !(refl = reflexive(t, k))) {
        // Still here (or a NaN, which cannot be looked up: its copy here
        // is the one to return).
        it->key = k;
        it->elem = deref(e, g.ie);
      } else {
        // Moved by a growth after the iteration started: return the
        // current entry, or skip it if it has been deleted.
        void *rk, *re;
        if (!mapaccessK(t, h, k, &rk, &re))
          continue;
        it->key = rk;
        it->elem = re;
      }
      it->bucket = bucket;
      it->bptr = b;
      it->i = uint8_t(i + 1);
      it->checkBucket = checkBucket;
      return;
    }
    b = g.overflow(b);
    i = 0;
  }
}

} // namespace glrt

// ---- entry points (abi.def) ----
using namespace glrt;

void *glrt_makemap(void *t, int64_t hint) { return makemap(static_cast<const MapType *>(t), hint); }

void *glrt_mapaccess1(void *t, void *h, void *key) {
  return access1<GenericKey>(static_cast<const MapType *>(t), static_cast<hmap *>(h), key);
}

void *glrt_mapaccess1_fat(void *t, void *h, void *key, void *zero) {
  auto *mt = static_cast<const MapType *>(t);
  auto *hm = static_cast<hmap *>(h);
  if (hm == nullptr || hm->count == 0) {
    if (hashMightPanic(mt->key))
      hashkey(mt, key, 0);
    return zero;
  }
  void *e = lookup<GenericKey>(mt, hm, key, nullptr);
  return e ? e : zero;
}

glrt_pair glrt_mapaccess2(void *t, void *h, void *key) {
  return access2<GenericKey>(static_cast<const MapType *>(t), static_cast<hmap *>(h), key);
}

void *glrt_mapassign(void *t, void *h, void *key) {
  return assign<GenericKey>(static_cast<const MapType *>(t), static_cast<hmap *>(h), key);
}

void glrt_mapdelete(void *t, void *h, void *key) {
  del<GenericKey>(static_cast<const MapType *>(t), static_cast<hmap *>(h), key);
}

void *glrt_mapaccess1_fast64(void *t, void *h, int64_t key) {
  return access1<Key64>(static_cast<const MapType *>(t), static_cast<hmap *>(h), uint64_t(key));
}

glrt_pair glrt_mapaccess2_fast64(void *t, void *h, int64_t key) {
  return access2<Key64>(static_cast<const MapType *>(t), static_cast<hmap *>(h), uint64_t(key));
}

void *glrt_mapassign_fast64(void *t, void *h, int64_t key) {
  return assign<Key64>(static_cast<const MapType *>(t), static_cast<hmap *>(h), uint64_t(key));
}

void glrt_mapdelete_fast64(void *t, void *h, int64_t key) {
  del<Key64>(static_cast<const MapType *>(t), static_cast<hmap *>(h), uint64_t(key));
}

void *glrt_mapaccess1_faststr(void *t, void *h, void *p, int64_t n) {
  GoString s{static_cast<const uint8_t *>(p), n};
  return access1<KeyStr>(static_cast<const MapType *>(t), static_cast<hmap *>(h), s);
}

glrt_pair glrt_mapaccess2_faststr(void *t, void *h, void *p, int64_t n) {
  GoString s{static_cast<const uint8_t *>(p), n};
  return access2<KeyStr>(static_cast<const MapType *>(t), static_cast<hmap *>(h), s);
}

void *glrt_mapassign_faststr(void *t, void *h, void *p, int64_t n) {
  GoString s{static_cast<const uint8_t *>(p), n};
  return assign<KeyStr>(static_cast<const MapType *>(t), static_cast<hmap *>(h), s);
}

void glrt_mapdelete_faststr(void *t, void *h, void *p, int64_t n) {
  GoString s{static_cast<const uint8_t *>(p), n};
  del<KeyStr>(static_cast<const MapType *>(t), static_cast<hmap *>(h), s);
}

void glrt_mapiterinit(void *t, void *h, void *it) {
  mapiterinit(static_cast<const MapType *>(t), static_cast<hmap *>(h), static_cast<hiter *>(it));
}

void glrt_mapiternext(void *it) { mapiternext(static_cast<hiter *>(it)); }
