// `ttt arc generate`: writes ARC-format tasks drawn from the generator families (src/ttt/arc/generators)
// for base-model training, "<family>-<index>.json" per task.
#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "ttt/arc/generators/registry.h"
#include "ttt/arc/generators/write_tasks.h"
#include "ttt/util/error.h"

namespace ttt::cli {
namespace {

struct GenerateFlags {
  std::string families = "all";
  int per_family = 10;
  int min_side = 3;
  int max_side = 30;
  std::string demos = "3-5";
  std::uint64_t seed = 0;
  std::string out;
  bool list = false;
};

// "k" or "lo-hi".
void parse_demos(const std::string& text, int& lo, int& hi) {
  const std::size_t dash = text.find('-');
  try {
    std::size_t used = 0;
    lo = std::stoi(text.substr(0, dash), &used);
    TTT_CHECK(used == (dash == std::string::npos ? text.size() : dash), "trailing characters");
    hi = lo;
    if (dash != std::string::npos) {
      hi = std::stoi(text.substr(dash + 1), &used);
      TTT_CHECK(used == text.size() - dash - 1, "trailing characters");
    }
  } catch (const std::exception&) {
    fail("[arc generate] --demos must be a count or a range like 3-5, got '", text, "'");
  }
}

void run_arc_generate(const GenerateFlags& flags) {
  if (flags.list) {
    for (const auto& family : arc::gen::all_families())
      std::printf("%-24s %s\n", family.name.c_str(), family.description.c_str());
    return;
  }
  TTT_CHECK(!flags.out.empty(), "[arc generate] --out DIR is required");
  arc::gen::DatasetRequest request;
  request.families = arc::gen::select_families(flags.families);
  request.per_family = flags.per_family;
  request.options.sides = {flags.min_side, flags.max_side};
  parse_demos(flags.demos, request.options.min_demos, request.options.max_demos);
  request.seed = flags.seed;
  request.out_dir = flags.out;
  const int written = arc::gen::write_generated_tasks(request, [](const std::string& name, int tasks, int done, int total) {
    std::fprintf(stderr, "[%d/%d] %s: %d tasks\n", done, total, name.c_str(), tasks);
  });
  std::fprintf(stderr, "wrote %d tasks to %s\n", written, flags.out.c_str());
}

}  // namespace

void register_arc_generate(CLI::App& arc) {
  auto flags = std::make_shared<GenerateFlags>();
  CLI::App* cmd = arc.add_subcommand(
      "generate",
      "Write ARC-format training tasks drawn from the generator families (re-arc style): each task has its own "
      "rule parameters, 3-5 demonstrations and one test pair. Same seed, same files.");
  cmd->add_option("--families", flags->families, "Comma-separated family names, or all")->capture_default_str();
  // Signed counts and sides: the generator's own checks name the rule ("must be positive", "max side 31").
  cmd->add_option("--per-family", flags->per_family, "Tasks per family")->capture_default_str();
  cmd->add_option("--min-side", flags->min_side, "Smallest input side")->capture_default_str();
  cmd->add_option("--max-side", flags->max_side, "Largest side of any grid (at most 30)")->capture_default_str();
  cmd->add_option("--demos", flags->demos, "Demonstrations per task: a count or a range lo-hi")->capture_default_str();
  cmd->add_option("--seed", flags->seed, "Random seed")->capture_default_str()->check(CLI::NonNegativeNumber);
  cmd->add_option("--out", flags->out, "Output folder (created when missing)");
  cmd->add_flag("--list", flags->list, "List the families and exit");
  cmd->callback([flags] { run_arc_generate(*flags); });
}

}  // namespace ttt::cli
