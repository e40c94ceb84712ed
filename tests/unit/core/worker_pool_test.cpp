#include "anguan/core/worker_pool.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace anguan {
namespace {

using namespace std::chrono_literals;

// Waits (bounded) until `done` holds; false on timeout, so a broken pool fails instead of hanging.
template <typename Pred>
bool waitFor(Pred done, std::chrono::milliseconds limit = 5000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) {
      return false;
    }
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(WorkerPool, RunsEveryJobOnceFromManySubmitters) {
  constexpr int kSubmitters = 4;
  constexpr int kJobsEach = 5000;
  std::vector<std::atomic<int>> runs(kSubmitters * kJobsEach);
  std::set<std::thread::id> pool_threads;
  std::mutex m;
  {
    WorkerPool pool(8);
    std::vector<std::thread> submitters;
    for (int s = 0; s < kSubmitters; ++s) {
      submitters.emplace_back([&, s] {
        for (int j = 0; j < kJobsEach; ++j) {
          pool.submit([&, k = s * kJobsEach + j] {
            runs[static_cast<std::size_t>(k)]++;
            std::lock_guard lock(m);
            pool_threads.insert(std::this_thread::get_id());
          });
        }
      });
    }
    for (auto& t : submitters) {
      t.join();
    }
  }  // The destructor runs what is still queued.
  for (std::size_t k = 0; k < runs.size(); ++k) {
    ASSERT_EQ(runs[k].load(), 1) << "job " << k;
  }
  EXPECT_LE(pool_threads.size(), 8u);
  EXPECT_EQ(pool_threads.count(std::this_thread::get_id()), 0u);
}

TEST(WorkerPool, RunsAsManyJobsAtOnceAsItHasThreads) {
  constexpr int kThreads = 6;
  WorkerPool pool(kThreads);
  EXPECT_EQ(pool.size(), static_cast<std::size_t>(kThreads));
  std::atomic<int> running{0};
  std::atomic<int> saw_all{0};
  std::atomic<int> finished{0};
  for (int i = 0; i < kThreads; ++i) {
    pool.submit([&] {
      running++;
      // Each job waits for all the others to be running: only a pool that runs kThreads jobs
      // at once gets every job past this.
      if (waitFor([&] { return running.load() == kThreads; }, 3000ms)) {
        saw_all++;
      }
      finished++;
    });
  }
  ASSERT_TRUE(waitFor([&] { return finished.load() == kThreads; }));
  EXPECT_EQ(saw_all.load(), kThreads);
}

TEST(WorkerPool, QueuesWhenAllAreBusyAndServesInOrder) {
  WorkerPool pool(1);
  std::mutex gate;
  std::unique_lock hold(gate);
  std::vector<int> order;
  std::mutex order_mutex;
  pool.submit([&] { std::lock_guard wait(gate); });  // Occupies the only thread.
  for (int i = 0; i < 50; ++i) {
    pool.submit([&, i] {
      std::lock_guard lock(order_mutex);
      order.push_back(i);
    });
  }
  {
    std::lock_guard lock(order_mutex);
    EXPECT_TRUE(order.empty());
  }
  hold.unlock();
  ASSERT_TRUE(waitFor([&] {
    std::lock_guard lock(order_mutex);
    return order.size() == 50;
  }));
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  }
}

TEST(WorkerPool, StopRunsQueuedJobsThenRunsLaterOnesOnTheCaller) {
  WorkerPool pool(2);
  std::atomic<bool> release{false};
  std::atomic<int> done{0};
  for (int i = 0; i < 2; ++i) {
    pool.submit([&] {
      waitFor([&] { return release.load(); });
      done++;
    });
  }
  for (int i = 0; i < 20; ++i) {
    pool.submit([&] { done++; });
  }
  std::thread stopper([&] { pool.stop(); });
  std::this_thread::sleep_for(20ms);
  release = true;
  stopper.join();
  EXPECT_EQ(done.load(), 22);  // stop() returned only after the queue drained.

  std::thread::id ran_on;
  pool.submit([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  pool.stop();  // Idempotent.
}

TEST(WorkerPool, MoveOnlyJobs) {
  WorkerPool pool(2);
  std::atomic<int> seen{0};
  auto value = std::make_unique<int>(41);
  pool.submit([&seen, v = std::move(value)] { seen = *v + 1; });
  ASSERT_TRUE(waitFor([&] { return seen.load() == 42; }));
}

}  // namespace
}  // namespace anguan
