#include "anguan/service/jobs.hpp"

#include "anguan/core/log.hpp"

namespace anguan::service {

void JobRegistry::add(std::string name, JobFn fn) {
  jobs_.push_back({std::move(name), std::move(fn)});
}

std::vector<JobRun> JobRegistry::runAll(Instant now) {
  std::lock_guard lock(run_mutex_);
  std::vector<JobRun> out;
  out.reserve(jobs_.size());
  for (const auto& job : jobs_) {
    JobRun run;
    run.name = job.name;
    auto r = job.fn(now);
    if (r) {
      run.changed = *r;
    } else {
      run.ok = false;
      run.error = r.error().message();
      log::warn("job {} failed: {}", job.name, run.error);
    }
    out.push_back(std::move(run));
  }
  return out;
}

std::vector<std::string> JobRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& job : jobs_) {
    out.push_back(job.name);
  }
  return out;
}

}  // namespace anguan::service
