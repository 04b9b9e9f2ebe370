//===- trace_test.cpp - GODEBUG=tracefile buffers and schedseed's generator ===//
//
// The trace's per-P/per-M buffers under real concurrency (goroutines on
// several Ms and plain threads writing at once, several buffers' worth
// each: without a file every buffer wraps into retained copies, with one
// every buffer is written out several times), the per-P ordering the
// formatter relies on, the JSON file, and schedseed's generator plumbing
// (same seed, same choices). Tracing is turned on for this file's tests only and
// flushed (which turns it off for good) by the last one.
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "proc.h"
#include "schedseed.h"
#include "trace.h"

#include "sched_harness.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <map>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace glrt;

namespace {

constexpr int kGoroutines = 6;
constexpr int kYields = 2000;  // 2 events each: > 2 chunks per P in total
constexpr int kThreads = 3;
constexpr int kThreadEvents = 5000; // ~3 chunks each through the shared buffer
constexpr int64_t kMarker = 0x7ace;

std::vector<traceEvent> snapshot() {
  std::vector<traceEvent> v(1 << 16);
  for (;;) {
    int64_t n = traceSnapshotForTest(v.data(), int64_t(v.size()));
    if (n <= int64_t(v.size())) {
      v.resize(size_t(n));
      return v;
    }
    v.resize(size_t(n) * 2);
  }
}

// Runs kGoroutines goroutines that each Gosched kYields times, while
// kThreads plain threads write marker events, with tracing on.
void workload(std::vector<int64_t> *goids) {
  glrt_test::ensureSched();
  traceEnableForTest(true);
  std::atomic<int> done{0};
  std::atomic<int64_t> ids[kGoroutines];
  for (int i = 0; i < kGoroutines; i++) {
    glrt_test::go([&, i] {
      ids[i].store(getg()->goid);
      for (int k = 0; k < kYields; k++)
        glrt_Gosched();
      done.fetch_add(1);
    });
  }
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; t++)
    ts.emplace_back([t] {
      for (int k = 0; k < kThreadEvents; k++)
        traceGoEvent(traceEvGCStart, 0, kMarker + t, k); // a reserved kind, as a marker
    });
  for (auto &t : ts)
    t.join();
  while (done.load() < kGoroutines)
    ::usleep(1000);
  for (int i = 0; i < kGoroutines; i++)
    goids->push_back(ids[i].load());
}

// The events of P buffer b from word `from` to its end, a switch as its
// stop and its start (traceDecode).
std::vector<traceEvent> decodeFrom(traceBuf *b, uint32_t from) {
  std::vector<traceEvent> got;
  uint32_t n = b->n.load();
  for (uint32_t i = from; i < n;) {
    traceEvent e[2];
    uint32_t k;
    i += traceDecode(b, i, e, &k);
    got.insert(got.end(), e, e + k);
  }
  return got;
}

} // namespace

TEST(TraceTest, BuffersWrapWithoutLosingEventsUnderConcurrency) {
  std::vector<int64_t> goids;
  workload(&goids);
  std::vector<traceEvent> evs = snapshot();
  EXPECT_EQ(traceDroppedForTest(), 0);
  EXPECT_GT(evs.size(), size_t(2 * traceBuf::cap)) << "the workload must fill several buffers";
  // Every goroutine: created once, its Gosched stops all there, and as many
  // starts as stops (each run ends in a Gosched, or in its exit).
  for (int64_t id : goids) {
    int creates = 0, starts = 0, gosched = 0, exits = 0;
    for (const traceEvent &e : evs) {
      if (e.g != id)
        continue;
      creates += e.kind == traceEvGoCreate;
      starts += e.kind == traceEvGoStart;
      gosched += e.kind == traceEvGoStop && e.reason == traceStopGosched;
      exits += e.kind == traceEvGoStop && e.reason == traceStopExit;
    }
    EXPECT_EQ(creates, 1) << "G" << id;
    EXPECT_EQ(gosched, kYields) << "G" << id;
    EXPECT_EQ(exits, 1) << "G" << id;
    EXPECT_EQ(starts, gosched + exits) << "G" << id;
  }
  // The plain threads' markers: all present, each thread's in its order.
  for (int t = 0; t < kThreads; t++) {
    int64_t next = 0;
    for (const traceEvent &e : evs)
      if (e.kind == traceEvGCStart && e.a == kMarker + t) {
        EXPECT_EQ(e.b, next) << "thread " << t;
        next = e.b + 1;
      }
    EXPECT_EQ(next, kThreadEvents) << "thread " << t;
  }
}

