#include "arc_model_options.h"

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "arc_augmenter_names.h"
#include "ttt/arc/pipeline/base_model.h"
#include "ttt/arc/task_io.h"
#include "ttt/util/error.h"

namespace fs = std::filesystem;

namespace ttt::cli {

void add_arc_model_flags(CLI::App* cmd, ArcModelFlags& f, bool with_ttt, bool with_prediction) {
  cmd->add_option("--model", f.model, "Base model folder (config.json + model.safetensors); default: the shipped model");
  if (with_ttt) {
    cmd->add_option("--lora-rank", f.rank, "LoRA rank")->capture_default_str()->check(CLI::Range(1, 4096));
    cmd->add_option("--lora-alpha", f.alpha, "LoRA alpha (scale = alpha / rank)")->capture_default_str()->check(CLI::Range(1e-6, 1e6));
    cmd->add_option("--lora-dropout", f.dropout, "LoRA dropout")->capture_default_str()->check(CLI::Range(0.0, 0.99));
    cmd->add_option("--lora-targets", f.targets, "Adapted projections: q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj,lm_head")
        ->capture_default_str();
    cmd->add_option("--lr", f.lr, "Test-time-training learning rate (AdamW)")->capture_default_str()->check(CLI::Range(1e-12, 1.0));
    cmd->add_option("--weight-decay", f.weight_decay, "AdamW weight decay")->capture_default_str()->check(CLI::Range(0.0, 10.0));
    cmd->add_option("--epochs", f.epochs, "Epochs over the task's TTT data")->capture_default_str()->check(CLI::Range(1, 1000));
    cmd->add_option("--batch", f.batch, "Sequences per update")->capture_default_str()->check(CLI::Range(1, 1024));
    cmd->add_option("--warmup", f.warmup, "Linear warmup, as a fraction of the updates")->capture_default_str()->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--max-steps", f.max_steps, "Cap on updates per task (0: none)")->capture_default_str()->check(CLI::Range(0, 1 << 30));
    cmd->add_option("--max-examples", f.max_examples, "TTT sequences per task (the spec's Nmax)")->capture_default_str()->check(CLI::Range(1, 100000));
    cmd->add_flag("--no-early-stop", f.no_early_stop, "Train on every demonstration, keep the last adapter");
    cmd->add_flag("--refit", f.refit,
                  "After early stopping, train a fresh adapter on every demonstration (the held-out one included) "
                  "for the chosen share of its schedule, instead of keeping the early-stopped adapter");
    cmd->add_flag("--all-augmenters", f.all_augmenters, kAllAugmentersHelp);
  }
  if (with_prediction) {
    cmd->add_option("--max-queries", f.max_queries, "Augmented queries decoded per test input (0: all)")->capture_default_str()->check(CLI::Range(0, 100000));
    cmd->add_option("--rank-by", f.rank_by,
                    "How the two attempts are chosen: vote (the paper's two-level vote) or likelihood (the vote's "
                    "candidates re-ranked by their mean log-likelihood under every augmented query)")
        ->capture_default_str()
        ->check(CLI::IsMember({"vote", "likelihood"}));
    cmd->add_option("--max-candidates", f.max_candidates,
                    "With --rank-by likelihood: most-produced distinct grids scored, plus the vote's finalists (0: all)")
        ->capture_default_str()
        ->check(CLI::Range(0, 1000));
    cmd->add_option("--permutations", f.permutations, "Random demonstration orders per leave-one-out query")->capture_default_str()->check(CLI::Range(0, 100));
  }
  cmd->add_option("--seed", f.seed, "Seed of the TTT data, adapters and queries")->capture_default_str();
  cmd->add_option("--threads", f.threads, "Intra-op threads (0: all cores)")->capture_default_str()->check(CLI::Range(0, 1024));
  cmd->add_option("--max-tasks", f.max_tasks, "Only the first N tasks (0: all)")->capture_default_str()->check(CLI::Range(0, 1 << 30));
}

arc::SolveOptions solve_options(const ArcModelFlags& f) {
  arc::SolveOptions o;
  o.lora.rank = f.rank;
  o.lora.alpha = f.alpha;
  o.lora.dropout = f.dropout;
  o.lora.targets.clear();
  std::stringstream list(f.targets);
  for (std::string item; std::getline(list, item, ',');) o.lora.targets.push_back(item);
  o.lora.validate("--lora-* flags");
  o.lora_seed = f.seed;
  o.ttt.epochs = f.epochs;
  o.ttt.batch = f.batch;
  o.ttt.lr = f.lr;
  o.ttt.weight_decay = f.weight_decay;
  o.ttt.warmup = f.warmup;
  o.ttt.max_steps = f.max_steps;
  o.ttt.early_stopping = !f.no_early_stop;
  o.ttt.refit_on_all_demos = f.refit;
  o.ttt.seed = f.seed;
  o.ttt.data.max_tasks = static_cast<std::size_t>(f.max_examples);
  o.ttt.data.seed = f.seed;
  o.ttt.data.keep_fixed_answer_shape = !f.all_augmenters;
  o.ttt.validate();
  o.predict.queries.seed = f.seed;
  o.predict.queries.permutations = f.permutations;
  o.predict.queries.max_queries = f.max_queries;
  o.predict.ranking = arc::parse_candidate_ranking(f.rank_by);
  o.predict.max_candidates = f.max_candidates;
  return o;
}

std::string shipped_arc_model_dir() {
  if (const char* env = std::getenv("TTT_ARC_MODEL"); env && *env) return env;
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  // build/ttt → <source>/models/arc-base; also an installed <prefix>/bin/ttt → <prefix>/share/ttt/arc-base.
  if (!ec) {
    for (const auto& candidate : {exe.parent_path().parent_path() / "models" / "arc-base",
                                  exe.parent_path().parent_path() / "share" / "ttt" / "arc-base"})
      if (fs::exists(candidate / "config.json")) return candidate.string();
  }
  fail("[arc] no --model given and the shipped model (models/arc-base beside the build folder) was not found; "
       "pass --model DIR or set TTT_ARC_MODEL");
}

nlohmann::json arc_model_settings(const ArcModelFlags& f) {
  return {{"model", f.model.empty() ? shipped_arc_model_dir() : f.model},
          {"lora_rank", f.rank}, {"lora_alpha", f.alpha}, {"lora_dropout", f.dropout}, {"lora_targets", f.targets},
          {"lr", f.lr}, {"weight_decay", f.weight_decay}, {"warmup", f.warmup},
          {"epochs", f.epochs}, {"batch", f.batch}, {"max_steps", f.max_steps}, {"max_examples", f.max_examples},
          {"early_stopping", !f.no_early_stop}, {"refit", f.refit}, {"all_augmenters", f.all_augmenters},
          {"max_queries", f.max_queries}, {"permutations", f.permutations}, {"seed", f.seed},
          {"rank_by", f.rank_by}, {"max_candidates", f.max_candidates}};
}

models::CausalLM load_arc_model_flag(const ArcModelFlags& f) {
  if (f.threads > 0) torch::set_num_threads(f.threads);
  return arc::load_arc_model(f.model.empty() ? shipped_arc_model_dir() : f.model);
}

std::vector<arc::Task> load_arc_tasks_flag(const std::string& path, std::size_t max_tasks) {
  auto tasks = arc::load_tasks(path);
  TTT_CHECK(!tasks.empty(), "[arc] ", path, ": no tasks");
  if (max_tasks > 0 && tasks.size() > max_tasks) tasks.resize(max_tasks);
  return tasks;
}

std::string task_file_stem(const std::string& task_id) {
  std::string out;
  for (char c : task_id) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  if (out.empty() || out[0] == '.') out = "_" + out;
  return out.substr(0, 200);
}

std::pair<int, int> task_worker() {
  const char* rank = std::getenv("RANK");
  const char* world = std::getenv("WORLD_SIZE");
  if (!rank || !world) return {0, 1};
  const int r = std::atoi(rank), w = std::atoi(world);
  TTT_CHECK(w >= 1 && r >= 0 && r < w, "[arc] RANK ", rank, " / WORLD_SIZE ", world, " are not a valid worker");
  return {r, w};
}

}  // namespace ttt::cli
