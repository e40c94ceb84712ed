#include "http/ws_hub.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "anguan/core/log.hpp"

namespace anguan::api {
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxQueued = 256;

bool validTopic(const std::string& topic) {
  if (topic.empty() || topic.size() > 64) {
    return false;
  }
  return std::all_of(topic.begin(), topic.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '*' ||
           c == '-';
  });
}

}  // namespace

WsSession::WsSession(beast::tcp_stream&& stream, auth::Principal principal, WsHub& hub,
                     Metrics& metrics)
    : ws_(std::move(stream)), principal_(std::move(principal)), hub_(hub), metrics_(metrics) {
  metrics_.wsConnections(1);
}

WsSession::~WsSession() {
  hub_.leave(this);
  metrics_.wsConnections(-1);
}

void WsSession::run(HttpRequest request) {
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.read_message_max(64 * 1024);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "anguan"); }));
  ws_.async_accept(request,
                   [self = shared_from_this()](beast::error_code ec) { self->onAccept(ec); });
}

void WsSession::onAccept(beast::error_code ec) {
  if (ec) {
    return;
  }
  hub_.join(shared_from_this());
  doRead();
}

void WsSession::doRead() {
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->onRead(ec);
  });
}

void WsSession::onRead(beast::error_code ec) {
  if (ec) {
    return;  // Closed, timed out or too large: the session ends.
  }
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  handle(text);
  doRead();
}

void WsSession::handle(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  auto reply = [this](json::object o) {
    onSend(std::make_shared<const std::string>(json::serialize(o)));
  };
  if (ec || !v.is_object() || !v.as_object().contains("op") ||
      !v.as_object().at("op").is_string()) {
    reply({{"type", "error"}, {"code", "ws.bad_message"}});
    return;
  }
  const auto& o = v.as_object();
  const std::string op(o.at("op").as_string());
  if (op == "ping") {
    reply({{"type", "pong"}});
    return;
  }
  if (op == "subscribe" || op == "unsubscribe") {
    const auto* t = o.if_contains("topic");
    if (t == nullptr || !t->is_string() || !validTopic(std::string(t->as_string()))) {
      reply({{"type", "error"}, {"code", "ws.bad_topic"}});
      return;
    }
    const std::string topic(t->as_string());
    {
      std::lock_guard lock(topics_mutex_);
      if (op == "subscribe") {
        if (topics_.size() >= 64) {
          reply({{"type", "error"}, {"code", "ws.too_many_topics"}});
          return;
        }
        topics_.insert(topic);
      } else {
        topics_.erase(topic);
      }
    }
    reply({{"type", op == "subscribe" ? "subscribed" : "unsubscribed"}, {"topic", topic}});
    return;
  }
  reply({{"type", "error"}, {"code", "ws.unknown_op"}});
}

bool WsSession::wants(const std::string& topic, const std::string& org_path) const {
  if (!auth::inScope(principal_.org_path, org_path)) {
    return false;
  }
  std::lock_guard lock(topics_mutex_);
  if (topics_.count(topic) != 0) {
    return true;
  }
  const auto dot = topic.find('.');
  return dot != std::string::npos && topics_.count(topic.substr(0, dot) + ".*") != 0;
}

void WsSession::send(std::shared_ptr<const std::string> message) {
  asio::post(ws_.get_executor(),
             [self = shared_from_this(), message = std::move(message)] { self->onSend(message); });
}

void WsSession::onSend(std::shared_ptr<const std::string> message) {
  if (closing_) {
    return;
  }
  if (queue_.size() >= kMaxQueued) {
    log::warn("websocket client {} is too slow; disconnecting", principal_.username);
    close();
    return;
  }
  queue_.push_back(std::move(message));
  if (queue_.size() > 1) {
    return;  // A write is in flight; onWrite continues with the queue.
  }
  ws_.text(true);
  ws_.async_write(
      asio::buffer(*queue_.front()),
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onWrite(ec); });
}

void WsSession::onWrite(beast::error_code ec) {
  if (ec) {
    return;
  }
  queue_.pop_front();
  if (!queue_.empty()) {
    ws_.async_write(
        asio::buffer(*queue_.front()),
        [self = shared_from_this()](beast::error_code e, std::size_t) { self->onWrite(e); });
  }
}

void WsSession::close() {
  asio::dispatch(ws_.get_executor(), [self = shared_from_this()] {
    if (self->closing_) {
      return;
    }
    self->closing_ = true;
    beast::get_lowest_layer(self->ws_).cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
}

void WsHub::join(const std::shared_ptr<WsSession>& session) {
  std::lock_guard lock(mutex_);
  sessions_[session.get()] = session;
}

void WsHub::leave(WsSession* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
}

std::vector<std::weak_ptr<WsSession>> WsHub::snapshot() const {
  // Copied under the lock, used outside it: sending must never hold the hub's lock.
  std::lock_guard lock(mutex_);
  std::vector<std::weak_ptr<WsSession>> out;
  out.reserve(sessions_.size());
  for (const auto& [ptr, weak] : sessions_) {
    out.push_back(weak);
  }
  return out;
}

std::size_t WsHub::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void WsHub::publish(const service::Event& event) {
  if (event.topic == service::kSessionsRevokedTopic) {
    boost::system::error_code ec;
    const auto data = json::parse(event.json, ec);
    const auto* user = ec || !data.is_object() ? nullptr : data.as_object().if_contains("user_id");
    if (user != nullptr && user->is_int64()) {
      closeUser(user->as_int64());
    }
    return;
  }
  std::shared_ptr<const std::string> message;
  for (const auto& weak : snapshot()) {
    auto session = weak.lock();
    if (!session || (event.user_id != 0 && session->userId() != event.user_id) ||
        !session->wants(event.topic, event.org_path)) {
      continue;
    }
    if (!message) {
      message = std::make_shared<const std::string>(R"({"type":"event","topic":)" +
                                                    json::serialize(json::string(event.topic)) +
                                                    R"(,"data":)" + event.json + "}");
    }
    session->send(message);
  }
}

void WsHub::closeUser(std::int64_t user_id) {
  for (const auto& weak : snapshot()) {
    if (auto s = weak.lock(); s && s->userId() == user_id) {
      s->close();
    }
  }
}

void WsHub::closeAll() {
  for (const auto& weak : snapshot()) {
    if (auto s = weak.lock()) {
      s->close();
    }
  }
}

}  // namespace anguan::api