// Within one P's stream (program order of whichever M held the P, across
// chunk boundaries), time never goes backwards and a G's run is a start
// followed by its stop on that P before the next start there.
TEST(TraceTest, EventsArePerPOrdered) {
  std::vector<traceEvent> evs = snapshot();
  std::map<int, std::vector<traceEvent>> byP;
  // The snapshot gives each buffer's events in write order; starts and
  // stops are written to the P's own buffer.
  for (const traceEvent &e : evs)
    if (e.p >= 0 && (e.kind == traceEvGoStart || e.kind == traceEvGoStop))
      byP[e.p].push_back(e);
  ASSERT_FALSE(byP.empty());
  for (auto &[pid, v] : byP) {
    // cputicks is a bare rdtsc (trace.h): a read may execute a few cycles
    // before the code ahead of it, so allow that much (the flush clamps).
    constexpr int64_t kSkewTicks = 1000;
    for (size_t i = 1; i < v.size(); i++)
      ASSERT_LE(v[i - 1].ts, v[i].ts + kSkewTicks) << "P" << pid << " event " << i << ": time went backwards";
    int64_t running = 0;
    for (const traceEvent &e : v) {
      // Tracing was turned on while a G (of an earlier test) ran: the
      // stream may begin with its stop.
      if (&e == &v[0] && e.kind == traceEvGoStop)
        continue;
      if (e.kind == traceEvGoStart) {
        EXPECT_EQ(running, 0) << "P" << pid << ": G" << e.g << " started while G" << running << " runs";
        running = e.g;
      } else {
        EXPECT_EQ(running, e.g) << "P" << pid << ": G" << e.g << " stopped but G" << running << " runs";
        running = 0;
      }
    }
  }
}

// The compact encoding (trace.h's traceBuf): a and b of every size come
// back as written (a small a rides in the first word, others in their own),
// as do the goid, the reason and the writer's M and P (-1 here: a plain
// thread), in write order.
TEST(TraceTest, EncodingRoundTrips) {
  traceEnableForTest(true);
  const int64_t as[] = {0, 1, 15, 16, -1, INT64_MIN, INT64_MAX, 0x7ace0000};
  const int64_t bs[] = {0, 7, -7, INT64_MAX};
  constexpr int64_t kTag = 0xC0DE;
  std::thread t([&] {
    for (int64_t a : as)
      for (int64_t b : bs)
        traceGoEvent(traceEvGCMarkDone, kTag, a, b, uint8_t(a & 7)); // a reserved kind, as a marker
  });
  t.join();
  std::vector<traceEvent> got;
  for (const traceEvent &e : snapshot())
    if (e.kind == traceEvGCMarkDone && e.g == kTag)
      got.push_back(e);
  ASSERT_EQ(got.size(), std::size(as) * std::size(bs));
  size_t k = 0;
  for (int64_t a : as)
    for (int64_t b : bs) {
      EXPECT_EQ(got[k].a, a) << k;
      EXPECT_EQ(got[k].b, b) << k;
      EXPECT_EQ(got[k].reason, uint8_t(a & 7)) << k;
      EXPECT_EQ(got[k].p, -1) << k;
      EXPECT_EQ(got[k].m, -1) << k;
      k++;
    }
}

