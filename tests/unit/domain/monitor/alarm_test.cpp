#include "anguan/domain/monitor/alarm.hpp"

#include <chrono>
#include <optional>

#include <gtest/gtest.h>

namespace anguan::monitor {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

const Instant kT0 = fromMillis(1'800'000'000'000);

using enum AlarmState;
using enum AlarmEvent;

constexpr AlarmState kStates[] = {kRaised, kAcknowledged, kClearedUnacknowledged, kCleared,
                                  kClosed};
constexpr AlarmEvent kEvents[] = {kAcknowledge, kClear, kClose, kRecur, kUpgrade};

struct LegalRow {
  AlarmState from;
  AlarmEvent event;
  Severity severity;
  AlarmState to;
};

// Every legal (state, event, severity); everything else must fail.
constexpr LegalRow kLegal[] = {
    {kRaised, kAcknowledge, Severity::kWarning, kAcknowledged},
    {kRaised, kAcknowledge, Severity::kCritical, kAcknowledged},
    {kRaised, kClear, Severity::kWarning, kClearedUnacknowledged},
    {kRaised, kClear, Severity::kCritical, kClearedUnacknowledged},
    {kRaised, kUpgrade, Severity::kWarning, kRaised},
    {kAcknowledged, kClear, Severity::kWarning, kCleared},
    {kAcknowledged, kClear, Severity::kCritical, kCleared},
    {kAcknowledged, kUpgrade, Severity::kWarning, kRaised},
    {kClearedUnacknowledged, kAcknowledge, Severity::kWarning, kCleared},
    {kClearedUnacknowledged, kAcknowledge, Severity::kCritical, kCleared},
    {kClearedUnacknowledged, kRecur, Severity::kWarning, kRaised},
    {kClearedUnacknowledged, kRecur, Severity::kCritical, kRaised},
    {kCleared, kClose, Severity::kWarning, kClosed},
    {kCleared, kClose, Severity::kCritical, kClosed},
    {kCleared, kRecur, Severity::kWarning, kRaised},
    {kCleared, kRecur, Severity::kCritical, kRaised},
};

std::optional<AlarmState> expectedNext(AlarmState from, AlarmEvent event, Severity severity) {
  for (const LegalRow& row : kLegal) {
    if (row.from == from && row.event == event && row.severity == severity) {
      return row.to;
    }
  }
  return std::nullopt;
}

TEST(MonitorAlarmTest, TransitionTableIsExactlyTheLegalSet) {
  int legal = 0;
  for (AlarmState from : kStates) {
    for (AlarmEvent event : kEvents) {
      for (Severity severity : {Severity::kWarning, Severity::kCritical}) {
        const auto expected = expectedNext(from, event, severity);
        const Result<AlarmState> got = nextState(from, event, severity);
        const std::string where = std::string(toString(from)) + " + " +
                                  std::string(toString(event)) + " (" +
                                  std::string(toString(severity)) + ")";
        if (expected) {
          ++legal;
          ASSERT_TRUE(got.has_value()) << where;
          EXPECT_EQ(*got, *expected) << where;
        } else {
          ASSERT_TRUE(got.has_error()) << where;
          EXPECT_EQ(got.error().code(), ErrorCode::kConflict) << where;
          EXPECT_EQ(got.error().key(), "alarm.illegal_transition") << where;
          EXPECT_EQ(got.error().details().at("from"), toString(from));
          EXPECT_EQ(got.error().details().at("event"), toString(event));
        }
      }
    }
  }
  EXPECT_EQ(legal, static_cast<int>(std::size(kLegal)));
}

TEST(MonitorAlarmTest, AcknowledgeThenClearThenClose) {
  Alarm a = raiseAlarm(AlarmKind::kThreshold, Severity::kCritical, kT0);
  EXPECT_EQ(a.state, kRaised);
  ASSERT_TRUE(apply(a, kAcknowledge, kT0 + 1min));
  ASSERT_TRUE(apply(a, kClear, kT0 + 2min));
  EXPECT_EQ(a.state, kCleared);
  ASSERT_TRUE(apply(a, kClose, kT0 + 3min));
  EXPECT_EQ(a.state, kClosed);
  EXPECT_EQ(a.acknowledged_at, kT0 + 1min);
  EXPECT_EQ(a.cleared_at, kT0 + 2min);
  EXPECT_EQ(a.closed_at, kT0 + 3min);
  EXPECT_FALSE(isOpen(a.state));
}

TEST(MonitorAlarmTest, ClearedAlarmStillNeedsAcknowledgementBeforeClosing) {
  Alarm a = raiseAlarm(AlarmKind::kDeviceOffline, Severity::kWarning, kT0);
  ASSERT_TRUE(apply(a, kClear, kT0 + 1min));
  EXPECT_EQ(a.state, kClearedUnacknowledged);
  EXPECT_TRUE(needsAcknowledgement(a.state));
  const Status early = apply(a, kClose, kT0 + 2min);
  ASSERT_TRUE(early.has_error());
  EXPECT_EQ(early.error().key(), "alarm.illegal_transition");
  EXPECT_EQ(a.state, kClearedUnacknowledged);  // Unchanged on failure.
  ASSERT_TRUE(apply(a, kAcknowledge, kT0 + 3min));
  EXPECT_EQ(a.state, kCleared);
  ASSERT_TRUE(apply(a, kClose, kT0 + 4min));
  EXPECT_EQ(a.state, kClosed);
  EXPECT_TRUE(apply(a, kRecur, kT0 + 5min).has_error());  // Closed is final.
}

TEST(MonitorAlarmTest, RecurrenceReopensTheSameAlarm) {
  Alarm a = raiseAlarm(AlarmKind::kThreshold, Severity::kCritical, kT0);
  ASSERT_TRUE(apply(a, kAcknowledge, kT0 + 1min));
  EXPECT_TRUE(apply(a, kRecur, kT0 + 90s).has_error());  // Still active: no second raise.
  ASSERT_TRUE(apply(a, kClear, kT0 + 2min));
  a.escalation_level = 1;
  ASSERT_TRUE(apply(a, kRecur, kT0 + 10min));
  EXPECT_EQ(a.state, kRaised);
  EXPECT_EQ(a.occurrences, 2);
  EXPECT_EQ(a.ack_due_from, kT0 + 10min);
  EXPECT_EQ(a.raised_at, kT0);
  EXPECT_FALSE(a.acknowledged_at.has_value());
  EXPECT_FALSE(a.cleared_at.has_value());
  EXPECT_EQ(a.escalation_level, 0);
}

TEST(MonitorAlarmTest, UpgradeMakesItCriticalAndNeedsFreshAcknowledgement) {
  Alarm a = raiseAlarm(AlarmKind::kThreshold, Severity::kWarning, kT0);
  ASSERT_TRUE(apply(a, kAcknowledge, kT0 + 1min));
  ASSERT_TRUE(apply(a, kUpgrade, kT0 + 2min));
  EXPECT_EQ(a.state, kRaised);
  EXPECT_EQ(a.severity, Severity::kCritical);
  EXPECT_EQ(a.ack_due_from, kT0 + 2min);
  EXPECT_FALSE(a.acknowledged_at.has_value());
  EXPECT_TRUE(apply(a, kUpgrade, kT0 + 3min).has_error());  // Guard: already critical.
}

TEST(MonitorAlarmTest, EventsBeforeTheRaiseAreRejected) {
  Alarm a = raiseAlarm(AlarmKind::kThreshold, Severity::kWarning, kT0);
  const Status s = apply(a, kAcknowledge, kT0 - 1ms);
  ASSERT_TRUE(s.has_error());
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().key(), "alarm.time_before_raise");
  EXPECT_EQ(a.state, kRaised);
  EXPECT_TRUE(apply(a, kAcknowledge, kT0));
}

