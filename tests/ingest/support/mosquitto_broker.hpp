// A real Mosquitto broker for ingestion tests and benches: a temp directory with a generated
// configuration (a free loopback port, persistence in the temp directory, password and ACL files
// from the caller) and `mosquitto -c` run as a child process.
//
// Mosquitto cannot listen on port 0, so the port is found by binding a socket first; a restart
// reuses the same port so clients reconnect to it.
//
// Thread safety: none; one test owns one broker.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <sys/types.h>

namespace anguan::ingest::testing {

// Finds the repository root (the directory holding deploy/mosquitto/anguan.conf) from
// $AG_SOURCE_DIR, the working directory or the executable's directory.
std::filesystem::path sourceDir();

// The shipped deploy/mosquitto/anguan.conf without its site-specific lines (listener, files,
// persistence location, logging), so a test can append its own. Throws std::runtime_error when the
// file cannot be found.
std::string shippedLimits();

// Mosquitto 2.0's stock limits (the defaults made explicit) for comparison.
std::string stockLimits();

class MosquittoBroker {
 public:
  MosquittoBroker();   // Creates the temp directory and picks the port; does not start.
  ~MosquittoBroker();  // Kills the broker and removes the directory.
  MosquittoBroker(const MosquittoBroker&) = delete;
  MosquittoBroker& operator=(const MosquittoBroker&) = delete;

  // `limits` is configuration text (e.g. shippedLimits()); listener, persistence location,
  // password_file/acl_file (when set) and logging are added here.
  void configure(const std::string& limits, const std::string& password_file_text,
                 const std::string& acl_file_text);

  // Starts `mosquitto -c` and waits until the port accepts connections. False on failure (see
  // log()).
  bool start();
  // SIGKILL: no chance to save its persistence file.
  void kill9();
  // SIGTERM and wait: the broker saves its persistence file on the way out.
  void terminate();
  bool running() const { return pid_ > 0; }

  std::uint16_t port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::string log() const;

 private:
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace anguan::ingest::testing
