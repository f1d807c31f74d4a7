#pragma once
// Human progress lines for long jobs: "step 120/1000 [####......] loss 3.214 · 5,210 tok/s · 2m01s · ETA 14m40s".
#include <cstdint>
#include <string>

namespace ttt {

std::string format_duration(double seconds);       // "59s", "2m01s", "3h04m"
std::string format_count(double value);             // 1234567 → "1,234,567"
std::string progress_bar(std::int64_t done, std::int64_t total, int width = 20);  // "[#####.....]"

}  // namespace ttt
