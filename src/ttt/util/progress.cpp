#include "ttt/util/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ttt {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(std::llround(seconds));
  char buf[48];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%llds", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  return buf;
}

std::string format_count(double value) {
  if (!std::isfinite(value)) return "?";
  const bool negative = value < 0;
  auto digits = std::to_string(static_cast<long long>(std::llround(std::abs(value))));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string progress_bar(std::int64_t done, std::int64_t total, int width) {
  const double fraction = total > 0 ? std::clamp(static_cast<double>(done) / static_cast<double>(total), 0.0, 1.0) : 0;
  const int filled = static_cast<int>(std::floor(fraction * width));
  return "[" + std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(width - filled), '.') + "]";
}

void TaskEta::finished(double seconds) {
  if (left_ > 0) --left_;
  ++timed_;
  seconds_ += seconds;
}

void TaskEta::skipped() {
  if (left_ > 0) --left_;
}

double TaskEta::eta_seconds() const {
  if (timed_ == 0) return std::nan("");
  return seconds_ / static_cast<double>(timed_) * static_cast<double>(left_);
}

std::string TaskEta::suffix() const {
  return timed_ == 0 ? std::string() : " · ETA " + format_duration(eta_seconds());
}

}  // namespace ttt