struct EscalationRow {
  const char* name;
  Severity severity;
  AlarmState state;
  int current_level;
  milliseconds elapsed;
  std::optional<int> due;
};

TEST(MonitorAlarmTest, EscalationRepeatsEverySlaPeriodUpToTheMaximum) {
  const EscalationRow rows[] = {
      {"critical at exactly 5 min", Severity::kCritical, kRaised, 0, 5min, std::nullopt},
      {"critical just past 5 min", Severity::kCritical, kRaised, 0, 5min + 1ms, 1},
      {"level 1 done, at 10 min", Severity::kCritical, kRaised, 1, 10min, std::nullopt},
      {"level 1 done, past 10 min", Severity::kCritical, kRaised, 1, 10min + 1ms, 2},
      {"one step at a time", Severity::kCritical, kRaised, 0, 12min, 1},
      {"at the maximum", Severity::kCritical, kRaised, 3, 60min, std::nullopt},
      {"warning at exactly 30 min", Severity::kWarning, kRaised, 0, 30min, std::nullopt},
      {"warning just past 30 min", Severity::kWarning, kRaised, 0, 30min + 1ms, 1},
      {"warning not at 6 min", Severity::kWarning, kRaised, 0, 6min, std::nullopt},
      {"acknowledged", Severity::kCritical, kAcknowledged, 0, 60min, std::nullopt},
      {"cleared, unacknowledged", Severity::kCritical, kClearedUnacknowledged, 0, 60min,
       std::nullopt},
      {"closed", Severity::kCritical, kClosed, 0, 60min, std::nullopt},
  };
  for (const EscalationRow& row : rows) {
    Alarm a = raiseAlarm(AlarmKind::kThreshold, row.severity, kT0);
    a.state = row.state;
    a.escalation_level = row.current_level;
    EXPECT_EQ(escalationDue(a, kT0 + row.elapsed), row.due) << row.name;
  }

  AckSla custom;
  custom.critical = 1min;
  custom.max_escalation_levels = 1;
  Alarm a = raiseAlarm(AlarmKind::kEquipmentFault, Severity::kCritical, kT0);
  EXPECT_EQ(escalationDue(a, kT0 + 61s, custom), 1);
  a.escalation_level = 1;
  EXPECT_EQ(escalationDue(a, kT0 + 10min, custom), std::nullopt);
}

