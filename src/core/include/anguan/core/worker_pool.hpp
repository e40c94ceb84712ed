// A fixed set of threads that run blocking jobs (the HTTP server's writes, argon2, imports).
//
// Each idle thread waits on a condition variable of its own, and a new job goes straight to the
// thread that went idle last (its caches are the warmest): one short critical section and one
// wake-up per job. asio::thread_pool, which this replaces in the server, parks all its threads on
// one condition variable; with 32 of them its internal lock was contended, and the permit bench
// made 7.2 context switches per request with it against 4.7 with this pool (docs/performance.md,
// "A worker pool without a shared condition variable", session 23).
//
// Thread safety: submit() and stop() may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace anguan {

class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads);
  ~WorkerPool();  // stop()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `job` on a pool thread: an idle one if there is one, else the first to finish its
  // current job (first come, first served). After stop() the job runs on the caller's thread.
  // A job must not throw.
  template <typename F>
  void submit(F&& job) {
    push(std::make_unique<JobOf<std::decay_t<F>>>(std::forward<F>(job)));
  }

  // Runs the jobs already queued, then ends and joins the threads. Idempotent.
  void stop();

  std::size_t size() const { return threads_.size(); }

 private:
  struct Job {
    virtual ~Job() = default;
    virtual void run() = 0;
  };
  template <typename F>
  struct JobOf final : Job {
    explicit JobOf(F f) : fn(std::move(f)) {}
    void run() override { fn(); }
    F fn;
  };
  // Not std::binary_semaphore: libstdc++'s acquire() spins calling sched_yield before it
  // sleeps, and with 32 workers on 2 cores that was 4 % of the permit bench's CPU.
  struct Worker {
    std::condition_variable wake;  // Waited on with mutex_.
    std::unique_ptr<Job> job;      // Guarded by mutex_: handed over by push().
  };

  void push(std::unique_ptr<Job> job);
  void loop(Worker& self);

  std::mutex mutex_;
  std::vector<Worker*> idle_;               // Guarded by mutex_; the last is the warmest.
  std::deque<std::unique_ptr<Job>> queue_;  // Guarded by mutex_; only while none is idle.
  bool stopping_ = false;                   // Guarded by mutex_.
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::once_flag joined_;
};

}  // namespace anguan
