// Violations from AI-camera and positioning events: when an event is confirmed (enough
// consecutive frames and confidence, per event type), how repeats are de-duplicated, and what a
// confirmed violation does (suspend the work, mark the person for training, count as PPE).
//
// Thread safety: the functions are pure; a ViolationDeduper is a plain value, callers serialise.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"

namespace anguan::monitor {

enum class ViolationType : std::uint8_t {
  kNoHelmet,
  kNoHarness,
  kSmoking,
  kIntrusion,
  kFireSmoke,
  kGuardianAbsent,
  kUnauthorisedEntry,
  kOvercrowding,
  kOvertime,
};
inline constexpr std::size_t kViolationTypeCount = 9;

enum class EventSource : std::uint8_t { kCamera, kPositioning };

struct ViolationTypeInfo {
  ViolationType type;
  std::string_view code;      // "no_helmet", "guardian_absent", ...
  std::string_view name_key;  // "monitor.violation.<code>"
  EventSource source;
  bool suspends_work;   // Confirmed -> suspend the area's active permits (guardian absent).
  bool marks_training;  // Confirmed with a known person -> the person needs training.
  bool ppe;             // Counts against indicator O2 (PPE compliance).
};

std::span<const ViolationTypeInfo> allViolationTypes();
const ViolationTypeInfo& violationInfo(ViolationType type);
std::optional<ViolationType> parseViolationType(std::string_view code);

struct ConfirmationRule {
  int min_frames = 0;
  double min_confidence = 0.0;  // 0..1
};

struct ViolationPolicy {
  // Camera types default to 3 frames and 0.80 confidence (fire/smoke 0.60: a miss costs more);
  // positioning events are already decided by the positioning system (0 frames, 0 confidence).
  std::array<ConfirmationRule, kViolationTypeCount> rules = defaultRules();
  std::chrono::milliseconds dedup_window = std::chrono::minutes(5);

  const ConfirmationRule& rule(ViolationType type) const {
    return rules[static_cast<std::size_t>(type)];
  }
  static std::array<ConfirmationRule, kViolationTypeCount> defaultRules();
};

struct ViolationEvent {
  ViolationType type = ViolationType::kNoHelmet;
  std::int64_t area_id = 0;
  std::int64_t person_id = 0;  // 0 when the event names nobody.
  std::int64_t device_id = 0;  // Camera or positioning device.
  double confidence = 1.0;     // 0..1
  int frames = 0;              // Consecutive frames (camera events).
  Instant at{};
};

// Fails with kInvalidArgument "violation.bad_confidence" (not a number in 0..1) or
// "violation.bad_frames" (negative).
[[nodiscard]] Status validateEvent(const ViolationEvent& event);

// frames >= min_frames and confidence >= min_confidence of the event's type.
bool isConfirmed(const ViolationEvent& event, const ViolationPolicy& policy);

enum class Dedup : std::uint8_t { kNew, kDuplicate };

// Answers whether a confirmed event is a new violation or a repeat of one recorded less than the
// window ago for the same type, area and subject (the person when named, else the device). The
// window runs from the last *new* violation, so an ongoing situation yields one violation per
// window; at exactly the window length it is new again. Memory grows with distinct keys: call
// prune() now and then.
class ViolationDeduper {
 public:
  explicit ViolationDeduper(std::chrono::milliseconds window = std::chrono::minutes(5))
      : window_(window) {}

  Dedup check(const ViolationEvent& event);
  // Forgets keys whose last violation is at least a window older than `now`.
  void prune(Instant now);
  std::size_t size() const { return last_.size(); }

 private:
  struct Key {
    ViolationType type;
    std::int64_t area_id;
    bool is_person;
    std::int64_t subject;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept;
  };

  std::chrono::milliseconds window_;
  std::unordered_map<Key, Instant, KeyHash> last_;
};

}  // namespace anguan::monitor
