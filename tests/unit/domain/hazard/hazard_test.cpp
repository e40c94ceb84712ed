#include "anguan/domain/hazard/hazard.hpp"

#include <map>
#include <utility>

#include <gtest/gtest.h>

namespace anguan::hazard {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;

// The legal table written out independently of the implementation.
const std::map<std::pair<State, Action>, State>& legal() {
  static const std::map<std::pair<State, Action>, State> kLegal = {
      {{State::kReported, Action::kAssign}, State::kAssigned},
      {{State::kReported, Action::kReject}, State::kRejected},
      {{State::kAssigned, Action::kReassign}, State::kAssigned},
      {{State::kAssigned, Action::kStart}, State::kRectifying},
      {{State::kAssigned, Action::kReject}, State::kRejected},
      {{State::kAssigned, Action::kExtend}, State::kAssigned},
      {{State::kRectifying, Action::kReassign}, State::kAssigned},
      {{State::kRectifying, Action::kSubmit}, State::kSubmitted},
      {{State::kRectifying, Action::kExtend}, State::kRectifying},
      {{State::kSubmitted, Action::kVerifyPass}, State::kClosed},
      {{State::kSubmitted, Action::kVerifyFail}, State::kRectifying},
  };
  return kLegal;
}

TEST(HazardStateMachine, EveryPairMatchesTheTable) {
  int legal_count = 0;
  for (State from : kAllStates) {
    for (Action action : kAllActions) {
      SCOPED_TRACE(std::string(toString(from)) + " + " + toString(action));
      auto result = transition(from, action);
      auto it = legal().find({from, action});
      if (it != legal().end()) {
        ASSERT_TRUE(result.has_value());
        EXPECT_EQ(*result, it->second);
        ++legal_count;
      } else {
        ASSERT_TRUE(result.has_error());
        EXPECT_EQ(result.error().code(), ErrorCode::kConflict);
        EXPECT_EQ(result.error().key(), "hazard.illegal_transition");
        EXPECT_EQ(result.error().details().at("from"), toString(from));
        EXPECT_EQ(result.error().details().at("action"), toString(action));
      }
    }
  }
  EXPECT_EQ(legal_count, static_cast<int>(legal().size()));
}

TEST(HazardStateMachine, NamesRoundTrip) {
  for (State s : kAllStates) {
    EXPECT_EQ(parseState(toString(s)), s);
  }
  for (Action a : kAllActions) {
    EXPECT_EQ(parseAction(toString(a)), a);
  }
  for (Level l : {Level::kGeneral, Level::kMajor}) {
    EXPECT_EQ(parseLevel(toString(l)), l);
  }
  for (Source s :
       {Source::kAdHoc, Source::kInspection, Source::kPermit, Source::kAiCamera, Source::kAudit}) {
    EXPECT_EQ(parseSource(toString(s)), s);
  }
  EXPECT_FALSE(parseState("open"));
  EXPECT_FALSE(parseLevel("较大"));
  EXPECT_TRUE(isOpen(State::kSubmitted));
  EXPECT_FALSE(isOpen(State::kClosed));
  EXPECT_FALSE(isOpen(State::kRejected));
}

HazardFacts facts() {
  HazardFacts h;
  h.state = State::kSubmitted;
  h.reporter_user_id = 10;
  h.assignee_person_id = 20;
  h.rectifier_user_id = 30;
  return h;
}

TEST(HazardGuards, Verifier) {
  struct Case {
    const char* name;
    ActorFacts actor;
    const char* error;  // nullptr = allowed
  };
  const Case cases[] = {
      {"reporter", {10, 0, false}, nullptr},
      {"safety officer", {99, 0, true}, nullptr},
      {"rectifier", {30, 20, false}, "hazard.self_verify"},
      {"rectifier who is a safety officer", {30, 20, true}, "hazard.self_verify"},
      {"someone else", {77, 0, false}, "hazard.not_verifier"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto s = checkVerifier(facts(), c.actor);
    if (c.error == nullptr) {
      EXPECT_TRUE(s.has_value());
    } else {
      ASSERT_TRUE(s.has_error());
      EXPECT_EQ(s.error().key(), c.error);
      EXPECT_EQ(s.error().code(), ErrorCode::kPermissionDenied);
    }
  }
  // The reporter who also rectified may not verify it.
  HazardFacts own = facts();
  own.rectifier_user_id = 10;
  EXPECT_EQ(checkVerifier(own, {10, 0, false}).error().key(), "hazard.self_verify");
}

TEST(HazardGuards, Rectifier) {
  HazardFacts h = facts();
  h.state = State::kAssigned;
  EXPECT_TRUE(checkRectifier(h, {5, 20, false}).has_value());
  EXPECT_EQ(checkRectifier(h, {5, 21, true}).error().key(), "hazard.not_assignee");
  EXPECT_EQ(checkRectifier(h, {5, 0, false}).error().key(), "hazard.not_assignee");
  h.assignee_person_id = 0;
  EXPECT_EQ(checkRectifier(h, {5, 0, false}).error().key(), "hazard.not_assignee");
  h.assignee_person_id = 20;
  h.level = Level::kMajor;
  EXPECT_EQ(checkRectifier(h, {5, 20, false}).error().key(), "hazard.plan_required");
  h.has_plan = true;
  EXPECT_TRUE(checkRectifier(h, {5, 20, false}).has_value());
}

TEST(HazardGuards, Evidence) {
  struct Case {
    Evidence e;
    const char* missing;
  };
  const Case cases[] = {
      {{1, "fixed", "replaced guard"}, nullptr},
      {{0, "fixed", "replaced guard"}, "photos"},
      {{2, "", "replaced guard"}, "text"},
      {{2, "fixed", ""}, "measure"},
      {{0, "", ""}, "photos"},
  };
  for (const auto& c : cases) {
    auto s = checkEvidence(c.e);
    if (c.missing == nullptr) {
      EXPECT_TRUE(s.has_value());
    } else {
      ASSERT_TRUE(s.has_error());
      EXPECT_EQ(s.error().key(), "hazard.evidence_required");
      EXPECT_EQ(s.error().details().at("missing"), c.missing);
    }
  }
}

TEST(HazardGuards, MajorNeedsAcceptanceToClose) {
  HazardFacts h = facts();
  EXPECT_TRUE(checkClose(h).has_value());
  h.level = Level::kMajor;
  EXPECT_EQ(checkClose(h).error().key(), "hazard.acceptance_required");
  h.has_acceptance = true;
  EXPECT_TRUE(checkClose(h).has_value());
}

TEST(HazardGuards, ExtensionNeedsLaterDeadlineAndInterimControls) {
  HazardFacts h = facts();
  h.deadline = fromMillis(1'000'000);
  EXPECT_TRUE(checkExtension(h, fromMillis(1'000'001), "barrier and watchman").has_value());
  EXPECT_EQ(checkExtension(h, fromMillis(1'000'000), "x").error().key(),
            "hazard.deadline_not_later");
  EXPECT_EQ(checkExtension(h, fromMillis(2'000'000), " \n").error().key(),
            "hazard.interim_controls_required");
  EXPECT_EQ(checkReason("").error().key(), "hazard.reason_required");
  EXPECT_TRUE(checkReason("not ours").has_value());
}

TEST(HazardGuards, PlanNeedsAllSixParts) {
  GovernancePlan p{"t", "m", "f", "r", fromMillis(1), "s"};
  EXPECT_TRUE(checkPlan(p).has_value());
  struct Case {
    void (*clear)(GovernancePlan&);
    const char* part;
  };
  const Case cases[] = {
      {[](GovernancePlan& x) { x.targets.clear(); }, "targets"},
      {[](GovernancePlan& x) { x.method.clear(); }, "method"},
      {[](GovernancePlan& x) { x.funds.clear(); }, "funds"},
      {[](GovernancePlan& x) { x.responsible.clear(); }, "responsible"},
      {[](GovernancePlan& x) { x.deadline.reset(); }, "deadline"},
      {[](GovernancePlan& x) { x.safety_measures.clear(); }, "safety_measures"},
  };
  for (const auto& c : cases) {
    GovernancePlan q = p;
    c.clear(q);
    auto s = checkPlan(q);
    ASSERT_TRUE(s.has_error());
    EXPECT_EQ(s.error().details().at("part"), c.part);
  }
}

TEST(HazardDeadline, ByLevelAndConfigurable) {
  const Instant t0 = fromMillis(1'700'000'000'000);
  DeadlinePolicy policy;
  EXPECT_EQ(deadlineFor(Level::kGeneral, t0, policy), t0 + days{7});
  EXPECT_EQ(deadlineFor(Level::kMajor, t0, policy), t0 + days{30});
  policy.days[Level::kGeneral] = 3;
  EXPECT_EQ(deadlineFor(Level::kGeneral, t0, policy), t0 + days{3});
}

TEST(HazardChase, LocalDayBoundaries) {
  // 2026-01-01T00:00+08:00 = 2025-12-31T16:00Z.
  const Instant midnight_local = fromMillis(1767196800000);
  EXPECT_EQ(localDay(midnight_local, 480), localDay(midnight_local - milliseconds{1}, 480) + 1);
  EXPECT_EQ(localDay(midnight_local, 0), localDay(midnight_local - milliseconds{1}, 0));
  EXPECT_EQ(localDay(fromMillis(0), 0), 0);
  EXPECT_EQ(localDay(fromMillis(-1), 0), -1);
}

TEST(HazardChase, Schedule) {
  const Instant deadline = fromMillis(1767196800000);  // local midnight
  ChasePolicy policy;
  const std::int64_t today = localDay(deadline, 480);
  struct Case {
    const char* name;
    State state;
    Instant now;
    ChaseMemo memo;
    bool due_soon;
    bool overdue;
  };
  const Case cases[] = {
      {"long before", State::kAssigned, deadline - hours{25}, {}, false, false},
      {"24h before (inclusive)", State::kAssigned, deadline - hours{24}, {}, true, false},
      {"1 ms before", State::kRectifying, deadline - milliseconds{1}, {}, true, false},
      {"reminded already", State::kAssigned, deadline - hours{2}, {deadline, {}}, false, false},
      {"reminded for an older deadline", State::kAssigned, deadline - hours{2},
       ChaseMemo{deadline - days{3}, {}}, true, false},
      {"at the deadline", State::kAssigned, deadline, {}, false, true},
      {"escalated today", State::kRectifying, deadline + hours{5}, {{}, today}, false, false},
      {"escalated yesterday",
       State::kRectifying,
       deadline + hours{5},
       {{}, today - 1},
       false,
       true},
      {"next local day", State::kRectifying, deadline + days{1}, {{}, today}, false, true},
      {"submitted is not chased", State::kSubmitted, deadline + days{1}, {}, false, false},
      {"closed is not chased", State::kClosed, deadline + days{1}, {}, false, false},
      {"reported has no deadline duty", State::kReported, deadline + days{1}, {}, false, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto d = chase(c.state, deadline, c.memo, c.now, policy);
    EXPECT_EQ(d.due_soon, c.due_soon);
    EXPECT_EQ(d.overdue, c.overdue);
    EXPECT_EQ(d.day, localDay(c.now, 480));
  }
  EXPECT_FALSE(chase(State::kAssigned, std::nullopt, {}, deadline, policy).overdue);
}

TEST(HazardChase, OncePerLocalDayNotPerUtcDay) {
  // Escalated at 23:30 local; 00:10 local the next day is a new day although the UTC date
  // is the same.
  const Instant deadline = fromMillis(1767196800000) - days{3};
  ChasePolicy policy;
  const Instant at_2330 = fromMillis(1767196800000) - std::chrono::minutes{30};
  auto first = chase(State::kAssigned, deadline, {}, at_2330, policy);
  ASSERT_TRUE(first.overdue);
  ChaseMemo memo{{}, first.day};
  EXPECT_FALSE(
      chase(State::kAssigned, deadline, memo, at_2330 + std::chrono::minutes{29}, policy).overdue);
  EXPECT_TRUE(
      chase(State::kAssigned, deadline, memo, at_2330 + std::chrono::minutes{40}, policy).overdue);
}

TEST(HazardRecurrence, WindowIsNinetyDaysInclusive) {
  const Instant now = fromMillis(1'780'000'000'000);
  const std::vector<ClosedHazard> closed = {
      {1, 7, "物.设备", now - days{90}},
      {2, 7, "物.设备", now - days{90} - milliseconds{1}},
      {3, 8, "物.设备", now - days{1}},
      {4, 7, "人.违章", now - days{1}},
  };
  EXPECT_EQ(findRecurrence(7, "物.设备", now, closed), 1);
  EXPECT_FALSE(findRecurrence(7, "物.设备", now, {closed[1]}));
  EXPECT_FALSE(findRecurrence(9, "物.设备", now, closed));
  EXPECT_EQ(findRecurrence(7, "人.违章", now, closed), 4);
  // The most recent one wins.
  std::vector<ClosedHazard> two = {{1, 7, "x", now - days{50}}, {5, 7, "x", now - days{2}}};
  EXPECT_EQ(findRecurrence(7, "x", now, two), 5);
  // Closed after the new report: not a predecessor.
  EXPECT_FALSE(findRecurrence(7, "x", now, {{6, 7, "x", now + milliseconds{1}}}));
  EXPECT_EQ(findRecurrence(7, "x", now, {{6, 7, "x", now}}), 6);
}

TEST(HazardAssignment, MostSpecificRuleWins) {
  const std::vector<AssignmentRule> rules = {
      {0, "", std::nullopt, 100},    {5, "", std::nullopt, 200},   {5, "物", std::nullopt, 300},
      {5, "物", Level::kMajor, 400}, {0, "人", std::nullopt, 500},
  };
  EXPECT_EQ(pickAssignee(rules, 5, "物.设备", Level::kMajor, 9), 400);
  EXPECT_EQ(pickAssignee(rules, 5, "物.设备", Level::kGeneral, 9), 300);
  EXPECT_EQ(pickAssignee(rules, 5, "环境", Level::kGeneral, 9), 200);
  EXPECT_EQ(pickAssignee(rules, 6, "人.违章", Level::kGeneral, 9), 500);
  EXPECT_EQ(pickAssignee(rules, 6, "管理", Level::kGeneral, 9), 100);
  EXPECT_EQ(pickAssignee({}, 6, "管理", Level::kGeneral, 9), 9);
  EXPECT_EQ(pickAssignee({}, 6, "管理", Level::kGeneral, 0), 0);
}

TEST(HazardIndicators, TimelinessBoundaries) {
  const Instant t = fromMillis(1'700'000'000'000);
  EXPECT_TRUE(reportedInTime(t, t + hours{24}));
  EXPECT_FALSE(reportedInTime(t, t + hours{24} + milliseconds{1}));
  EXPECT_TRUE(closedOnTime(t, t));
  EXPECT_FALSE(closedOnTime(t, t + milliseconds{1}));
  EXPECT_FALSE(closedOnTime(t, std::nullopt));
  EXPECT_FALSE(closedOnTime(std::nullopt, t));
}

}  // namespace
}  // namespace anguan::hazard
