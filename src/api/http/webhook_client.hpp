// Beast implementation of service::WebhookSender (see anguan/api/webhook_client.hpp).
#pragma once

#include <chrono>
#include <string>

#include "anguan/service/webhook_service.hpp"

namespace anguan::api {

class BeastWebhookSender final : public service::WebhookSender {
 public:
  static constexpr std::size_t kMaxResponseBody = 64 * 1024;

  Result<service::WebhookResponse> post(const std::string& url, const std::string& body,
                                        std::chrono::milliseconds timeout) override;
};

}  // namespace anguan::api
