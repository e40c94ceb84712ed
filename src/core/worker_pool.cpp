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
  lock.unlock();
  {
    std::lock_guard handover(worker->mutex);
    worker->job = std::move(job);
  }
  worker->wake.notify_one();
}

void WorkerPool::loop(Worker& self) {
  for (;;) {
    std::unique_ptr<Job> job;
    {
      std::lock_guard lock(mutex_);
      if (!queue_.empty()) {
        job = std::move(queue_.front());
        queue_.pop_front();
      } else if (stopping_) {
        return;
      } else {
        idle_.push_back(&self);
      }
    }
    if (!job) {
      std::unique_lock wait(self.mutex);
      self.wake.wait(wait, [&] { return self.job != nullptr || self.stop; });
      if (!self.job) {
        return;  // stop()
      }
      job = std::move(self.job);
    }
    job->run();
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
      {
        std::lock_guard lock(w->mutex);
        w->stop = true;
      }
      w->wake.notify_one();
    }
    for (auto& t : threads_) {
      t.join();
    }
  });
}

}  // namespace anguan
