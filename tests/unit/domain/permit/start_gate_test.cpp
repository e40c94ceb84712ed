#include "anguan/domain/permit/start_gate.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "anguan/domain/permit/grading.hpp"

namespace anguan::permit {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

const Instant kNow = fromMillis(1800000000000);

bool hasKey(const std::vector<Reason>& reasons, const std::string& key) {
  return std::any_of(reasons.begin(), reasons.end(), [&](const Reason& r) { return r.key == key; });
}

GateInput ready() {
  GateInput in;
  in.state = State::kIssued;
  in.now = kNow;
  in.valid_from = kNow - hours{1};
  in.valid_to = kNow + hours{7};
  in.gas_required = true;
  in.last_passing_gas_test = kNow - minutes{10};
  in.measures_total = 16;
  in.measures_confirmed = 16;
  in.briefing_signed = true;
  in.needs_shift_leader_check = true;
  in.shift_leader_checked = true;
  return in;
}

TEST(PermitStartGate, ReadyPermitMayStart) { EXPECT_TRUE(startBlockers(ready()).empty()); }

TEST(PermitStartGate, GasTestAgeBoundary) {
  struct Case {
    milliseconds age;
    bool blocked;
  };
  for (const Case& c :
       {Case{milliseconds{0}, false}, Case{minutes{29}, false}, Case{minutes{30}, false},
        Case{minutes{30} + milliseconds{1}, true}, Case{minutes{31}, true}, Case{hours{2}, true}}) {
    GateInput in = ready();
    in.last_passing_gas_test = kNow - c.age;
    const auto blockers = startBlockers(in);
    EXPECT_EQ(hasKey(blockers, "permit.gate.gas_stale"), c.blocked) << c.age.count();
    EXPECT_EQ(blockers.size(), c.blocked ? 1u : 0u) << c.age.count();
  }
}

TEST(PermitStartGate, GasAgeLimitIsConfigurable) {
  GateInput in = ready();
  in.gas_max_age = minutes{60};
  in.last_passing_gas_test = kNow - minutes{45};
  EXPECT_TRUE(startBlockers(in).empty());
}

TEST(PermitStartGate, EachMissingConditionBlocks) {
  struct Case {
    const char* key;
    void (*spoil)(GateInput&);
  };
  const Case cases[] = {
      {"permit.gate.not_issued", [](GateInput& in) { in.state = State::kInApproval; }},
      {"permit.gate.not_issued", [](GateInput& in) { in.state = State::kExpired; }},
      {"permit.gate.before_validity",
       [](GateInput& in) { in.valid_from = kNow + milliseconds{1}; }},
      {"permit.gate.expired", [](GateInput& in) { in.valid_to = kNow; }},
      {"permit.gate.gas_missing", [](GateInput& in) { in.last_passing_gas_test.reset(); }},
      {"permit.gate.gas_in_future",
       [](GateInput& in) { in.last_passing_gas_test = kNow + minutes{1}; }},
      {"permit.gate.measures_unconfirmed", [](GateInput& in) { in.measures_confirmed = 15; }},
      {"permit.gate.briefing_unsigned", [](GateInput& in) { in.briefing_signed = false; }},
      {"permit.gate.shift_leader_unchecked",
       [](GateInput& in) { in.shift_leader_checked = false; }},
      {"permit.gate.guardian_absent", [](GateInput& in) { in.guardian_present = false; }},
      {"permit.gate.continuous_monitor_missing",
       [](GateInput& in) { in.continuous_monitor_required = true; }},
  };
  for (const auto& c : cases) {
    GateInput in = ready();
    c.spoil(in);
    const auto blockers = startBlockers(in);
    ASSERT_EQ(blockers.size(), 1u) << c.key;
    EXPECT_EQ(blockers[0].key, c.key);
  }
}

TEST(PermitStartGate, ValidityEdges) {
  GateInput in = ready();
  in.valid_from = kNow;  // starting exactly at valid_from is fine
  EXPECT_TRUE(startBlockers(in).empty());
  in.valid_to = kNow + milliseconds{1};
  EXPECT_TRUE(startBlockers(in).empty());
  in.valid_to = kNow;  // at valid_to the permit is expired
  EXPECT_TRUE(hasKey(startBlockers(in), "permit.gate.expired"));
}

TEST(PermitStartGate, NoGasOrShiftLeaderNeededWhenNotRequired) {
  GateInput in = ready();
  in.gas_required = false;
  in.last_passing_gas_test.reset();
  in.needs_shift_leader_check = false;
  in.shift_leader_checked = false;
  EXPECT_TRUE(startBlockers(in).empty());
}

TEST(PermitStartGate, MeasureCountDetailsAreReported) {
  GateInput in = ready();
  in.measures_confirmed = 3;
  const auto blockers = startBlockers(in);
  ASSERT_EQ(blockers.size(), 1u);
  EXPECT_EQ(blockers[0].params.at("confirmed"), "3");
  EXPECT_EQ(blockers[0].params.at("total"), "16");
}

ResumeInput suspended(minutes break_length, minutes interval) {
  ResumeInput in;
  in.suspended_at = kNow - break_length;
  in.now = kNow;
  in.retest_after_break = interval;
  in.gas_required = true;
  in.last_passing_gas_test = in.suspended_at - minutes{20};  // the test before the break
  in.valid_to = kNow + hours{4};
  return in;
}

TEST(PermitResumeGate, BreakBoundaries) {
  struct Case {
    milliseconds break_length;
    minutes interval;
    bool needs_retest;
  };
  const Case cases[] = {
      // 特级/一级 hot work: 30 min
      {minutes{29}, minutes{30}, false},
      {minutes{30}, minutes{30}, false},
      {minutes{30} + milliseconds{1}, minutes{30}, true},
      {minutes{31}, minutes{30}, true},
      // 二级 hot work, confined space: 60 min
      {minutes{60}, minutes{60}, false},
      {minutes{60} + milliseconds{1}, minutes{60}, true},
      {minutes{61}, minutes{60}, true},
      // no re-test rule
      {hours{10}, minutes{0}, false},
  };
  for (const auto& c : cases) {
    ResumeInput in = suspended(minutes{0}, c.interval);
    in.suspended_at = kNow - c.break_length;
    in.last_passing_gas_test = in.suspended_at - minutes{5};
    const auto blockers = resumeBlockers(in);
    EXPECT_EQ(hasKey(blockers, "permit.gate.retest_after_break"), c.needs_retest)
        << c.break_length.count() << " / " << c.interval.count();
  }
}

TEST(PermitResumeGate, FreshTestAfterTheBreakAllowsResume) {
  ResumeInput in = suspended(minutes{90}, minutes{60});
  EXPECT_FALSE(resumeBlockers(in).empty());
  in.last_passing_gas_test = kNow - minutes{5};
  EXPECT_TRUE(resumeBlockers(in).empty());
  // A test right at the suspension moment was taken before the break ended: not enough.
  in.last_passing_gas_test = in.suspended_at;
  EXPECT_TRUE(hasKey(resumeBlockers(in), "permit.gate.gas_before_break"));
  // After the break but more than 30 min old.
  in.suspended_at = kNow - hours{3};
  in.last_passing_gas_test = kNow - minutes{30} - milliseconds{1};
  EXPECT_TRUE(hasKey(resumeBlockers(in), "permit.gate.gas_stale"));
  in.last_passing_gas_test = kNow - minutes{30};
  EXPECT_TRUE(resumeBlockers(in).empty());
}

TEST(PermitResumeGate, NoGasRuleAndExpiry) {
  ResumeInput in = suspended(hours{5}, minutes{30});
  in.gas_required = false;
  EXPECT_TRUE(resumeBlockers(in).empty());
  in.valid_to = kNow;
  EXPECT_TRUE(hasKey(resumeBlockers(in), "permit.gate.expired"));
}

TEST(PermitStartGate, AGasWhoseLatestReadingFailedBlocks) {
  GateInput in = ready();
  in.failing_gases = {"h2s"};
  auto blockers = startBlockers(in);
  ASSERT_EQ(blockers.size(), 1u);
  EXPECT_EQ(blockers[0].key, "permit.gate.gas_failed");
  EXPECT_EQ(blockers[0].params.at("gases"), "h2s");
  EXPECT_EQ(renderReason(blockers[0], true), "硫化氢 最近一次检测不合格，须处理后重新检测合格");
  // Also where the type needs no test: a failed reading is a hazard on site.
  in.gas_required = false;
  in.failing_gases = {"flammable", "o2"};
  blockers = startBlockers(in);
  ASSERT_EQ(blockers.size(), 1u);
  EXPECT_EQ(renderReason(blockers[0], false),
            "The latest test of Flammable gas, O₂ failed: make it safe and test again");
}

TEST(PermitResumeGate, AGasWhoseLatestReadingFailedBlocksWhateverTheBreak) {
  // A short break needs no re-test, but a failed reading still stands.
  ResumeInput in = suspended(minutes{5}, minutes{30});
  EXPECT_TRUE(resumeBlockers(in).empty());
  in.failing_gases = {"co"};
  EXPECT_TRUE(hasKey(resumeBlockers(in), "permit.gate.gas_failed"));
  in.gas_required = false;
  EXPECT_TRUE(hasKey(resumeBlockers(in), "permit.gate.gas_failed"));
}

TEST(PermitStartGate, ExpiryAndRetestDue) {
  EXPECT_FALSE(isExpired(kNow + milliseconds{1}, kNow));
  EXPECT_TRUE(isExpired(kNow, kNow));
  EXPECT_TRUE(isExpired(kNow - milliseconds{1}, kNow));
  EXPECT_FALSE(nextRetestDue(kNow, minutes{0}).has_value());
  ASSERT_TRUE(nextRetestDue(kNow, minutes{120}).has_value());
  EXPECT_EQ(*nextRetestDue(kNow, minutes{120}), kNow + hours{2});
}

TEST(PermitGuardianPresence, SilenceLongerThanTheTimeoutIsAbsence) {
  struct Case {
    std::chrono::milliseconds since_last_seen;
    bool absent;
  };
  const Case cases[] = {{milliseconds{0}, false},
                        {minutes{4}, false},
                        {minutes{5}, false},  // exactly at the timeout: still present
                        {minutes{5} + milliseconds{1}, true},
                        {hours{1}, true}};
  for (const auto& c : cases) {
    EXPECT_EQ(guardianAbsent(kNow - c.since_last_seen, kNow), c.absent)
        << c.since_last_seen.count() << " ms";
  }
  EXPECT_FALSE(guardianAbsent(kNow - minutes{9}, kNow, minutes{10}));
  EXPECT_TRUE(guardianAbsent(kNow - minutes{11}, kNow, minutes{10}));
}

}  // namespace
}  // namespace anguan::permit
