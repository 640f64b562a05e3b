// See sockets.h.
#include "sockets.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace mockhub {

// Found by its addresses: httplib does not expose the descriptor, and only
// the reset and stall faults need it.
int FindSocket(const std::string& local_addr, int local_port, int remote_port) {
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  const int max_fd = static_cast<int>(std::min<rlim_t>(lim.rlim_cur, 65536));
  for (int fd = 3; fd < max_fd; ++fd) {
    sockaddr_in local{}, peer{};
    socklen_t len = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0 ||
        local.sin_family != AF_INET)
      continue;
    len = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    char ip[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &local.sin_addr, ip, sizeof ip);
    if (ntohs(local.sin_port) == local_port && ntohs(peer.sin_port) == remote_port &&
        local_addr == ip) {
      return fd;
    }
  }
  return -1;
}

// Resets the connection now: on Linux, connect(AF_UNSPEC) on an established
// TCP socket disconnects it with an RST, before httplib's own shutdown() could
// send a FIN, and leaves the descriptor valid for httplib to close.
void ResetNow(int fd) {
  if (fd < 0) return;
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  (void)::connect(fd, &unspec, sizeof unspec);  // dissolves the association; nothing to check
}

bool PeerClosed(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

}  // namespace mockhub
