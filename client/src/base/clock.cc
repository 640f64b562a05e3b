// The system clock and HTTP-date parsing.
#include "hubget/clock.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <thread>

namespace hubget {

std::chrono::steady_clock::time_point SystemClock::Now() {
  return std::chrono::steady_clock::now();
}

std::int64_t SystemClock::UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SystemClock::Sleep(std::chrono::milliseconds duration) {
  std::this_thread::sleep_for(duration);
}

bool Clock::SleepUnless(std::chrono::milliseconds duration,
                        const std::function<bool()>& cancelled) {
  if (cancelled && cancelled()) return false;
  Sleep(duration);
  return !(cancelled && cancelled());
}

bool SystemClock::SleepUnless(std::chrono::milliseconds duration,
                              const std::function<bool()>& cancelled) {
  if (!cancelled) {
    Sleep(duration);
    return true;
  }
  // A flag a signal handler sets cannot wake a condition variable: look at
  // it often enough that Ctrl-C feels immediate.
  constexpr std::chrono::milliseconds kSlice{20};
  const auto end = Now() + duration;
  for (auto now = Now(); now < end; now = Now()) {
    if (cancelled()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(kSlice, end - now));
  }
  return !cancelled();
}

std::int64_t ParseHttpDate(const std::string& text) {
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". Field widths keep each
  // %d within an int (an overflowing %d is undefined behaviour) and the year
  // to four digits, so the result stays far from overflowing a duration.
  char wday[4] = {};
  char mon[4] = {};
  char zone[4] = {};
  int day = 0, year = 0, hh = 0, mm = 0, ss = 0;
  if (std::sscanf(text.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d %3s", wday, &day, mon, &year, &hh,
                  &mm, &ss, zone) != 8) {
    return -1;
  }
  if (std::strcmp(zone, "GMT") != 0) return -1;
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int month = -1;
  for (int i = 0; i < 12; ++i) {
    if (std::strcmp(mon, months[i]) == 0) month = i;
  }
  if (month < 0 || day < 1 || day > 31 || year < 1970 || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
      ss < 0 || ss > 60) {
    return -1;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace hubget
