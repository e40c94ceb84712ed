// The WebhookSender adapter: HTTP/1.1 POST over Boost.Beast, https through OpenSSL with the
// peer verified against the system CA store (and its host name), one deadline covering
// connect, TLS handshake, sending and receiving, answers' bodies capped at 64 KiB.
//
// Thread safety: the sender is safe from any thread (each post has its own I/O context).
#pragma once

#include <memory>

#include "anguan/service/webhook_service.hpp"

namespace anguan::api {

std::unique_ptr<service::WebhookSender> makeWebhookSender();

}  // namespace anguan::api
