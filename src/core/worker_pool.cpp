#include "anguan/core/worker_pool.hpp"

#include <algorithm>

namespace anguan {

WorkerPool::WorkerPool(std::size_t threads) {
  threads = std::max<std::size_t>(threads, 1);
  workers_.reserve(threads);
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    workers_.push_back(std::make_unique<Worker>());
  }
  for (auto& w : workers_) {
    threads_.emplace_back([this, worker = w.get()] { loop(*worker); });
  }
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::push(std::unique_ptr<Job> job) {
  std::unique_lock lock(mutex_);
  if (stopping_) {
    lock.unlock();
    job->run();
    return;
  }
  if (idle_.empty()) {
    queue_.push_back(std::move(job));
    return;
  }
  Worker* worker = idle_.back();
  idle_.pop_back();
  worker->job = std::move(job);
  lock.unlock();
  worker->wake.notify_one();
}

void WorkerPool::loop(Worker& self) {
  std::unique_lock lock(mutex_);
  for (;;) {
    std::unique_ptr<Job> job;
    if (!queue_.empty()) {
      job = std::move(queue_.front());
      queue_.pop_front();
    } else if (stopping_) {
      return;
    } else {
      idle_.push_back(&self);
      self.wake.wait(lock, [&] { return self.job != nullptr || stopping_; });
      if (!self.job) {
        return;  // stop(): it took this thread off idle_.
      }
      job = std::move(self.job);
    }
    lock.unlock();
    job->run();
    lock.lock();
  }
}

void WorkerPool::stop() {
  std::call_once(joined_, [this] {
    std::vector<Worker*> idle;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      idle.swap(idle_);
    }
    // Busy threads see stopping_ once the queue is empty; idle ones are woken without a job.
    for (Worker* w : idle) {
      w->wake.notify_one();
    }
    for (auto& t : threads_) {
      t.join();
    }
  });
}

}  // namespace anguan
