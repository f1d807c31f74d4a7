#include "train_progress.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "ttt/util/progress.h"

namespace ttt::cli {

void print_train_step(const train::StepReport& r, bool json, bool tty) {
  if (json) {
    std::printf("%s\n", nlohmann::json({{"event", "step"}, {"step", r.step}, {"total_steps", r.total_steps},
                                        {"loss", r.loss}, {"lr", r.lr}, {"grad_norm", r.grad_norm},
                                        {"tokens_per_s", r.tokens_per_s}, {"tokens_seen", r.tokens_seen},
                                        {"elapsed_seconds", r.elapsed_seconds}, {"eta_seconds", r.eta_seconds},
                                        {"peak_rss_mb", r.peak_rss_bytes / double(1 << 20)}})
                            .dump()
                            .c_str());
    std::fflush(stdout);
    return;
  }
  // On a terminal one line redrawn in place; in a log file a line every 10 steps (and the last).
  if (!tty && r.step % 10 != 0 && r.step != r.total_steps && r.step != 1) return;
  std::fprintf(stderr, "%sstep %lld/%lld %s loss %.4f · lr %.2e · %s tok/s · %s · ETA %s · peak %.0f MB%s",
               tty ? "\r\033[K" : "", static_cast<long long>(r.step), static_cast<long long>(r.total_steps),
               progress_bar(r.step, r.total_steps).c_str(), r.loss, r.lr, format_count(r.tokens_per_s).c_str(),
               format_duration(r.elapsed_seconds).c_str(), format_duration(r.eta_seconds).c_str(),
               r.peak_rss_bytes / double(1 << 20), tty ? "" : "\n");
  std::fflush(stderr);
}

}  // namespace ttt::cli
