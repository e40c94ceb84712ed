#include "anguan/domain/monitor/violation.hpp"

#include <cmath>
#include <functional>
#include <iterator>

namespace anguan::monitor {
namespace {

using enum ViolationType;
using enum EventSource;

constexpr std::array<ViolationTypeInfo, kViolationTypeCount> kTypes{{
    {kNoHelmet, "no_helmet", "monitor.violation.no_helmet", kCamera, false, true, true},
    {kNoHarness, "no_harness", "monitor.violation.no_harness", kCamera, false, true, true},
    {kSmoking, "smoking", "monitor.violation.smoking", kCamera, false, true, false},
    {kIntrusion, "intrusion", "monitor.violation.intrusion", kCamera, false, true, false},
    {kFireSmoke, "fire_smoke", "monitor.violation.fire_smoke", kCamera, false, false, false},
    {kGuardianAbsent, "guardian_absent", "monitor.violation.guardian_absent", kPositioning, true,
     true, false},
    {kUnauthorisedEntry, "unauthorised_entry", "monitor.violation.unauthorised_entry", kPositioning,
     false, true, false},
    {kOvercrowding, "overcrowding", "monitor.violation.overcrowding", kPositioning, false, false,
     false},
    {kOvertime, "overtime", "monitor.violation.overtime", kPositioning, false, false, false},
}};

}  // namespace

std::span<const ViolationTypeInfo> allViolationTypes() { return kTypes; }

const ViolationTypeInfo& violationInfo(ViolationType type) {
  return kTypes[static_cast<std::size_t>(type)];
}

std::optional<ViolationType> parseViolationType(std::string_view code) {
  for (const ViolationTypeInfo& info : kTypes) {
    if (info.code == code) {
      return info.type;
    }
  }
  return std::nullopt;
}

std::array<ConfirmationRule, kViolationTypeCount> ViolationPolicy::defaultRules() {
  std::array<ConfirmationRule, kViolationTypeCount> rules{};
  for (const ViolationTypeInfo& info : kTypes) {
    if (info.source == kCamera) {
      rules[static_cast<std::size_t>(info.type)] = {3, 0.80};
    }
  }
  rules[static_cast<std::size_t>(kFireSmoke)].min_confidence = 0.60;
  return rules;
}

Status validateEvent(const ViolationEvent& event) {
  if (!(event.confidence >= 0.0 && event.confidence <= 1.0)) {
    return Error::invalidArgument("violation.bad_confidence", "confidence must be within 0..1");
  }
  if (event.frames < 0) {
    return Error::invalidArgument("violation.bad_frames", "frames must not be negative");
  }
  return okStatus();
}

bool isConfirmed(const ViolationEvent& event, const ViolationPolicy& policy) {
  const ConfirmationRule& rule = policy.rule(event.type);
  return event.frames >= rule.min_frames && event.confidence >= rule.min_confidence;
}

std::size_t ViolationDeduper::KeyHash::operator()(const Key& k) const noexcept {
  std::size_t h = std::hash<std::int64_t>{}(k.area_id);
  h = h * 1000003U ^ std::hash<std::int64_t>{}(k.subject);
  h = h * 1000003U ^ (static_cast<std::size_t>(k.type) << 1U | (k.is_person ? 1U : 0U));
  return h;
}

Dedup ViolationDeduper::check(const ViolationEvent& event) {
  const bool is_person = event.person_id != 0;
  const Key key{event.type, event.area_id, is_person,
                is_person ? event.person_id : event.device_id};
  auto [it, inserted] = last_.try_emplace(key, event.at);
  if (inserted) {
    return Dedup::kNew;
  }
  const auto gap = event.at - it->second;
  if (gap < window_ && gap > -window_) {
    return Dedup::kDuplicate;
  }
  if (event.at > it->second) {
    it->second = event.at;
  }
  return Dedup::kNew;
}

void ViolationDeduper::prune(Instant now) {
  std::erase_if(last_, [&](const auto& entry) { return now - entry.second >= window_; });
}

}  // namespace anguan::monitor
