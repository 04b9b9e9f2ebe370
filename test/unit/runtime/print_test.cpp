// Tests for runtime/print.cpp: go1.19's print/println formats, byte for
// byte, and the per-statement buffering. Output is captured through the
// print sink test hook; expected strings come from running go1.19.
#include "abi.h"
#include "print.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fcntl.h>
#include <pthread.h>
#include <string>
#include <unistd.h>

namespace {

std::string captured;
void capture(const char *p, size_t n) { captured.append(p, n); }

struct PrintTest : ::testing::Test {
  void SetUp() override {
    captured.clear();
    glrt::setprintsink(capture);
  }
  void TearDown() override { glrt::setprintsink(nullptr); }
};

std::string fmtfloat(double v) {
  char buf[32];
  return std::string(buf, glrt::fmtfloat(buf, v));
}

TEST_F(PrintTest, Println) {
  // println(p, s, true, false, MinInt64, MaxUint64, "str", int8(-3))
  glrt_printlock();
  glrt_printpointer(nullptr);
  glrt_printsp();
  glrt_printslice(nullptr, 0, 0);
  glrt_printsp();
  glrt_printbool(1);
  glrt_printsp();
  glrt_printbool(0);
  glrt_printsp();
  glrt_printint(INT64_MIN);
  glrt_printsp();
  glrt_printuint(-1); // uint64 max, zero-extended bits
  glrt_printsp();
  glrt_printstring(const_cast<char *>("str"), 3);
  glrt_printsp();
  glrt_printint(-3);
  glrt_printnl();
  glrt_printunlock();
  EXPECT_EQ(captured, "0x0 [0/0]0x0 true false -9223372036854775808 "
                      "18446744073709551615 str -3\n");
}

TEST_F(PrintTest, PointersAndSlicesInHex) {
  glrt_printpointer(reinterpret_cast<void *>(uintptr_t(0xdeadbeef)));
  glrt_printslice(reinterpret_cast<void *>(uintptr_t(0xc000012345)), 3, 17);
  EXPECT_EQ(captured, "0xdeadbeef[3/17]0xc000012345");
}

TEST_F(PrintTest, Integers) {
  glrt_printint(0);
  glrt_printsp();
  glrt_printint(INT64_MAX);
  glrt_printsp();
  glrt_printint(-1);
  glrt_printsp();
  glrt_printuint(0);
  glrt_printsp();
  glrt_printuint(INT64_MIN); // 1<<63 as uint64
  EXPECT_EQ(captured, "0 9223372036854775807 -1 0 9223372036854775808");
}

TEST_F(PrintTest, FloatsMatchGo119) {
  // Expected strings: println(v) under go1.19.8.
  struct {
    double v;
    const char *want;
  } cases[] = {
      {0, "+0.000000e+000"},
      {-0.0, "-0.000000e+000"},
      {1, "+1.000000e+000"},
      {-1, "-1.000000e+000"},
      {1.5, "+1.500000e+000"},
      {-1.5, "-1.500000e+000"},
      {0.1, "+1.000000e-001"},
      {1e10, "+1.000000e+010"},
      {1e-10, "+1.000000e-010"},
      {123456789, "+1.234568e+008"},
      {3.14159265358979, "+3.141593e+000"},
      {1e308, "+1.000000e+308"},
      {1.7976931348623157e308, "+1.797693e+308"},
      {5e-324, "+4.940656e-324"},
      {2.2250738585072014e-308, "+2.225074e-308"},
      {0.5, "+5.000000e-001"},
      {9.9999999, "+1.000000e+001"},
      {9.99999949, "+9.999999e+000"},
      {0.000123, "+1.230000e-004"},
      {100, "+1.000000e+002"},
      {1e100, "+1.000000e+100"},
      {1e-100, "+1.000000e-100"},
      {2.5e-7, "+2.500000e-007"},
      {double(0.1f), "+1.000000e-001"},
      {99999995, "+1.000000e+008"},
      {1e21, "+1.000000e+021"},
      {7, "+7.000000e+000"},
      {NAN, "NaN"},
      {INFINITY, "+Inf"},
      {-INFINITY, "-Inf"},
  };
  for (auto &c : cases)
    EXPECT_EQ(fmtfloat(c.v), c.want) << "value " << c.v;
  glrt_printfloat(1.5);
  EXPECT_EQ(captured, "+1.500000e+000");
}

TEST_F(PrintTest, StatementIsWrittenWholeAtUnlock) {
  glrt_printlock();
  glrt_printint(12);
  glrt_printstring(const_cast<char *>("a"), 1);
  EXPECT_EQ(captured, "") << "output escaped before printunlock";
  glrt_printnl();
  glrt_printunlock();
  EXPECT_EQ(captured, "12a\n");
}

TEST_F(PrintTest, UnlockedPrintsFlushAtOnce) {
  glrt_printint(7);
  EXPECT_EQ(captured, "7");
}

TEST_F(PrintTest, LongStatementIsNotTruncated) {
  std::string big(5000, 'x');
  big += "END";
  glrt_printlock();
  glrt_printstring(big.data(), int64_t(big.size()));
  glrt_printnl();
  glrt_printunlock();
  EXPECT_EQ(captured, big + "\n");
}

// Threads printing at once through the real fd 2 (redirected to a file):
// every line must arrive whole, because each statement is one write(2).
void *printer(void *arg) {
  int64_t id = reinterpret_cast<intptr_t>(arg);
  std::string pad(100, char('a' + id));
  for (int i = 0; i < 2000; i++) {
    glrt_printlock();
    glrt_printstring(const_cast<char *>("line"), 4);
    glrt_printsp();
    glrt_printint(id);
    glrt_printsp();
    glrt_printint(i);
    glrt_printsp();
    glrt_printstring(pad.data(), int64_t(pad.size()));
    glrt_printnl();
    glrt_printunlock();
  }
  return nullptr;
}

TEST(PrintConcurrencyTest, LinesOfConcurrentStatementsNeverInterleave) {
  char path[] = "/tmp/glrt_print_testXXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  unlink(path);
  int saved = dup(2);
  ASSERT_EQ(dup2(fd, 2), 2);
  constexpr int kThreads = 8;
  pthread_t th[kThreads];
  for (intptr_t t = 0; t < kThreads; t++)
    pthread_create(&th[t], nullptr, printer, reinterpret_cast<void *>(t));
  for (int t = 0; t < kThreads; t++)
    pthread_join(th[t], nullptr);
  dup2(saved, 2);
  close(saved);

  std::string out;
  char buf[65536];
  lseek(fd, 0, SEEK_SET);
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
    out.append(buf, size_t(n));
  close(fd);

  int lines = 0;
  int next[kThreads] = {};
  size_t at = 0;
  while (at < out.size()) {
    size_t nl = out.find('\n', at);
    ASSERT_NE(nl, std::string::npos);
    std::string line = out.substr(at, nl - at);
    at = nl + 1;
    int id = -1, i = -1;
    char pad[128] = {};
    ASSERT_EQ(sscanf(line.c_str(), "line %d %d %127s", &id, &i, pad), 3)
        << line;
    ASSERT_TRUE(id >= 0 && id < kThreads) << line;
    EXPECT_EQ(i, next[id]++) << "lines of one thread stay in order";
    EXPECT_EQ(std::string(pad), std::string(100, char('a' + id))) << line;
    lines++;
  }
  EXPECT_EQ(lines, kThreads * 2000);
}

TEST(PrintDeathTest, PrintOutputReachesFd2BeforeExit) {
  EXPECT_EXIT(
      {
        glrt_printlock();
        glrt_printstring(const_cast<char *>("before exit"), 11);
        glrt_printnl();
        glrt_printunlock();
        glrt_exit(3);
      },
      ::testing::ExitedWithCode(3), "^before exit\n$");
}

} // namespace
