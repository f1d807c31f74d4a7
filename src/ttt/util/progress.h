#pragma once
// Human progress lines for long jobs: "step 120/1000 [####......] loss 3.214 · 5,210 tok/s · 2m01s · ETA 14m40s".
#include <cstddef>
#include <cstdint>
#include <string>

namespace ttt {

std::string format_duration(double seconds);       // "59s", "2m01s", "3h04m"
std::string format_count(double value);             // 1234567 → "1,234,567"
std::string progress_bar(std::int64_t done, std::int64_t total, int width = 20);  // "[#####.....]"

// The time left of a job made of similar tasks (ARC tasks: train, predict, evaluate): the mean seconds of
// the tasks done in this run times the tasks left. Tasks found already done (a resumed run) cost nothing now,
// so they leave the count without entering the mean.
class TaskEta {
 public:
  explicit TaskEta(std::size_t tasks) : left_(tasks) {}
  void finished(double seconds);
  void skipped();
  std::size_t left() const { return left_; }
  // NaN until one task has been timed.
  double eta_seconds() const;
  // " · ETA 2m01s", or "" until one task has been timed: appended to a progress line.
  std::string suffix() const;

 private:
  std::size_t left_;
  std::size_t timed_ = 0;
  double seconds_ = 0;
};

}  // namespace ttt
