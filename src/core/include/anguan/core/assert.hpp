// Invariant checks. AG_CHECK always runs: it logs and aborts. AG_ASSERT runs in debug builds
// only. Never use either on anything a client, a sensor or the database can cause.
#pragma once

namespace anguan::detail {
[[noreturn]] void checkFailed(const char* expr, const char* why, const char* file, int line);
}  // namespace anguan::detail

#define AG_CHECK(cond, why)                                            \
  do {                                                                 \
    if (!(cond)) {                                                     \
      ::anguan::detail::checkFailed(#cond, (why), __FILE__, __LINE__); \
    }                                                                  \
  } while (false)

#ifdef NDEBUG
#define AG_ASSERT(cond, why) \
  do {                       \
  } while (false)
#else
#define AG_ASSERT(cond, why) AG_CHECK(cond, why)
#endif
