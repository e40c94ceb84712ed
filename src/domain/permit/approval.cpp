#include "anguan/domain/permit/approval.hpp"

#include <array>

namespace anguan::permit {
namespace {

bool isDone(StepState s) { return s == StepState::kApproved || s == StepState::kSkipped; }
bool isEnded(StepState s) { return s == StepState::kRejected || s == StepState::kReturned; }

constexpr std::array<const char*, 4> kLadder = {"approver_unit", "approver_dept", "approver_safety",
                                                "approver_leader"};

}  // namespace

const char* toString(StepState state) {
  switch (state) {
    case StepState::kPending:
      return "pending";
    case StepState::kOpen:
      return "open";
    case StepState::kApproved:
      return "approved";
    case StepState::kRejected:
      return "rejected";
    case StepState::kReturned:
      return "returned";
    case StepState::kSkipped:
      return "skipped";
  }
  return "unknown";
}

std::optional<StepState> parseStepState(std::string_view text) {
  for (StepState s : {StepState::kPending, StepState::kOpen, StepState::kApproved,
                      StepState::kRejected, StepState::kReturned, StepState::kSkipped}) {
    if (text == toString(s)) {
      return s;
    }
  }
  return std::nullopt;
}

std::vector<Step> planSteps(const LevelDef& level, bool cross_work) {
  std::vector<Step> steps;
  int group = 0;
  auto add = [&](const ApprovalStepDef& def, int g) {
    Step s;
    s.seq = static_cast<int>(steps.size()) + 1;
    s.group = g;
    s.code = def.code;
    s.role = def.role;
    s.kind = def.kind;
    s.sla_minutes = def.sla_minutes;
    steps.push_back(std::move(s));
  };
  if (cross_work) {
    add({"coordinator", "safety_officer", StepKind::kCoordinator, 120, "交叉作业协调人",
         "Cross-work coordinator"},
        ++group);
  }
  bool previous_countersign = false;
  for (const auto& def : level.chain) {
    const bool countersign = def.kind == StepKind::kCountersign;
    if (!(countersign && previous_countersign)) {
      ++group;
    }
    add(def, group);
    previous_countersign = countersign;
  }
  return steps;
}

std::vector<std::size_t> openNext(std::vector<Step>& steps, Instant now) {
  std::vector<std::size_t> opened;
  for (const auto& s : steps) {
    if (s.state == StepState::kOpen || isEnded(s.state)) {
      return opened;
    }
  }
  // The first group that still has a pending step.
  int next_group = 0;
  for (const auto& s : steps) {
    if (s.state == StepState::kPending) {
      next_group = s.group;
      break;
    }
  }
  if (next_group == 0) {
    return opened;
  }
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].group == next_group && steps[i].state == StepState::kPending) {
      steps[i].state = StepState::kOpen;
      steps[i].opened_at = now;
      opened.push_back(i);
    }
  }
  return opened;
}

std::vector<std::size_t> openSteps(const std::vector<Step>& steps) {
  std::vector<std::size_t> open;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].state == StepState::kOpen) {
      open.push_back(i);
    }
  }
  return open;
}

bool allApproved(const std::vector<Step>& steps) {
  bool any = false;
  for (const auto& s : steps) {
    if (!isDone(s.state)) {
      return false;
    }
    any = any || s.state == StepState::kApproved;
  }
  return any;
}

Status decide(std::vector<Step>& steps, std::size_t index, StepState decision, std::int64_t user,
              Instant now) {
  if (decision != StepState::kApproved && decision != StepState::kRejected &&
      decision != StepState::kReturned) {
    return Error::invalidArgument("permit.bad_decision",
                                  "A step can only be approved, rejected or returned")
        .with("decision", toString(decision));
  }
  if (index >= steps.size() || steps[index].state != StepState::kOpen) {
    auto e = Error::conflict("permit.step_not_open", "This approval step is not open");
    if (index < steps.size()) {
      e.with("seq", std::to_string(steps[index].seq)).with("state", toString(steps[index].state));
    }
    return e;
  }
  Step& step = steps[index];
  step.state = decision;
  step.decided_at = now;
  step.decided_by = user;
  if (decision != StepState::kApproved) {
    for (auto& s : steps) {
      if (s.state == StepState::kPending || s.state == StepState::kOpen) {
        s.state = StepState::kSkipped;
      }
    }
  }
  return okStatus();
}

std::optional<Instant> stepDue(const Step& s) {
  if (!s.opened_at) {
    return std::nullopt;
  }
  return *s.opened_at + std::chrono::minutes{s.sla_minutes} * (s.escalation_level + 1);
}

std::string nextLadderRole(const std::string& role) {
  for (std::size_t i = 0; i < kLadder.size(); ++i) {
    if (role == kLadder[i]) {
      return kLadder[std::min(i + 1, kLadder.size() - 1)];
    }
  }
  return "approver_safety";
}

std::optional<std::string> escalationRole(const Step& s, Instant now) {
  if (s.state != StepState::kOpen) {
    return std::nullopt;
  }
  const auto due = stepDue(s);
  if (!due || now <= *due) {
    return std::nullopt;
  }
  return nextLadderRole(s.role);
}

}  // namespace anguan::permit
