// A hand-written fake Hub, CAS and CDN serving one Xet-backed file, kept only
// for what mockhub's Xet sites have no knob for. Everything else runs on the
// real mock (xet_e2e_test.cc, xet_cli_test.cc); a test that the mock can
// express belongs there, not here. What still needs this fake, and why:
//  - a test clock shared with the client (TestClock): token renewal timing,
//    the CAS clock moving per reconstruction (clock_step, tokens_issued):
//    XetFetchTest.TheCasTokenIsRenewedBeforeItExpires;
//  - parallel order: xorb 0 held until xorbs 1..N were asked
//    (hold_first_xorb): XetFetchTest.RangesFetchedInParallelAreWrittenInOrder;
//  - small xorbs (chunk_size, chunks_per_xorb) with schemes rotating inside one
//    xorb, and a term whose unpacked_length lies (unpacked_delta):
//    XetFetchTest.ATermOfTheWrongLengthIsAnIntegrityError;
//  - hostile answers (xet_hostile_test.cc): 429 with a day's Retry-After,
//    xorb answers that run past their range or ignore it, padded and
//    unannounced reconstructions and token answers, a tree listing of
//    1.5 million entries.
// Hub (127.0.0.1): the resolve 302 with X-Xet-Hash and the two Link rels,
// the tree listing, the token route. CAS (127.0.0.3): v2 reconstructions
// with Bearer CAS tokens that expire on the test clock. CDN (127.0.0.2):
// xorb ranges that must be asked with exactly their signed Range. The
// content is cut into fixed-size chunks, stored with a rotating set of
// schemes, `chunks_per_xorb` to a xorb; a reconstruction has one term per
// xorb it touches. Knobs are read on every request.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "route_server.h"
#include "xet_fixtures.h"

namespace hubget::testing {

struct XetFakeOptions {
  std::size_t chunk_size = 1000;
  std::size_t chunks_per_xorb = 4;
  std::vector<unsigned> schemes = {0, 1, 2};  // chunk i is stored with schemes[i % size]
  std::int64_t token_ttl = 3600;              // seconds a CAS token lives
};

class XetFake {
 public:
  XetFake(std::string content, XetFakeOptions options, TestClock& clock);
  // The three servers' handlers read one another (URLs, counters): all stop before any
  // is freed, or a connection still being served reads a freed server.
  ~XetFake();

  std::string TokenPath() const;
  std::size_t xorb_count() const { return xorbs_.size(); }

  const std::string repo = "org/xet-model";
  const std::string path = "weights.bin";
  const std::string commit = "0123456789abcdef0123456789abcdef01234567";
  const std::string hub_token = "hf_hub_secret_token_1234";
  const std::string content;
  const std::string sha256;
  const std::string xet_hash;

  // Knobs.
  std::atomic<long long> unpacked_delta{0};    // added to every term's unpacked_length
  std::atomic<int> clock_step{0};              // seconds the clock moves after each reconstruction
  std::atomic<int> hold_first_xorb{0};         // xorb 0's answer waits until xorbs 1..N were asked
  std::atomic<bool> held_until_others{false};  // ... and they were (not the 10 s fallback)
  std::atomic<int> tokens_issued{0};
  // Hostile answers (xet_hostile_test.cc).
  std::atomic<int> xorb_retry_after{0};         // > 0: every xorb GET is a 429 asking this many s
  std::atomic<int> endless_xorb_gets{0};        // the next N xorb 206s go on past their range...
  std::atomic<bool> whole_xorb_200{false};      // every xorb GET answers 200, the whole xorb...
  std::atomic<std::uint64_t> xorb_pad{0};       // ... with this many more bytes after it
  std::atomic<std::uint64_t> recon_padding{0};  // reconstructions gain a "padding" string this long
  std::atomic<bool> recon_unannounced{false};   // ... sent with no Content-Length
  std::atomic<std::uint64_t> token_padding{0};  // token answers gain a "padding" string this long
  std::atomic<int> tree_pages{1};               // the tree listing has this many pages (Link: next)
  std::atomic<int> tree_page_folders{0};        // ... each with this many folder entries too

  RouteServer& hub() const { return *hub_; }
  RouteServer& cas() const { return *cas_; }
  RouteServer& cdn() const { return *cdn_; }

 private:
  struct Xorb {
    std::string hash;
    std::string bytes;                 // the serialized chunks
    std::vector<std::size_t> offsets;  // start of each chunk's header, and the end
    std::size_t first_chunk = 0;       // global index of its first chunk
  };
  RouteReply Hub(const RouteRequest& r);
  RouteReply Cas(const RouteRequest& r);
  RouteReply Cdn(const RouteRequest& r);
  RouteReply Reconstruction(std::uint64_t start, std::uint64_t end);
  RouteReply ServeXorb(const RouteRequest& r, int index);
  // The xorb a CDN request asked for (its index), or -1.
  int XorbIndex(const RouteRequest& r) const;
  RouteReply TreePage(const RouteRequest& r);
  bool CasTokenValid(const std::string& authorization);
  void Hold(int index);

  XetFakeOptions options_;
  TestClock& clock_;
  std::vector<Xorb> xorbs_;
  std::mutex mu_;
  std::condition_variable asked_;
  std::vector<bool> xorb_asked_;
  std::vector<std::int64_t> token_exp_;  // by token number
  // Last: their threads use everything above; destroyed (joined) first.
  std::unique_ptr<RouteServer> hub_;
  std::unique_ptr<RouteServer> cas_;
  std::unique_ptr<RouteServer> cdn_;
};

}  // namespace hubget::testing
