// A settable Clock for tests. Starts at a fixed instant; tests move it with set() and advance(),
// never by sleeping.
//
// Thread safety: now(), set() and advance() are safe from any thread (one atomic).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "anguan/core/clock.hpp"

namespace anguan::testing_support {

class FakeClock final : public Clock {
 public:
  // 2026-03-01T00:00:00Z unless told otherwise.
  static constexpr std::int64_t kDefaultStartMillis = 1772323200000;

  explicit FakeClock(Instant start = fromMillis(kDefaultStartMillis)) : ms_(toMillis(start)) {}

  Instant now() const override { return fromMillis(ms_.load(std::memory_order_acquire)); }

  void set(Instant t) { ms_.store(toMillis(t), std::memory_order_release); }

  template <class Rep, class Period>
  void advance(std::chrono::duration<Rep, Period> by) {
    ms_.fetch_add(std::chrono::duration_cast<std::chrono::milliseconds>(by).count(),
                  std::memory_order_acq_rel);
  }

 private:
  std::atomic<std::int64_t> ms_;
};

}  // namespace anguan::testing_support
