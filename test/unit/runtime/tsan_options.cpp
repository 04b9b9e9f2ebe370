//===- tsan_options.cpp - ThreadSanitizer's defaults for runtime-unittests-tsan ===//
//
// Compiled into every runtime test binary, but only runtime-unittests-tsan
// (GLRT_TSAN=1) defines the hook.
//
// atexit_sleep_ms=0: TSan's default (1000) makes a process whose other
// threads are still alive sleep one second in its exit path, to catch
// races with code that runs after main. A scheduler's idle Ms live for
// the whole process, so every process that started the scheduler paid it,
// and a threadsafe death test is one such process per EXPECT_DEATH/EXIT:
// about 60 of them, 60 of the suite's 94 seconds on a quiet machine (the
// -race runtime sets the same option: race.cpp). Races are still reported
// as they happen. TSAN_OPTIONS in the environment overrides this.
//===----------------------------------------------------------------------===//

#if GLRT_TSAN
extern "C" const char *__tsan_default_options() { return "atexit_sleep_ms=0"; }
#endif
