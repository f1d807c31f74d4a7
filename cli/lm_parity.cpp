// `ttt lm parity`: agreement with fixtures written by the official reference model.
#include <cmath>
#include <cstdio>
#include <memory>

#include "commands.h"
#include "ttt/eval/reference_check.h"
#include "ttt/util/error.h"

namespace ttt::cli {
namespace {

struct ParityOptions {
  std::string fixtures = "tests/data/ttt-reference";
  double tolerance = 1e-4;
};

void run_parity(const ParityOptions& o) {
  // NaN would make every comparison fail silently "ok"-less, inf would accept anything.
  TTT_CHECK(std::isfinite(o.tolerance) && o.tolerance >= 0, "[parity] --tolerance must be a finite number >= 0, got ",
            o.tolerance);
  const auto names = eval::list_reference_fixtures(o.fixtures);
  TTT_CHECK(!names.empty(), "[parity] no <name>.safetensors + <name>.config.json pairs in '", o.fixtures, "'");
  std::printf("%-22s %5s %5s %9s %12s %12s %12s %12s\n", "fixture", "B", "L", "P+D", "logits", "hidden", "prefill",
              "decode");
  int failures = 0;
  for (const auto& name : names) {
    const auto r = eval::check_reference_fixture(o.fixtures, name);
    double hidden = 0;  // NaN-propagating max, so a NaN shows in the table
    for (double h : r.hidden_max_diff) hidden = std::isnan(h) || std::isnan(hidden) ? NAN : std::max(hidden, h);
    const bool ok = r.worst() <= o.tolerance;
    failures += ok ? 0 : 1;
    std::printf("%-22s %5lld %5lld %4lld+%-4lld %12.3g %12.3g %12.3g %12.3g  %s\n", name.c_str(), r.batch, r.length,
                r.prefill, r.decode, r.logits_max_diff, hidden, r.prefill_max_diff, r.decode_max_diff,
                ok ? "ok" : "MISMATCH");
  }
  std::printf("max |ours - reference| per output; tolerance %.1g: %zu of %zu fixtures agree\n", o.tolerance,
              names.size() - failures, names.size());
  if (failures) throw CLI::RuntimeError(1);
}

}  // namespace

void register_lm_parity(CLI::App& lm) {
  auto o = std::make_shared<ParityOptions>();
  auto* cmd = lm.add_subcommand("parity", "Compare logits, hidden states, prefill and decoding with reference fixtures");
  cmd->add_option("--fixtures", o->fixtures, "Folder of <name>.safetensors + <name>.config.json")->capture_default_str();
  cmd->add_option("--tolerance", o->tolerance, "Largest accepted max |difference|")->capture_default_str();
  cmd->callback([o] { run_parity(*o); });
}

}  // namespace ttt::cli
