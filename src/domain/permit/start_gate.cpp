#include "anguan/domain/permit/start_gate.hpp"

#include <string>

namespace anguan::permit {
namespace {

std::string minutesText(std::chrono::milliseconds d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::minutes>(d).count());
}

// A gas test is fresh when taken at or before `now` and no more than `max_age` before it.
void checkGas(std::optional<Instant> test, Instant now, std::chrono::minutes max_age,
              std::optional<Instant> not_before, std::vector<Reason>& out) {
  if (!test) {
    out.push_back({"permit.gate.gas_missing", {{"max_age_min", std::to_string(max_age.count())}}});
    return;
  }
  if (*test > now) {
    out.push_back({"permit.gate.gas_in_future", {}});
    return;
  }
  if (not_before && *test <= *not_before) {
    out.push_back({"permit.gate.gas_before_break", {}});
    return;
  }
  if (now - *test > max_age) {
    out.push_back({"permit.gate.gas_stale",
                   {{"age_min", minutesText(now - *test)},
                    {"max_age_min", std::to_string(max_age.count())}}});
  }
}

void checkFailing(const std::vector<std::string>& gases, std::vector<Reason>& out) {
  if (gases.empty()) {
    return;
  }
  std::string list;
  for (const auto& g : gases) {
    list += (list.empty() ? "" : ",") + g;
  }
  out.push_back({"permit.gate.gas_failed", {{"gases", list}}});
}

}  // namespace

std::vector<Reason> startBlockers(const GateInput& in) {
  std::vector<Reason> out;
  if (in.state != State::kIssued) {
    out.push_back({"permit.gate.not_issued", {{"state", toString(in.state)}}});
  }
  if (in.now < in.valid_from) {
    out.push_back({"permit.gate.before_validity", {}});
  }
  if (isExpired(in.valid_to, in.now)) {
    out.push_back({"permit.gate.expired", {}});
  }
  if (in.gas_required) {
    checkGas(in.last_passing_gas_test, in.now, in.gas_max_age, std::nullopt, out);
  }
  checkFailing(in.failing_gases, out);
  if (in.measures_confirmed < in.measures_total) {
    out.push_back({"permit.gate.measures_unconfirmed",
                   {{"confirmed", std::to_string(in.measures_confirmed)},
                    {"total", std::to_string(in.measures_total)}}});
  }
  if (!in.briefing_signed) {
    out.push_back({"permit.gate.briefing_unsigned", {}});
  }
  if (in.needs_shift_leader_check && !in.shift_leader_checked) {
    out.push_back({"permit.gate.shift_leader_unchecked", {}});
  }
  if (!in.guardian_present) {
    out.push_back({"permit.gate.guardian_absent", {}});
  }
  if (in.continuous_monitor_required && !in.continuous_monitor_present) {
    out.push_back({"permit.gate.continuous_monitor_missing", {}});
  }
  return out;
}

std::vector<Reason> resumeBlockers(const ResumeInput& in) {
  std::vector<Reason> out;
  if (isExpired(in.valid_to, in.now)) {
    out.push_back({"permit.gate.expired", {}});
  }
  const auto break_length = in.now - in.suspended_at;
  if (in.gas_required && in.retest_after_break.count() > 0 &&
      break_length > in.retest_after_break) {
    std::vector<Reason> gas;
    checkGas(in.last_passing_gas_test, in.now, in.gas_max_age, in.suspended_at, gas);
    if (!gas.empty()) {
      out.push_back({"permit.gate.retest_after_break",
                     {{"break_min", minutesText(break_length)},
                      {"interval_min", std::to_string(in.retest_after_break.count())}}});
      out.insert(out.end(), gas.begin(), gas.end());
    }
  }
  checkFailing(in.failing_gases, out);
  return out;
}

bool isExpired(Instant valid_to, Instant now) { return now >= valid_to; }

bool guardianAbsent(Instant last_seen, Instant now, std::chrono::minutes timeout) {
  return now > last_seen + timeout;
}

std::optional<Instant> nextRetestDue(Instant last_test, std::chrono::minutes periodic) {
  if (periodic.count() <= 0) {
    return std::nullopt;
  }
  return last_test + periodic;
}

}  // namespace anguan::permit
