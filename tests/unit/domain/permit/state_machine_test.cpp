#include "anguan/domain/permit/state_machine.hpp"

#include <map>
#include <utility>

#include <gtest/gtest.h>

namespace anguan::permit {
namespace {

// The legal table written out independently of the implementation.
const std::map<std::pair<State, Action>, State>& legal() {
  static const std::map<std::pair<State, Action>, State> kLegal = {
      {{State::kDraft, Action::kEdit}, State::kDraft},
      {{State::kDraft, Action::kSubmit}, State::kSubmitted},
      {{State::kDraft, Action::kCancel}, State::kCancelled},
      {{State::kSubmitted, Action::kStartApproval}, State::kInApproval},
      {{State::kSubmitted, Action::kReject}, State::kRejected},
      {{State::kSubmitted, Action::kReturn}, State::kReturned},
      {{State::kSubmitted, Action::kCancel}, State::kCancelled},
      {{State::kInApproval, Action::kApproveFinal}, State::kIssued},
      {{State::kInApproval, Action::kReject}, State::kRejected},
      {{State::kInApproval, Action::kReturn}, State::kReturned},
      {{State::kInApproval, Action::kCancel}, State::kCancelled},
      {{State::kReturned, Action::kEdit}, State::kReturned},
      {{State::kReturned, Action::kResubmit}, State::kSubmitted},
      {{State::kReturned, Action::kCancel}, State::kCancelled},
      {{State::kIssued, Action::kStart}, State::kActive},
      {{State::kIssued, Action::kCancel}, State::kCancelled},
      {{State::kIssued, Action::kExpire}, State::kExpired},
      {{State::kActive, Action::kSuspend}, State::kSuspended},
      {{State::kActive, Action::kComplete}, State::kCompleted},
      {{State::kActive, Action::kExpire}, State::kExpired},
      {{State::kSuspended, Action::kResume}, State::kActive},
      {{State::kSuspended, Action::kExpire}, State::kExpired},
      {{State::kCompleted, Action::kClose}, State::kClosed},
  };
  return kLegal;
}

TEST(PermitStateMachine, EveryPairMatchesTheTable) {
  int legal_count = 0;
  int illegal_count = 0;
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
        EXPECT_EQ(result.error().key(), "permit.illegal_transition");
        EXPECT_EQ(result.error().details().at("from"), toString(from));
        EXPECT_EQ(result.error().details().at("action"), toString(action));
        ++illegal_count;
      }
    }
  }
  EXPECT_EQ(legal_count, 23);
  EXPECT_EQ(illegal_count, 12 * 14 - 23);
}

TEST(PermitStateMachine, TerminalStatesAllowNothing) {
  for (State s : kAllStates) {
    if (!isTerminal(s)) {
      continue;
    }
    for (Action a : kAllActions) {
      EXPECT_TRUE(transition(s, a).has_error()) << toString(s) << " " << toString(a);
    }
  }
}

TEST(PermitStateMachine, EditableAndTerminal) {
  for (State s : kAllStates) {
    const bool editable = s == State::kDraft || s == State::kReturned;
    const bool terminal = s == State::kClosed || s == State::kRejected || s == State::kCancelled ||
                          s == State::kExpired;
    EXPECT_EQ(isEditable(s), editable) << toString(s);
    EXPECT_EQ(isTerminal(s), terminal) << toString(s);
    // Edit is legal exactly in editable states.
    EXPECT_EQ(transition(s, Action::kEdit).has_value(), editable) << toString(s);
  }
}

TEST(PermitStateMachine, NamesRoundTrip) {
  for (State s : kAllStates) {
    auto parsed = parseState(toString(s));
    ASSERT_TRUE(parsed.has_value()) << toString(s);
    EXPECT_EQ(*parsed, s);
  }
  for (Action a : kAllActions) {
    auto parsed = parseAction(toString(a));
    ASSERT_TRUE(parsed.has_value()) << toString(a);
    EXPECT_EQ(*parsed, a);
  }
  EXPECT_STREQ(toString(State::kInApproval), "in_approval");
  EXPECT_STREQ(toString(Action::kApproveFinal), "approve_final");
  EXPECT_FALSE(parseState("Draft").has_value());
  EXPECT_FALSE(parseState("").has_value());
  EXPECT_FALSE(parseAction("approve").has_value());
}

TEST(PermitStateMachine, FullLifecycleWithSuspendAndReturn) {
  State s = State::kDraft;
  for (Action a : {Action::kSubmit, Action::kReturn, Action::kEdit, Action::kResubmit,
                   Action::kStartApproval, Action::kApproveFinal, Action::kStart, Action::kSuspend,
                   Action::kResume, Action::kComplete, Action::kClose}) {
    auto next = transition(s, a);
    ASSERT_TRUE(next.has_value()) << toString(s) << " " << toString(a);
    s = *next;
  }
  EXPECT_EQ(s, State::kClosed);
}

}  // namespace
}  // namespace anguan::permit
