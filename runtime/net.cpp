//===- net.cpp - the socket system calls of stdlib/net (no parking) -------===//
//
// socket/bind/listen/getsockname/getpeername/setsockopt/close for
// stdlib/net (fd.gl, sock.gl). None of these blocks (sockets are created
// non-blocking; accept, connect, read and write wait in netpoll.cpp's
// poll_* rows). Each runs on g0 (onsystemstack): libc's wrappers are
// small, but errno and the sanitizer interceptors are not ours to
// measure. A sockaddr travels as a []byte the GL side encodes
// (sockaddr_in / sockaddr_in6, 28 bytes are enough); results are >= 0 or
// -errno.
//===----------------------------------------------------------------------===//
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "abi.h"
#include "panic.h"

using glrt::onsystemstack;

int64_t glrt_net_socket(int64_t family, int64_t sotype, int64_t proto) {
  int64_t r;
  onsystemstack([&] {
    int fd = socket(int(family), int(sotype) | SOCK_NONBLOCK | SOCK_CLOEXEC, int(proto));
    r = fd < 0 ? -errno : fd;
  });
  return r;
}

int64_t glrt_net_setsockopt(int64_t fd, int64_t level, int64_t name, int64_t value) {
  int64_t r;
  onsystemstack([&] {
    int v = int(value);
    r = setsockopt(int(fd), int(level), int(name), &v, sizeof v) < 0 ? -errno : 0;
  });
  return r;
}

int64_t glrt_net_bind(int64_t fd, void *sa, int64_t salen, int64_t) {
  int64_t r;
  onsystemstack([&] { r = bind(int(fd), static_cast<sockaddr *>(sa), socklen_t(salen)) < 0 ? -errno : 0; });
  return r;
}

int64_t glrt_net_listen(int64_t fd, int64_t backlog) {
  int64_t r;
  onsystemstack([&] { r = listen(int(fd), int(backlog)) < 0 ? -errno : 0; });
  return r;
}

// getsockname (peer == 0) or getpeername (peer != 0) into sa.
int64_t glrt_net_sockname(int64_t fd, int64_t peer, void *sa, int64_t salen, int64_t) {
  int64_t r;
  onsystemstack([&] {
    socklen_t l = socklen_t(salen);
    int k = peer ? getpeername(int(fd), static_cast<sockaddr *>(sa), &l)
                 : getsockname(int(fd), static_cast<sockaddr *>(sa), &l);
    r = k < 0 ? -errno : int64_t(l);
  });
  return r;
}

// Closes an fd that has no pollDesc (a socket whose setup failed).
int64_t glrt_net_close(int64_t fd) {
  int64_t r;
  onsystemstack([&] { r = close(int(fd)) < 0 ? -errno : 0; });
  return r;
}
