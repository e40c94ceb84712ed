#include "ingest/support/mosquitto_broker.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace anguan::ingest::testing {
namespace {

namespace fs = std::filesystem;

std::uint16_t freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool canConnect(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

}  // namespace

fs::path sourceDir() {
  if (const char* env = std::getenv("AG_SOURCE_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code ec;
  std::vector<fs::path> starts = {fs::current_path(ec),
                                  fs::read_symlink("/proc/self/exe", ec).parent_path()};
  for (auto dir : starts) {
    for (; !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
      if (fs::exists(dir / "deploy/mosquitto/anguan.conf")) {
        return dir;
      }
    }
  }
  return {};
}

std::string shippedLimits() {
  const auto dir = sourceDir();
  if (dir.empty()) {
    // Without it a test would silently run with Mosquitto's stock (message-dropping) limits.
    throw std::runtime_error(
        "deploy/mosquitto/anguan.conf not found: run from the source tree or set AG_SOURCE_DIR");
  }
  const auto text = readFile(dir / "deploy/mosquitto/anguan.conf");
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    const auto key = line.substr(0, line.find(' '));
    if (key == "listener" || key == "password_file" || key == "acl_file" ||
        key == "persistence_location" || key == "log_dest" || key == "pid_file" || key == "user" ||
        key == "include_dir") {
      continue;
    }
    out += line + "\n";
  }
  return out;
}

std::string stockLimits() {
  // Mosquitto 2.0.11's defaults, written out: what a broker without anguan's configuration does.
  return "persistence true\n"
         "max_inflight_messages 20\n"
         "max_queued_messages 1000\n"
         "max_queued_bytes 0\n";
}

MosquittoBroker::MosquittoBroker() {
  std::string tmpl = (fs::temp_directory_path() / "anguan-mosquitto-XXXXXX").string();
  dir_ = ::mkdtemp(tmpl.data());
  port_ = freePort();
}

MosquittoBroker::~MosquittoBroker() {
  kill9();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void MosquittoBroker::configure(const std::string& limits, const std::string& password_file_text,
                                const std::string& acl_file_text) {
  std::string conf = limits;
  conf += "\nlistener " + std::to_string(port_) + " 127.0.0.1\n";
  conf += "persistence_location " + dir_.string() + "/\n";
  conf += "log_dest file " + (dir_ / "mosquitto.log").string() + "\n";
  if (::geteuid() == 0) {
    conf += "user root\n";  // Otherwise it drops to `mosquitto`, who cannot write our temp dir.
  }
  if (!password_file_text.empty()) {
    writeFile(dir_ / "passwd", password_file_text);
    conf += "password_file " + (dir_ / "passwd").string() + "\n";
  }
  if (!acl_file_text.empty()) {
    writeFile(dir_ / "acl", acl_file_text);
    conf += "acl_file " + (dir_ / "acl").string() + "\n";
  }
  if (password_file_text.empty()) {
    conf += "allow_anonymous true\n";
  }
  writeFile(dir_ / "mosquitto.conf", conf);
}

bool MosquittoBroker::start() {
  if (running()) {
    return true;
  }
  const auto conf = (dir_ / "mosquitto.conf").string();
  const auto out = (dir_ / "stderr.log").string();
  pid_ = ::fork();
  if (pid_ == 0) {
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execl("/usr/sbin/mosquitto", "mosquitto", "-c", conf.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid_ < 0) {
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (canConnect(port_)) {
      return true;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill9();
  return false;
}

void MosquittoBroker::kill9() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void MosquittoBroker::terminate() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string MosquittoBroker::log() const {
  return readFile(dir_ / "mosquitto.log") + readFile(dir_ / "stderr.log");
}

}  // namespace anguan::ingest::testing
