// The few socket operations the fault verbs need and httplib does not
// offer: resetting a connection, noticing that the peer has gone. Internal
// to the glue.
#pragma once

namespace mockhub {

// Resets the connection now (RST), leaving the descriptor valid.
void ResetNow(int fd);
// True when the peer closed or reset the connection.
bool PeerClosed(int fd);

}  // namespace mockhub
