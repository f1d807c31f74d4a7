// Writes the seed corpus of the token_file, checkpoint and lora_adapters fuzz targets with the project's
// own writers (so the valid seeds are exactly what `ttt` produces), plus damaged copies that reach the
// readers' error paths. Usage: make_lm_seeds fuzz/corpus
// The files named valid_* must be accepted by their target (tests/train/fuzz_lm_replay_test.cpp checks it).
#include <cstdio>
#include <filesystem>

#include "targets_torch.h"
#include "ttt/data/token_file.h"

namespace fs = std::filesystem;
using namespace ttt;

namespace {

std::string slurp(const fs::path& path) { return fuzz::read_whole_file(path.string()); }

void put(const fs::path& folder, const std::string& name, const std::string& bytes) {
  fs::create_directories(folder);
  fuzz::write_bytes(folder / name, bytes);
}

void token_file_seeds(const fs::path& out, const fs::path& scratch) {
  const fs::path path = scratch / "tokens.bin";
  std::vector<std::int64_t> tokens;
  for (int i = 0; i < 300; ++i) tokens.push_back(i % 12);
  data::write_token_file(path.string(), tokens, 12, 0x1234abcdULL, 3);
  const std::string small = slurp(path);
  put(out, "valid_small.bin", small);
  data::write_token_file(path.string(), {0, 69999, 5, 65536}, 70000, 7, 1);  // 4 bytes per token
  put(out, "valid_wide.bin", slurp(path));
  data::write_token_file(path.string(), {}, 12, 0, 0);
  put(out, "valid_empty.bin", slurp(path));
  put(out, "truncated.bin", small.substr(0, small.size() - 3));
  put(out, "header_only.bin", small.substr(0, data::kTokenFileHeaderBytes));
  std::string bad = small;
  bad[data::kTokenFileHeaderBytes + 10] = static_cast<char>(200);  // id 200 ≥ vocabulary 12
  put(out, "id_out_of_range.bin", bad);
  bad = small;
  bad[0] = 'X';
  put(out, "bad_magic.bin", bad);
  bad = small;
  bad[16 + 7] = 0x40;  // token count 2⁶² (header byte 16 is the count, little-endian)
  put(out, "huge_count.bin", bad);
}

void checkpoint_seeds(const fs::path& out, const fs::path& scratch) {
  torch::manual_seed(0);
  models::CausalLM model(fuzz::fuzz_model_config());
  train::AdamW optimizer(fuzz::named_parameters(model), {});
  for (auto& [name, p] : fuzz::named_parameters(model)) p.mutable_grad() = torch::randn_like(p);
  optimizer.step(1e-3);
  train::TrainProgress progress;
  progress.step = 1;
  progress.samples_seen = 2;
  progress.tokens_seen = 32;
  progress.elapsed_seconds = 0.5;
  progress.last_loss = 2.4;
  const fs::path run = scratch / "run";
  const std::string dir = train::save_checkpoint(run.string(), model, optimizer, progress,
                                                 {{"context", 16}, {"batch", 2}, {"seed", 0}}, 0);
  std::vector<std::string> files = {slurp(run / "checkpoints" / "latest")};
  for (const char* name : {"state.json", "config.json", "model.safetensors", "optimizer.safetensors"})
    files.push_back(slurp(fs::path(dir) / name));
  put(out, "valid.bin", fuzz::join_files(files));

  auto variant = [&](const std::string& name, std::size_t index, const std::string& bytes) {
    auto copy = files;
    copy[index] = bytes;
    put(out, name, fuzz::join_files(copy));
  };
  variant("truncated_model.bin", 3, files[3].substr(0, files[3].size() / 2));
  variant("truncated_optimizer.bin", 4, files[4].substr(0, files[4].size() - 9));
  variant("latest_outside.bin", 0, "../../../step-00000001\n");
  variant("state_not_json.bin", 1, "{\"format\": \"ttt-train-checkpoint\", \"version\": 1, \"step\": ");
  variant("state_negative_step.bin", 1, "{\"format\":\"ttt-train-checkpoint\",\"version\":1,\"step\":-1,\"samples_seen\":0,"
                                       "\"tokens_seen\":0,\"elapsed_seconds\":0,\"last_loss\":0,\"run\":{}}");
  auto other = fuzz::fuzz_model_config();
  other.hidden_size = 16;
  variant("other_config.bin", 2, models::config_to_json(other).dump(2));
  auto swapped = files;
  std::swap(swapped[3], swapped[4]);
  put(out, "model_and_optimizer_swapped.bin", fuzz::join_files(swapped));
  files.pop_back();
  put(out, "no_optimizer.bin", fuzz::join_files(files));
}

void lora_seeds(const fs::path& out, const fs::path& scratch) {
  const fs::path path = scratch / "adapter.safetensors";
  auto save = [&](const nn::LoraConfig& config, bool poison) {
    torch::manual_seed(0);
    models::CausalLM model(fuzz::fuzz_model_config());
    models::LoraAdapters adapters;
    adapters.attach(model, config, 3);
    torch::NoGradGuard no_grad;
    for (auto& p : adapters.parameters()) p.copy_(torch::randn_like(p) * 0.1);
    if (poison) adapters.parameters().back().view(-1)[0] = std::nan("");
    adapters.save(path.string());
    return slurp(path);
  };
  const std::string valid = save(fuzz::fuzz_lora_config(), false);
  put(out, "valid.bin", valid);
  auto rank3 = fuzz::fuzz_lora_config();
  rank3.rank = 3;
  put(out, "other_rank.bin", save(rank3, false));
  auto fewer = fuzz::fuzz_lora_config();
  fewer.targets = {"q_proj", "v_proj"};
  put(out, "other_targets.bin", save(fewer, false));
  try {
    put(out, "non_finite.bin", save(fuzz::fuzz_lora_config(), true));
  } catch (const ttt::Error&) {
    // The writer refuses non-finite adapters; the reader's check is then reached by the fuzzer alone.
  }
  put(out, "truncated.bin", valid.substr(0, valid.size() - 5));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_lm_seeds CORPUS_DIR (e.g. fuzz/corpus)\n");
    return 2;
  }
  const fs::path corpus = argv[1];
  const fs::path scratch = fs::temp_directory_path() / ("ttt_make_lm_seeds_" + std::to_string(::getpid()));
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  try {
    token_file_seeds(corpus / "token_file", scratch);
    checkpoint_seeds(corpus / "checkpoint", scratch);
    lora_seeds(corpus / "lora_adapters", scratch);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_lm_seeds: %s\n", e.what());
    fs::remove_all(scratch);
    return 1;
  }
  fs::remove_all(scratch);
  std::printf("seeds written under %s\n", corpus.c_str());
  return 0;
}
