// WebSocket hub (Beast chat-multi pattern): sessions register here; publish() copies the matching
// sessions' weak pointers under the lock and sends outside it; each session queues its writes
// on its own strand and writes one message at a time. A client that falls 256 messages behind is
// disconnected so that a stuck browser can't exhaust memory.
//
// Thread safety: publish(), join(), leave() and closeAll() are safe from any thread.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "anguan/domain/auth/access.hpp"
#include "anguan/service/context.hpp"

#include "http/metrics.hpp"
#include "http/types.hpp"

namespace anguan::api {

class WsHub;

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(boost::beast::tcp_stream&& stream, auth::Principal principal, WsHub& hub,
            Metrics& metrics);
  ~WsSession();

  // Completes the upgrade for `request` and starts reading.
  void run(HttpRequest request);
  // Queues `message` for this client (any thread).
  void send(std::shared_ptr<const std::string> message);
  void close();

  bool wants(const std::string& topic, const std::string& org_path) const;
  std::int64_t userId() const { return principal_.user_id.value; }

 private:
  void onAccept(boost::beast::error_code ec);
  void doRead();
  void onRead(boost::beast::error_code ec);
  void handle(const std::string& text);
  void onSend(std::shared_ptr<const std::string> message);
  void onWrite(boost::beast::error_code ec);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  auth::Principal principal_;
  WsHub& hub_;
  Metrics& metrics_;
  mutable std::mutex topics_mutex_;
  std::set<std::string> topics_;                          // Guarded by topics_mutex_.
  std::deque<std::shared_ptr<const std::string>> queue_;  // Only touched on the strand.
  bool closing_ = false;                                  // Only touched on the strand.
};

class WsHub final : public service::EventPublisher {
 public:
  void join(const std::shared_ptr<WsSession>& session);
  void leave(WsSession* session);
  void publish(const service::Event& event) override;
  void closeAll();
  // Closes every connection of the user (their sessions were revoked).
  void closeUser(std::int64_t user_id);
  std::size_t size() const;

 private:
  std::vector<std::weak_ptr<WsSession>> snapshot() const;

  mutable std::mutex mutex_;
  std::unordered_map<WsSession*, std::weak_ptr<WsSession>> sessions_;  // Guarded by mutex_.
};

}  // namespace anguan::api
