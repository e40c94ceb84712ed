// libFuzzer target for the MQTT v5 decoder (issue 5: a malformed packet from the network is an
// error, never UB). Feeds arbitrary bytes through framing and every server→client decoder.
//
//   CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DAG_FUZZ=ON -DAG_BUILD_TESTS=OFF \
//     -DAG_BUILD_WEB=OFF && ninja -C build-fuzz mqtt_fuzz
//   build-fuzz/fuzz/mqtt_fuzz -max_total_time=60 fuzz/corpus/mqtt
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "anguan/ingest/mqtt_codec.hpp"

namespace mqtt = anguan::ingest::mqtt;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)mqtt::decodeVarint(in);
  while (!in.empty()) {
    const auto d = mqtt::decodeFrame(in, 1 << 20);
    if (d.status != mqtt::DecodeStatus::kOk) {
      break;
    }
    const auto& f = d.frame;
    (void)mqtt::checkFlags(f);
    switch (f.type) {
      case mqtt::PacketType::kPublish: {
        auto p = mqtt::decodePublish(f);
        if (p) {
          // Views must lie inside the frame.
          if (p->topic.data() < f.body.data() ||
              p->payload.data() + p->payload.size() > f.body.data() + f.body.size()) {
            __builtin_trap();
          }
        }
        break;
      }
      case mqtt::PacketType::kConnack:
        (void)mqtt::decodeConnack(f);
        break;
      case mqtt::PacketType::kSuback:
        (void)mqtt::decodeSuback(f);
        break;
      case mqtt::PacketType::kPuback:
        (void)mqtt::decodePuback(f);
        break;
      case mqtt::PacketType::kDisconnect:
        (void)mqtt::decodeDisconnect(f);
        break;
      default:
        break;
    }
    in.remove_prefix(f.total_length);
  }
  return 0;
}
