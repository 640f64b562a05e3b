// See sockets.h.
#include "mockhub/server/sockets.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mockhub {

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
