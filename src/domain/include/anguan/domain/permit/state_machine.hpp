// The permit state machine (issue 3 part 5): an explicit transition table.
//
//   draft --submit--> submitted --start_approval--> in_approval --approve_final--> issued
//   issued --start--> active --suspend--> suspended --resume--> active
//   active --complete--> completed --close--> closed
//   submitted/in_approval --reject--> rejected ; --return--> returned --resubmit--> submitted
//   draft/returned/submitted/in_approval/issued --cancel--> cancelled
//   issued/active/suspended --expire--> expired
//   draft/returned --edit--> (same state)
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "anguan/core/result.hpp"

namespace anguan::permit {

enum class State {
  kDraft,
  kSubmitted,
  kInApproval,
  kIssued,
  kActive,
  kSuspended,
  kCompleted,
  kClosed,
  kRejected,
  kReturned,
  kCancelled,
  kExpired
};
enum class Action {
  kSubmit,
  kStartApproval,
  kApproveFinal,
  kReject,
  kReturn,
  kResubmit,
  kStart,
  kSuspend,
  kResume,
  kComplete,
  kClose,
  kCancel,
  kExpire,
  kEdit
};

inline constexpr State kAllStates[] = {State::kDraft,     State::kSubmitted, State::kInApproval,
                                       State::kIssued,    State::kActive,    State::kSuspended,
                                       State::kCompleted, State::kClosed,    State::kRejected,
                                       State::kReturned,  State::kCancelled, State::kExpired};
inline constexpr Action kAllActions[] = {
    Action::kSubmit, Action::kStartApproval, Action::kApproveFinal, Action::kReject,
    Action::kReturn, Action::kResubmit,      Action::kStart,        Action::kSuspend,
    Action::kResume, Action::kComplete,      Action::kClose,        Action::kCancel,
    Action::kExpire, Action::kEdit};

// snake_case names: "draft", "in_approval", "start_approval", "approve_final" ...
const char* toString(State state);
std::optional<State> parseState(std::string_view text);
const char* toString(Action action);
std::optional<Action> parseAction(std::string_view text);

// Illegal → conflict (409) "permit.illegal_transition" with details "from" and "action".
// (There is no failedPrecondition factory in anguan::Error; conflict is the code for illegal
// state transitions.)
Result<State> transition(State from, Action action);
bool isEditable(State state);  // draft, returned only
bool isTerminal(State state);  // closed, rejected, cancelled, expired

}  // namespace anguan::permit