TEST(TraceTest, SameSeedSameChoices) {
  // A stand-in G/M/P on this thread, so seedrand() uses the P's generator.
  static p fakeP;
  static m fakeM;
  static g fakeG;
  fakeM.pp = &fakeP;
  fakeG.mp = &fakeM;
  g *saved = glrt_curg;
  glrt_curg = &fakeG;
  auto draw = [](uint64_t seed) {
    schedseedInit(seed, 4);
    fakeP.seedrand = seedrandInit(0);
    std::string s;
    for (int i = 0; i < 2000; i++) {
      s += seedRunnext() ? 'n' : 't';
      s += char('0' + seedrandn(7));
      s += seedPreemptHere() ? 'y' : '.';
    }
    return s;
  };
  std::string a = draw(42), b = draw(42), c = draw(43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // schedpreempt=4: about one point in four yields.
  size_t yields = 0;
  for (size_t i = 2; i < a.size(); i += 3)
    yields += a[i] == 'y';
  EXPECT_GT(yields, 400u);
  EXPECT_LT(yields, 600u);
  // Ps get distinct streams.
  EXPECT_NE(seedrandInit(0), seedrandInit(1));
  glrt_curg = saved;
  schedseedOn.store(false, std::memory_order_release); // the other tests run unseeded
}

// The switch (trace.h: traceBuf): a stop left pending and the start that
// follows are one recorded event, which traceDecode gives back as the
// GoStop and the GoStart at one timestamp, each with its fields; another
// event on the P writes a pending stop first, at its own timestamp; a
// wake-up number too large for the switch's word gives a separate stop and
// start, at one timestamp; an unblock packs its number in place of its M.
// On a stand-in G/M/P (not in allp: the snapshot
// and the flush do not see its buffer), decoded directly.
TEST(TraceTest, SwitchDecodesAsStopAndStart) {
  traceEnableForTest(true);
  static p fakeP;
  static m fakeM;
  static g fakeG;
  fakeP.id = 3;
  fakeM.id = 5;
  fakeM.pp = &fakeP;
  fakeG.mp = &fakeM;
  g *saved = glrt_curg;
  glrt_curg = &fakeG;
  traceGoUnblock(&fakeM, 7, 0, 1); // the P's first event makes its buffer (the slow path)
  traceBuf *b = fakeP.tracebuf;
  ASSERT_NE(b, nullptr);
  uint32_t n0 = b->n.load();
  traceGoStop(&fakeM, 7, 0, traceStopExit); // an exit is always left pending
  EXPECT_EQ(b->n.load(), n0) << "a pending stop writes no words";
  EXPECT_EQ(b->pendG, 7);
  traceGoStart(&fakeM, 9, 5);
  EXPECT_EQ(b->n.load(), n0 + 3) << "one switch: 3 words";
  // A park's wait reason that needs its own word, and the largest number
  // the switch carries (the park is left pending at GOMAXPROCS=1 only:
  // set by hand here).
  b->pendG = 9, b->pendA = 40, b->pendReason = traceStopPark;
  traceGoStart(&fakeM, 7, (1u << 24) - 1);
  b->pendG = 7, b->pendA = 3, b->pendReason = traceStopPark;
  traceGoStart(&fakeM, 9, 0);
  // Another event first: the stop is written before it, at its time.
  b->pendG = 9, b->pendA = 0, b->pendReason = traceStopGosched;
  traceGoUnblock(&fakeM, 11, 20, 2);
  // A number past 24 bits: a stop and a start, at one time.
  b->pendG = 11, b->pendA = 0, b->pendReason = traceStopGosched;
  traceGoStart(&fakeM, 12, 1u << 24);
  EXPECT_EQ(b->pendG, 0);
  // Unblocks: packed (the number in the M's bits: 16 bytes, the M not
  // recorded) below 2^24, else with the number in its own word.
  uint32_t nu = b->n.load();
  traceGoUnblock(&fakeM, 14, 3, 9);
  EXPECT_EQ(b->n.load(), nu + 2) << "a packed unblock by a small goid: 2 words";
  traceGoUnblock(&fakeM, 13, 0, 1u << 24);
  struct want {
    uint8_t kind;
    int64_t g, a, b;
    uint8_t reason;
    bool sameTs; // as the previous event's
    int32_t m = 5;
  };
  const want ws[] = {
      {traceEvGoStop, 7, 0, 0, traceStopExit, false},   {traceEvGoStart, 9, 0, 5, 0, true},
      {traceEvGoStop, 9, 40, 0, traceStopPark, false},  {traceEvGoStart, 7, 0, (1 << 24) - 1, 0, true},
      {traceEvGoStop, 7, 3, 0, traceStopPark, false},   {traceEvGoStart, 9, 0, 0, 0, true},
      {traceEvGoStop, 9, 0, 0, traceStopGosched, false}, {traceEvGoUnblock, 11, 20, 2, 0, true, -1},
      {traceEvGoStop, 11, 0, 0, traceStopGosched, false}, {traceEvGoStart, 12, 0, 1 << 24, 0, true},
      {traceEvGoUnblock, 14, 3, 9, 0, false, -1},       {traceEvGoUnblock, 13, 0, 1 << 24, 0, false},
  };
  std::vector<traceEvent> got = decodeFrom(b, n0);
  ASSERT_EQ(got.size(), std::size(ws));
  for (size_t i = 0; i < got.size(); i++) {
    EXPECT_EQ(got[i].kind, ws[i].kind) << i;
    EXPECT_EQ(got[i].g, ws[i].g) << i;
    EXPECT_EQ(got[i].a, ws[i].a) << i;
    EXPECT_EQ(got[i].b, ws[i].b) << i;
    EXPECT_EQ(got[i].reason, ws[i].reason) << i;
    EXPECT_EQ(got[i].p, 3) << i;
    EXPECT_EQ(got[i].m, ws[i].m) << i;
    if (i > 0 && ws[i].sameTs)
      EXPECT_EQ(got[i].ts, got[i - 1].ts) << i;
    if (i > 0)
      EXPECT_GE(got[i].ts, got[i - 1].ts) << i;
  }
  glrt_curg = saved;
}

// The stop stamped when it happens (GOMAXPROCS >= 2, traceGoStop): the
// switch gives the start the stop's timestamp, with no clock read, only
// when the started G's wake-up was recorded on this P (the fast unblock
// keeps its packed word in lastWake); any other start gets a GoStop at
// the stop's time and a GoStart at its own. On a stand-in G/M/P, as above.
TEST(TraceTest, StampedStopSharesItsTimeOnlyAfterThisPsWakeUp) {
  traceEnableForTest(true);
  static p fakeP;
  static m fakeM;
  static g fakeG;
  fakeP.id = 4;
  fakeM.id = 6;
  fakeM.pp = &fakeP;
  fakeG.mp = &fakeM;
  g *saved = glrt_curg;
  glrt_curg = &fakeG;
  int32_t oldprocs = gomaxprocs.load();
  gomaxprocs.store(2); // read by traceGoStop only; no scheduler runs on fakeP
  traceGoUnblock(&fakeM, 40, 0, 1); // makes the buffer (the slow path)
  traceBuf *b = fakeP.tracebuf;
  ASSERT_NE(b, nullptr);
  uint32_t n0 = b->n.load();
  traceGoUnblock(&fakeM, 41, 3, 7); // the fast path: a packed unblock
  EXPECT_EQ(b->lastWake, uint64_t(41) | uint64_t(7) << 40);
  traceGoStop(&fakeM, 40, 5, traceStopPark); // stamped now, left pending
  EXPECT_EQ(b->pendG, 40);
  EXPECT_NE(b->pendTs, 0u);
  EXPECT_EQ(b->n.load(), n0 + 2) << "a pending stop writes no words";
  uint64_t stopTs = b->pendTs;
  traceGoStart(&fakeM, 41, 7); // its wake-up is this P's last: one switch
  EXPECT_EQ(b->n.load(), n0 + 5) << "one switch: 3 words";
  EXPECT_EQ(b->pendTs, 0u);
  traceGoStop(&fakeM, 41, 0, traceStopGosched);
  traceGoStart(&fakeM, 42, 9); // not woken here: a stop and a start
  traceGoStop(&fakeM, 42, 0, traceStopGosched);
  traceGoStart(&fakeM, 41, 0); // not after a wake-up: the same
  gomaxprocs.store(oldprocs);
  const struct {
    uint8_t kind;
    int64_t g;
    bool stopTs; // at the first stop's timestamp
  } ws[] = {{traceEvGoUnblock, 41, false}, {traceEvGoStop, 40, true}, {traceEvGoStart, 41, true},
            {traceEvGoStop, 41, false},    {traceEvGoStart, 42, false}, {traceEvGoStop, 42, false},
            {traceEvGoStart, 41, false}};
  std::vector<traceEvent> got = decodeFrom(b, n0);
  ASSERT_EQ(got.size(), std::size(ws));
  for (size_t i = 0; i < got.size(); i++) {
    EXPECT_EQ(got[i].kind, ws[i].kind) << i;
    EXPECT_EQ(got[i].g, ws[i].g) << i;
    if (ws[i].stopTs)
      EXPECT_EQ(got[i].ts, traceStart + int64_t(stopTs)) << i;
    if (i > 0)
      EXPECT_GE(got[i].ts, got[i - 1].ts) << i;
  }
  // Each later stop was read before its start: the start is not earlier.
  EXPECT_EQ(got[1].a, 5);
  EXPECT_EQ(got[2].b, 7);
  glrt_curg = saved;
}

// Last: the JSON file (the flush turns tracing off for the process). The
// events recorded so far without a file (the retained copies and the
// buffers) are written when the file is opened or at the flush; then the
// workload runs again with the file open, so every P's, M's and the
// shared buffer are handed to the writer thread several times while
// goroutines and plain threads keep recording (the streaming path), and
// each is still whole and in order in the file. The writer's pool is cut
// to 2 chunks, so owners on several threads pop and wait for chunks the
// writer returns (the free list's ABA case, the back-pressure path) while
// the queue keeps each owner's chunks in order.
TEST(TraceTest, FlushWritesChromeJSON) {
  char path[] = "/tmp/glrt-trace-test-XXXXXX.json"; // .json: the JSON format (any other name: binary)
  int fd = mkstemps(path, 5);
  ASSERT_GE(fd, 0);
  close(fd);
  int64_t starts = 0;
  for (const traceEvent &e : snapshot())
    starts += e.kind == traceEvGoStart;
  traceSetPoolCapForTest(2);
  traceInit(path);
  std::vector<int64_t> goids;
  workload(&goids);
  traceFlush();
  // Not asserted (it depends on how fast the writer runs), but shown.
  RecordProperty("handOffWaits", std::to_string(traceHandOffWaitsForTest()));
  printf("hand-offs that waited for a free chunk: %lld\n", (long long)traceHandOffWaitsForTest());
  EXPECT_FALSE(traceEnabled());
  FILE *f = fopen(path, "r");
  ASSERT_NE(f, nullptr);
  std::string s;
  char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    s.append(buf, n);
  fclose(f);
  unlink(path);
  EXPECT_EQ(s.rfind("{\"displayTimeUnit\":\"ns\"", 0), 0u);
  EXPECT_NE(s.find("\"traceEvents\":["), std::string::npos);
  EXPECT_NE(s.find("\n],\"otherData\":{\"producer\":\"glrt\""), std::string::npos);
  EXPECT_NE(s.find(",\"glrtRunCpuUs\":"), std::string::npos);
  EXPECT_NE(s.find(",\"glrtFlushUs\":"), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - 2), "}\n");
  EXPECT_NE(s.find("\"name\":\"thread_name\",\"args\":{\"name\":\"P0\"}"), std::string::npos);
  // One record a line; the fields this test reads.
  auto field = [](const std::string &line, const char *key) -> int64_t {
    size_t at = line.find(key);
    return at == std::string::npos ? -1 : strtoll(line.c_str() + at + strlen(key), nullptr, 10);
  };
  std::map<int64_t, int> startsOf, stopsOf, exitsOf, goschedOf;
  std::map<int64_t, int64_t> running; // P -> G whose slice is open (stops outside runs)
  std::map<int64_t, double> lastRunEnd; // P -> where its last run ended (us)
  std::map<int64_t, int64_t> nextMarker;
  int64_t fileStarts = 0, fileEvents = 0, flowsOut = 0, flowsIn = 0;
  for (size_t pos = 0; pos < s.size();) {
    size_t eol = s.find('\n', pos);
    if (eol == std::string::npos)
      eol = s.size();
    std::string line = s.substr(pos, eol - pos);
    pos = eol + 1;
    // The records (trace.cpp's format): on a P's track (pid 1) a run is
    // one complete event, an instant's kind is its name, a wake-up by a
    // goroutine is the flow's start with args; elsewhere args.kind says.
    bool onP = line.find("\"pid\":1,") != std::string::npos;
    bool isRun = onP && line.find("\"ph\":\"X\"") != std::string::npos;
    bool isOut = line.find("\"ph\":\"s\"") != std::string::npos;
    flowsOut += isOut;
    flowsIn += line.find("\"ph\":\"f\"") != std::string::npos;
    if (isRun)
      fileEvents += line.find("running at exit") != std::string::npos ? 1 : 2; // its GoStart (and GoStop)
    else if (line.find("\"kind\":\"") != std::string::npos || (onP && line.find("\"ph\":\"i\"") != std::string::npos) ||
             (isOut && line.find("\"args\"") != std::string::npos))
      fileEvents++;
    int64_t g = isRun ? field(line, "\"name\":\"G") : field(line, "\"g\":");
    int64_t p = isRun ? field(line, "\"tid\":") : field(line, "\"p\":");
    if (isRun) {
      fileStarts++;
      startsOf[g]++;
      stopsOf[g]++;
      exitsOf[g] += line.find("\"reason\":\"exit\"") != std::string::npos;
      goschedOf[g] += line.find("\"reason\":\"Gosched\"") != std::string::npos;
      // The run ends before the P's next begins: its X is written at its
      // stop, so per P, in file order, the starts only move forward.
      double ts = strtod(line.c_str() + line.find("\"ts\":") + 5, nullptr);
      double dur = strtod(line.c_str() + line.find("\"dur\":") + 6, nullptr);
      EXPECT_GE(ts + 1e-4, lastRunEnd[p]) << "P" << p << ": G" << g << "'s run overlaps the previous one";
      lastRunEnd[p] = ts + dur;
    } else if (line.find("\"kind\":\"GoStart\"") != std::string::npos) {
      ADD_FAILURE() << "a GoStart outside a run: " << line;
    } else if (line.find("\"kind\":\"GoStop\"") != std::string::npos) {
      stopsOf[g]++;
      exitsOf[g] += line.find("\"reason\":\"exit\"") != std::string::npos;
      goschedOf[g] += line.find("\"reason\":\"Gosched\"") != std::string::npos;
      if (p >= 0 && (running[p] == g || running[p] == 0))
        running[p] = 0;
      else if (p >= 0)
        ADD_FAILURE() << "P" << p << ": G" << g << " stopped but G" << running[p] << " runs";
    } else if (line.find("\"kind\":\"GCStart\"") != std::string::npos) {
      // The plain threads' markers (a = kMarker + thread, b = index): each
      // thread's in its order, none lost, through the shared buffer.
      int64_t t = field(line, "\"a\":") - kMarker, k = field(line, "\"b\":");
      if (t >= 0 && t < kThreads && nextMarker[t] % kThreadEvents == k % kThreadEvents) {
        nextMarker[t]++;
      } else if (t >= 0 && t < kThreads) {
        ADD_FAILURE() << "thread " << t << ": marker " << k << " after " << nextMarker[t];
        nextMarker[t] = k + 1;
      }
    }
  }
  // Both workloads' markers (the first one's written from the copies).
  for (int t = 0; t < kThreads; t++)
    EXPECT_EQ(nextMarker[t], 2 * kThreadEvents) << "thread " << t;
  for (int64_t id : goids) {
    EXPECT_EQ(goschedOf[id], kYields) << "G" << id;
    EXPECT_EQ(exitsOf[id], 1) << "G" << id;
    EXPECT_EQ(startsOf[id], kYields + 1) << "G" << id;
    EXPECT_EQ(stopsOf[id], kYields + 1) << "G" << id;
  }
  EXPECT_GE(fileStarts, starts + int64_t(goids.size()) * (kYields + 1));
  // Every event formatted is counted; an M's or a stop-the-world's that
  // would unbalance its track's slices is left out of the file.
  EXPECT_GE(field(s, "\"events\":"), fileEvents);
  EXPECT_EQ(field(s, "\"dropped\":"), 0);
  EXPECT_GT(fileEvents, 4 * int64_t(traceBuf::cap)) << "the workload must fill every buffer several times";
  EXPECT_EQ(flowsOut, flowsIn) << "each wake-up's flow starts and ends";
}
