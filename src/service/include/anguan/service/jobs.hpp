// Time-driven work (deadlines, reminders, escalation, expiry, outbox dispatch) as named jobs.
// Each module registers a job; the server's scheduler thread runs them all every few seconds
// with the injected clock's time, and tests run them on demand (POST /api/v1/system/jobs/run,
// admin only) after moving the clock. A job must be idempotent: running it twice at the same
// time changes nothing the second time.
//
// Thread safety: add() before the scheduler starts; runAll() from one thread at a time (it
// serialises itself).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "anguan/core/clock.hpp"
#include "anguan/core/result.hpp"

namespace anguan::service {

struct JobRun {
  std::string name;
  bool ok = true;
  std::string error;  // Message when !ok.
  std::int64_t changed = 0;
};

class JobRegistry {
 public:
  using JobFn = std::function<Result<std::int64_t>(Instant now)>;
  void add(std::string name, JobFn fn);
  // Runs every job in registration order; one failing job doesn't stop the others.
  std::vector<JobRun> runAll(Instant now);
  std::vector<std::string> names() const;

 private:
  struct Job {
    std::string name;
    JobFn fn;
  };
  std::vector<Job> jobs_;
  std::mutex run_mutex_;
};

}  // namespace anguan::service
