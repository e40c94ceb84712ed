// Time. Instants are UTC milliseconds since the Unix epoch (how they are stored). Everything that
// needs "now" takes a Clock so tests can use a FakeClock; nothing in domain/ reads the clock.
//
// Thread safety: SystemClock is safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace anguan {

using Instant = std::chrono::sys_time<std::chrono::milliseconds>;

inline std::int64_t toMillis(Instant t) { return t.time_since_epoch().count(); }
inline Instant fromMillis(std::int64_t ms) { return Instant{std::chrono::milliseconds{ms}}; }

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Instant now() const override;
};

using ClockPtr = std::unique_ptr<Clock>;

// RFC 3339 with the given UTC offset in minutes, e.g. "2026-11-28T22:30:00+08:00" (ms shown only
// when non-zero).
std::string formatRfc3339(Instant t, int offset_minutes);

// Parses RFC 3339 ("YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)"). Returns nullopt when malformed.
std::optional<Instant> parseRfc3339(std::string_view text);

// Parses a calendar date "YYYY-MM-DD" and checks it exists (leap years included).
std::optional<std::chrono::year_month_day> parseDate(std::string_view text);
std::string formatDate(std::chrono::year_month_day d);

}  // namespace anguan
