#include "anguan/domain/permit/approval.hpp"

#include <gtest/gtest.h>

namespace anguan::permit {
namespace {

using std::chrono::minutes;

const Instant kT0 = fromMillis(1800000000000);

LevelDef excavationLevel() {
  const auto* type = findType(defaultWorkTypes(), "excavation");
  EXPECT_NE(type, nullptr);
  return type->levels.at(0);
}

TEST(PermitApproval, PlanSequentialChain) {
  const auto* type = findType(defaultWorkTypes(), "hot_work");
  ASSERT_NE(type, nullptr);
  const auto steps = planSteps(*findLevel(*type, "special"), false);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].role, "approver_unit");
  EXPECT_EQ(steps[1].role, "approver_safety");
  EXPECT_EQ(steps[2].role, "approver_leader");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].seq, static_cast<int>(i) + 1);
    EXPECT_EQ(steps[i].group, static_cast<int>(i) + 1);
    EXPECT_EQ(steps[i].state, StepState::kPending);
    EXPECT_EQ(steps[i].sla_minutes, 120);
  }
}

TEST(PermitApproval, CountersignGroupAndCoordinator) {
  const auto steps = planSteps(excavationLevel(), true);
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0].kind, StepKind::kCoordinator);
  EXPECT_EQ(steps[0].role, "safety_officer");
  EXPECT_EQ(steps[0].group, 1);
  EXPECT_EQ(steps[1].group, 2);
  EXPECT_EQ(steps[2].group, 2);
  EXPECT_EQ(steps[3].group, 2);
  EXPECT_EQ(steps[4].group, 3);
  EXPECT_EQ(steps[4].role, "approver_dept");
}

TEST(PermitApproval, ProgressionThroughCountersign) {
  auto steps = planSteps(excavationLevel(), true);
  auto opened = openNext(steps, kT0);
  ASSERT_EQ(opened, (std::vector<std::size_t>{0}));
  EXPECT_EQ(steps[0].opened_at, kT0);
  // Nothing else opens while the coordinator step is open.
  EXPECT_TRUE(openNext(steps, kT0).empty());
  ASSERT_TRUE(decide(steps, 0, StepState::kApproved, 11, kT0 + minutes{5}).has_value());
  EXPECT_EQ(steps[0].decided_by, 11);
  EXPECT_EQ(steps[0].decided_at, kT0 + minutes{5});

  opened = openNext(steps, kT0 + minutes{5});
  ASSERT_EQ(opened, (std::vector<std::size_t>{1, 2, 3}));
  // The countersigners decide in any order; the group completes only when all approved.
  EXPECT_EQ(openSteps(steps), (std::vector<std::size_t>{1, 2, 3}));
  ASSERT_TRUE(decide(steps, 3, StepState::kApproved, 13, kT0 + minutes{6}).has_value());
  EXPECT_TRUE(openNext(steps, kT0 + minutes{6}).empty());
  EXPECT_EQ(openSteps(steps), (std::vector<std::size_t>{1, 2}));
  ASSERT_TRUE(decide(steps, 1, StepState::kApproved, 12, kT0 + minutes{7}).has_value());
  EXPECT_TRUE(openNext(steps, kT0 + minutes{7}).empty());
  EXPECT_FALSE(allApproved(steps));
  ASSERT_TRUE(decide(steps, 2, StepState::kApproved, 14, kT0 + minutes{8}).has_value());
  opened = openNext(steps, kT0 + minutes{8});
  ASSERT_EQ(opened, (std::vector<std::size_t>{4}));
  EXPECT_FALSE(allApproved(steps));
  ASSERT_TRUE(decide(steps, 4, StepState::kApproved, 15, kT0 + minutes{9}).has_value());
  EXPECT_TRUE(openNext(steps, kT0 + minutes{9}).empty());
  EXPECT_TRUE(openSteps(steps).empty());
  EXPECT_TRUE(allApproved(steps));
}

