#include "anguan/domain/permit/state_machine.hpp"

#include <array>
#include <string>

namespace anguan::permit {
namespace {

struct StateName {
  State state;
  const char* name;
};
constexpr std::array<StateName, 12> kStateNames = {{
    {State::kDraft, "draft"},
    {State::kSubmitted, "submitted"},
    {State::kInApproval, "in_approval"},
    {State::kIssued, "issued"},
    {State::kActive, "active"},
    {State::kSuspended, "suspended"},
    {State::kCompleted, "completed"},
    {State::kClosed, "closed"},
    {State::kRejected, "rejected"},
    {State::kReturned, "returned"},
    {State::kCancelled, "cancelled"},
    {State::kExpired, "expired"},
}};

struct ActionName {
  Action action;
  const char* name;
};
constexpr std::array<ActionName, 14> kActionNames = {{
    {Action::kSubmit, "submit"},
    {Action::kStartApproval, "start_approval"},
    {Action::kApproveFinal, "approve_final"},
    {Action::kReject, "reject"},
    {Action::kReturn, "return"},
    {Action::kResubmit, "resubmit"},
    {Action::kStart, "start"},
    {Action::kSuspend, "suspend"},
    {Action::kResume, "resume"},
    {Action::kComplete, "complete"},
    {Action::kClose, "close"},
    {Action::kCancel, "cancel"},
    {Action::kExpire, "expire"},
    {Action::kEdit, "edit"},
}};

struct Edge {
  State from;
  Action action;
  State to;
};

// The whole table. Anything not listed is illegal.
constexpr std::array<Edge, 23> kEdges = {{
    {State::kDraft, Action::kEdit, State::kDraft},
    {State::kDraft, Action::kSubmit, State::kSubmitted},
    {State::kDraft, Action::kCancel, State::kCancelled},
    {State::kSubmitted, Action::kStartApproval, State::kInApproval},
    {State::kSubmitted, Action::kReject, State::kRejected},
    {State::kSubmitted, Action::kReturn, State::kReturned},
    {State::kSubmitted, Action::kCancel, State::kCancelled},
    {State::kInApproval, Action::kApproveFinal, State::kIssued},
    {State::kInApproval, Action::kReject, State::kRejected},
    {State::kInApproval, Action::kReturn, State::kReturned},
    {State::kInApproval, Action::kCancel, State::kCancelled},
    {State::kReturned, Action::kEdit, State::kReturned},
    {State::kReturned, Action::kResubmit, State::kSubmitted},
    {State::kReturned, Action::kCancel, State::kCancelled},
    {State::kIssued, Action::kStart, State::kActive},
    {State::kIssued, Action::kCancel, State::kCancelled},
    {State::kIssued, Action::kExpire, State::kExpired},
    {State::kActive, Action::kSuspend, State::kSuspended},
    {State::kActive, Action::kComplete, State::kCompleted},
    {State::kActive, Action::kExpire, State::kExpired},
    {State::kSuspended, Action::kResume, State::kActive},
    {State::kSuspended, Action::kExpire, State::kExpired},
    {State::kCompleted, Action::kClose, State::kClosed},
}};

}  // namespace

const char* toString(State state) {
  for (const auto& n : kStateNames) {
    if (n.state == state) {
      return n.name;
    }
  }
  return "unknown";
}

std::optional<State> parseState(std::string_view text) {
  for (const auto& n : kStateNames) {
    if (text == n.name) {
      return n.state;
    }
  }
  return std::nullopt;
}

const char* toString(Action action) {
  for (const auto& n : kActionNames) {
    if (n.action == action) {
      return n.name;
    }
  }
  return "unknown";
}

std::optional<Action> parseAction(std::string_view text) {
  for (const auto& n : kActionNames) {
    if (text == n.name) {
      return n.action;
    }
  }
  return std::nullopt;
}

Result<State> transition(State from, Action action) {
  for (const auto& e : kEdges) {
    if (e.from == from && e.action == action) {
      return e.to;
    }
  }
  return Error::conflict("permit.illegal_transition", std::string("Cannot ") + toString(action) +
                                                          " a permit that is " + toString(from))
      .with("from", toString(from))
      .with("action", toString(action));
}

bool isEditable(State state) { return state == State::kDraft || state == State::kReturned; }

bool isTerminal(State state) {
  return state == State::kClosed || state == State::kRejected || state == State::kCancelled ||
         state == State::kExpired;
}

}  // namespace anguan::permit
