// `mockhub`: parses the command line and calls the library. Subcommands:
//   serve     run the mock hub and CDN until SIGINT/SIGTERM
// Exit codes: 0 success, 1 failure at run time, 2 bad input (arguments, world).
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <mutex>

#include "mockhub/server.h"
#include "mockhub/world_json.h"

namespace {

int Serve(const std::string& world_file, mockhub::ServerOptions opts, const std::string& cdn) {
  auto loaded = world_file.empty() ? mockhub::Loaded<mockhub::World>(mockhub::DemoWorld())
                                   : mockhub::LoadWorldFile(world_file);
  if (!loaded) {
    std::cerr << "mockhub: bad world file: " << loaded.error().ToString() << "\n";
    return 2;
  }
  if (!cdn.empty()) opts.cdn_flavour = mockhub::ParseCdnFlavour(cdn);
  static std::mutex log_mu;
  opts.log = [](const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mu);
    std::fprintf(stderr, "%s\n", line.c_str());
  };
  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  std::string error;
  auto server = mockhub::MockServer::Start(std::move(loaded.value()), std::move(opts), &error);
  if (!server) {
    std::cerr << "mockhub: " << error << "\n";
    return 1;
  }
  std::printf("HF_ENDPOINT=%s\n", server->hub_url().c_str());
  std::printf("MOCKHUB_CDN=%s\n", server->cdn_url().c_str());
  if (!server->ca_file().empty()) std::printf("MOCKHUB_CA=%s\n", server->ca_file().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  std::fprintf(stderr, "mockhub: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  server->Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mockhub: a mock Hugging Face Hub for reproducing download failures offline"};
  app.require_subcommand(1);

  auto* serve = app.add_subcommand("serve", "Serve a world (default: the embedded demo world)");
  std::string world_file, cdn;
  mockhub::ServerOptions opts;
  serve->add_option("--world", world_file, "World file (JSON); see mockhub/README.md")
      ->check(CLI::ExistingFile);
  serve->add_option("--host", opts.host, "Hub address (loopback by default)");
  serve->add_option("--port", opts.port, "Hub port; 0 picks a free one")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--cdn-host", opts.cdn_host,
                    "CDN address: another host, not only another port");
  serve->add_option("--cdn-port", opts.cdn_port, "CDN port; 0 picks a free one")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--cdn", cdn, "CDN flavour (overrides the world's)")
      ->check(CLI::IsMember({"cloudfront", "s3"}));
  serve->add_flag("--tls", opts.tls, "Serve HTTPS with a CA generated at start-up");
  serve->add_option("--tls-dir", opts.tls_dir, "Where to write ca.pem (default: a new temp dir)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (serve->parsed()) return Serve(world_file, std::move(opts), cdn);
  return 2;
}