TEST(MonitorAlarmTest, AcknowledgedWithinSlaIsInclusive) {
  Alarm a = raiseAlarm(AlarmKind::kThreshold, Severity::kCritical, kT0);
  EXPECT_FALSE(acknowledgedWithinSla(a));
  a.acknowledged_at = kT0 + 5min;
  EXPECT_TRUE(acknowledgedWithinSla(a));
  a.acknowledged_at = kT0 + 5min + 1ms;
  EXPECT_FALSE(acknowledgedWithinSla(a));
  a.severity = Severity::kWarning;
  EXPECT_TRUE(acknowledgedWithinSla(a));
}

TEST(MonitorAlarmTest, CodesRoundTrip) {
  for (AlarmState s : kStates) {
    EXPECT_EQ(parseAlarmState(toString(s)), s);
  }
  for (AlarmKind k : {AlarmKind::kThreshold, AlarmKind::kRate, AlarmKind::kDeviceOffline,
                      AlarmKind::kEquipmentFault}) {
    EXPECT_EQ(parseAlarmKind(toString(k)), k);
  }
  EXPECT_EQ(parseSeverity("critical"), Severity::kCritical);
  EXPECT_EQ(toString(kClearedUnacknowledged), "cleared_unacknowledged");
  EXPECT_EQ(parseAlarmState("open"), std::nullopt);
}

}  // namespace
}  // namespace anguan::monitor