TEST(PermitApproval, DecideTwiceOrOnPendingIsRefused) {
  auto steps = planSteps(excavationLevel(), false);
  auto pending = decide(steps, 0, StepState::kApproved, 1, kT0);
  ASSERT_TRUE(pending.has_error());
  EXPECT_EQ(pending.error().key(), "permit.step_not_open");
  EXPECT_EQ(pending.error().code(), ErrorCode::kConflict);
  openNext(steps, kT0);
  ASSERT_TRUE(decide(steps, 0, StepState::kApproved, 1, kT0).has_value());
  const auto twice = decide(steps, 0, StepState::kApproved, 2, kT0);
  ASSERT_TRUE(twice.has_error());
  EXPECT_EQ(twice.error().key(), "permit.step_not_open");
  EXPECT_EQ(steps[0].decided_by, 1);  // unchanged
  EXPECT_TRUE(decide(steps, 99, StepState::kApproved, 1, kT0).has_error());
  const auto bad = decide(steps, 1, StepState::kSkipped, 1, kT0);
  ASSERT_TRUE(bad.has_error());
  EXPECT_EQ(bad.error().key(), "permit.bad_decision");
}

TEST(PermitApproval, RejectAndReturnEndTheFlow) {
  for (StepState decision : {StepState::kRejected, StepState::kReturned}) {
    auto steps = planSteps(excavationLevel(), false);
    openNext(steps, kT0);  // group 1: three countersigners
    ASSERT_TRUE(decide(steps, 0, StepState::kApproved, 1, kT0).has_value());
    ASSERT_TRUE(decide(steps, 1, decision, 2, kT0).has_value());
    EXPECT_EQ(steps[0].state, StepState::kApproved);
    EXPECT_EQ(steps[1].state, decision);
    EXPECT_EQ(steps[2].state, StepState::kSkipped);
    EXPECT_EQ(steps[3].state, StepState::kSkipped);
    EXPECT_TRUE(openNext(steps, kT0).empty());
    EXPECT_FALSE(allApproved(steps));
    EXPECT_TRUE(decide(steps, 2, StepState::kApproved, 3, kT0).has_error());
  }
}

TEST(PermitApproval, EmptyChainIsNotApproved) {
  std::vector<Step> none;
  EXPECT_FALSE(allApproved(none));
  EXPECT_TRUE(openNext(none, kT0).empty());
}

TEST(PermitApproval, DueAndEscalationLadder) {
  Step s;
  s.role = "approver_unit";
  s.sla_minutes = 120;
  EXPECT_FALSE(stepDue(s).has_value());
  EXPECT_FALSE(escalationRole(s, kT0 + minutes{500}).has_value());  // not open
  s.state = StepState::kOpen;
  s.opened_at = kT0;
  ASSERT_TRUE(stepDue(s).has_value());
  EXPECT_EQ(*stepDue(s), kT0 + minutes{120});
  EXPECT_FALSE(escalationRole(s, kT0 + minutes{120}).has_value());  // exactly due: not overdue
  ASSERT_TRUE(escalationRole(s, kT0 + minutes{120} + std::chrono::milliseconds{1}).has_value());

  const char* ladder[] = {"approver_unit", "approver_dept", "approver_safety", "approver_leader",
                          "approver_leader"};
  Instant now = kT0;
  for (int level = 0; level < 4; ++level) {
    EXPECT_EQ(s.role, ladder[level]);
    now = *stepDue(s) + minutes{1};
    auto next = escalationRole(s, now);
    ASSERT_TRUE(next.has_value()) << level;
    EXPECT_EQ(*next, ladder[level + 1]);
    // The service applies it; the step is then not overdue again until another SLA passes.
    s.role = *next;
    s.escalation_level += 1;
    EXPECT_FALSE(escalationRole(s, now).has_value()) << level;
  }
  EXPECT_EQ(nextLadderRole("safety_officer"), "approver_safety");
  EXPECT_EQ(nextLadderRole("approver_leader"), "approver_leader");
}

TEST(PermitApproval, StepStateNames) {
  for (StepState s : {StepState::kPending, StepState::kOpen, StepState::kApproved,
                      StepState::kRejected, StepState::kReturned, StepState::kSkipped}) {
    auto parsed = parseStepState(toString(s));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_FALSE(parseStepState("done").has_value());
}

}  // namespace
}  // namespace anguan::permit
