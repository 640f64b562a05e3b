// The few socket operations the byte-level faults need and httplib does not
// offer: finding a connection's descriptor, resetting it, noticing that the
// peer has gone. Internal to the glue.
#pragma once

#include <string>

namespace mockhub {

// The socket of the connection with these addresses, or -1.
int FindSocket(const std::string& local_addr, int local_port, int remote_port);
// Resets the connection now (RST), leaving the descriptor valid.
void ResetNow(int fd);
// True when the peer closed or reset the connection.
bool PeerClosed(int fd);

}  // namespace mockhub
