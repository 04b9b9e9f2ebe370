//===- netpoll_epoll.cpp - the epoll half of the poller (Go's netpoll_epoll.go)
//
// One epoll instance for the process, edge-triggered (EPOLLET): a file
// descriptor is registered once, for read, write and peer hang-up, when
// its pollDesc is opened, and stays registered until netpollclose. An
// edge means "the state changed", so a reader must drain until EAGAIN
// before it parks (netpoll.cpp's poll_read does), and an event for a fd
// nobody waits on leaves pdReady behind (netpollunblock), which the next
// waiter consumes without parking.
//
// netpollBreak: an eventfd in the same epoll set, level-triggered. A write
// makes a blocked epoll_wait return; netpoll reads the counter back to
// zero. netpollWakeSig (seq_cst) keeps concurrent breaks to one write:
// the writer sets it 0 -> 1, netpoll clears it after reading the eventfd,
// so a break after that clear writes again.
//===----------------------------------------------------------------------===//
#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "netpoll.h"
#include "proc.h"

namespace glrt {

static int32_t epfd = -1;       // written once by netpollinit, then read-only
static int32_t netpollBreakFd = -1;
static std::atomic<uint32_t> netpollWakeSig{0};

void netpollinit() {
  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0)
    fatal("runtime: netpollinit failed", "runtime: netpollinit failed");
  netpollBreakFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (netpollBreakFd < 0)
    fatal("runtime: netpollinit failed to create eventfd", "runtime: netpollinit failed");
  struct epoll_event ev {};
  ev.events = EPOLLIN;
  ev.data.ptr = &netpollBreakFd; // tells netpoll's loop it is the break fd
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, netpollBreakFd, &ev) != 0)
    fatal("runtime: netpollinit failed to register eventfd", "runtime: netpollinit failed");
}

int32_t netpollopen(int32_t fd, pollDesc *pd) {
  struct epoll_event ev {};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = pd;
  return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : errno;
}

int32_t netpollclose(int32_t fd) {
  struct epoll_event ev {};
  return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev) == 0 ? 0 : errno;
}

void netpollBreak() {
  uint32_t zero = 0;
  if (!netpollWakeSig.compare_exchange_strong(zero, 1, std::memory_order_seq_cst))
    return; // a break is already on its way
  uint64_t one = 1;
  for (;;) {
    ssize_t n = write(netpollBreakFd, &one, sizeof one);
    if (n == sizeof one || (n < 0 && errno == EAGAIN))
      return; // EAGAIN: the counter is full, epoll_wait will return anyway
    if (n < 0 && errno == EINTR)
      continue;
    fatal("runtime: netpollBreak write failed", "runtime: netpollBreak write failed");
  }
}

gList netpoll(int64_t delay) {
  gList toRun;
  if (epfd < 0)
    return toRun;
  int waitms;
  if (delay < 0)
    waitms = -1;
  else if (delay == 0)
    waitms = 0;
  else if (delay < 1000000)
    waitms = 1; // epoll_wait's resolution is 1 ms
  else if (delay < 1000000LL * 1000000)
    waitms = int(delay / 1000000);
  else
    waitms = 1000000 * 1000; // about 11.5 days, as Go caps it
  struct epoll_event events[128];
  int n;
  for (;;) {
    n = epoll_wait(epfd, events, 128, waitms);
    if (n >= 0)
      break;
    if (errno != EINTR)
      fatal("runtime: netpoll failed", "runtime: netpoll failed");
    // A signal (SIGURG preemption of another thread, a profiler): a
    // blocking poll returns so the caller recomputes its timeout.
    if (waitms > 0)
      return toRun;
  }
  for (int i = 0; i < n; i++) {
    struct epoll_event *ev = &events[i];
    if (ev->events == 0)
      continue;
    if (ev->data.ptr == &netpollBreakFd) {
      if (ev->events != EPOLLIN)
        fatal("runtime: netpoll: eventfd ready for something other than read",
                   "runtime: netpoll: eventfd ready for something other than read");
      if (delay != 0) {
        // Only a blocking poll consumes the break: it was meant for it. A
        // non-blocking poll leaves it, so the blocked M still returns.
        uint64_t buf;
        ssize_t r;
        do
          r = read(netpollBreakFd, &buf, sizeof buf);
        while (r < 0 && errno == EINTR);
        netpollWakeSig.store(0, std::memory_order_seq_cst);
      }
      continue;
    }
    int32_t mode = 0;
    if (ev->events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
      mode += 'r';
    if (ev->events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
      mode += 'w';
    if (mode != 0) {
      // EPOLLERR alone (Go's eventErr) wakes both directions too: the
      // system call they retry reports the socket's error.
      netpollready(&toRun, static_cast<pollDesc *>(ev->data.ptr), mode);
    }
  }
  return toRun;
}

} // namespace glrt
