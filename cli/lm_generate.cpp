// `ttt lm generate`: prefill a prompt through the cache, then decode token by token — greedy or sampled
// (temperature, top-k, top-p, seed). Text in, text out (streamed) with --tokenizer and --prompt, or token
// ids in and out. Works for every architecture (TTT-Linear, TTT-MLP, Transformer, Mamba).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "token_ids.h"
#include "ttt/data/tokenizer.h"
#include "ttt/models/sampling.h"
#include "ttt/models/weights.h"
#include "ttt/train/checkpoint.h"
#include "ttt/util/error.h"

namespace ttt::cli {
namespace {

struct GenerateOptions {
  std::string model_dir, config, weights, ids, ids_file, prompt, tokenizer;
  int max_new_tokens = 16;
  models::SamplingOptions sampling{0.0, 0, 1.0};
  std::uint64_t seed = 0;
  bool json = false, no_stop = false;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void run_generate(const GenerateOptions& o) {
  o.sampling.validate();
  std::string config = o.config, weights = o.weights;
  if (!o.model_dir.empty()) {
    std::string dir = o.model_dir;
    if (!std::filesystem::exists(dir + "/config.json"))
      if (auto latest = train::latest_checkpoint(dir)) dir = *latest;
    config = dir + "/config.json";
    weights = dir + "/model.safetensors";
  }
  TTT_CHECK(!config.empty() && !weights.empty(), "[generate] give --model DIR, or --config and --weights");
  TTT_CHECK(o.prompt.empty() || !o.tokenizer.empty(), "[generate] --prompt needs --tokenizer");
  TTT_CHECK(!o.prompt.empty() || !o.ids.empty() || !o.ids_file.empty(),
            "[generate] give a prompt: --prompt TEXT (with --tokenizer), --ids or --ids-file");

  std::unique_ptr<data::Tokenizer> tokenizer;
  if (!o.tokenizer.empty()) tokenizer = std::make_unique<data::Tokenizer>(data::Tokenizer::load(o.tokenizer));
  auto model = models::load_model(config, weights);
  if (tokenizer)
    TTT_CHECK(tokenizer->vocab_size() == model->config().vocab_size, "[generate] tokenizer ", o.tokenizer, " has ",
              tokenizer->vocab_size(), " pieces, the model ", config, " a vocab of ", model->config().vocab_size);
  torch::Tensor prompt;
  if (!o.prompt.empty()) {
    std::vector<std::int64_t> ids{tokenizer->bos_id()};
    for (auto id : tokenizer->encode(o.prompt)) ids.push_back(id);
    prompt = torch::tensor(ids, torch::kLong).unsqueeze(0);
  } else {
    prompt = read_token_ids(o.ids, o.ids_file);
  }
  const std::int64_t eos = tokenizer ? tokenizer->eos_id() : model->config().eos_token_id;
  const bool stream_text = tokenizer && prompt.size(0) == 1 && !o.json;

  torch::NoGradGuard no_grad;
  auto generator = torch::make_generator<at::CPUGeneratorImpl>(o.seed);
  auto cache = model->new_cache();
  auto start = std::chrono::steady_clock::now();
  auto logits = model->forward(prompt, &cache).logits;
  check_finite_logits(logits, ModelInputFlags{config, weights, "", ""});
  const double prefill_s = seconds_since(start);
  std::vector<torch::Tensor> generated;
  std::vector<std::int64_t> text_ids;
  std::string printed;
  if (stream_text) {
    std::printf("%s", o.prompt.c_str());
    std::fflush(stdout);
  }
  start = std::chrono::steady_clock::now();
  for (int t = 0; t < o.max_new_tokens; ++t) {
    auto next = models::sample_next(logits.select(1, logits.size(1) - 1), o.sampling, generator);  // [B,1]
    generated.push_back(next);
    if (stream_text) {
      const auto id = next.item<std::int64_t>();
      if (id == eos && !o.no_stop) break;
      text_ids.push_back(id);
      // Print what decoding added (pieces can merge into characters, so compare whole decodings).
      const auto text = tokenizer->decode(text_ids);
      if (text.size() > printed.size() && text.compare(0, printed.size(), printed) == 0) {
        std::printf("%s", text.substr(printed.size()).c_str());
        std::fflush(stdout);
        printed = text;
      }
    } else if (prompt.size(0) == 1 && next.item<std::int64_t>() == eos && !o.no_stop) {
      break;
    }
    if (t + 1 < o.max_new_tokens) logits = model->forward(next, &cache).logits;
  }
  const double decode_s = seconds_since(start);
  auto out = generated.empty() ? torch::empty({prompt.size(0), 0}, torch::kLong) : torch::cat(generated, 1);
  const auto steps = out.size(1);
  if (stream_text) {
    std::printf("\n");
  } else if (o.json) {
    nlohmann::json seqs = nlohmann::json::array();
    for (long long b = 0; b < out.size(0); ++b) {
      std::vector<std::int64_t> ids(out[b].data_ptr<std::int64_t>(), out[b].data_ptr<std::int64_t>() + steps);
      nlohmann::json s = {{"ids", ids}};
      if (tokenizer) s["text"] = tokenizer->decode(ids);
      seqs.push_back(s);
    }
    std::printf("%s\n", nlohmann::json({{"sequences", seqs}, {"prompt_tokens", prompt.size(1)},
                                        {"prefill_seconds", prefill_s}, {"decode_seconds", decode_s},
                                        {"decode_tokens_per_s", prompt.size(0) * steps / std::max(decode_s, 1e-9)}})
                            .dump()
                            .c_str());
  } else {
    for (long long b = 0; b < out.size(0); ++b) {
      std::printf("sequence %lld:", b);
      for (long long t = 0; t < steps; ++t) std::printf(" %lld", out[b][t].item<std::int64_t>());
      std::printf("\n");
    }
  }
  const double batch = static_cast<double>(prompt.size(0));
  std::fprintf(stderr, "prefill %lld tokens in %.3f s (%.0f tok/s); decoded %lld tokens in %.3f s (%.0f tok/s)\n",
               static_cast<long long>(prompt.numel()), prefill_s, prompt.numel() / std::max(prefill_s, 1e-9),
               static_cast<long long>(steps), decode_s, batch * steps / std::max(decode_s, 1e-9));
}

}  // namespace

void register_lm_generate(CLI::App& lm) {
  auto o = std::make_shared<GenerateOptions>();
  auto* cmd = lm.add_subcommand("generate", "Generate: prefill the prompt, then decode with the cache (greedy or sampled)");
  cmd->add_option("--model", o->model_dir, "Model, checkpoint or run folder (instead of --config/--weights)");
  cmd->add_option("--config", o->config, "Model config.json")->check(CLI::ExistingFile);
  cmd->add_option("--weights", o->weights, "Weights (.safetensors)")->check(CLI::ExistingFile);
  cmd->add_option("--tokenizer", o->tokenizer, "SentencePiece model (`ttt data tokenizer`) for text in and out");
  auto* prompt = cmd->add_option("--prompt", o->prompt, "Prompt text (needs --tokenizer); the output is streamed");
  auto* ids = cmd->add_option("--ids", o->ids, "Prompt as token ids, e.g. 1,2,3");
  auto* file = cmd->add_option("--ids-file", o->ids_file, "Prompt token ids, one sequence per line")->check(CLI::ExistingFile);
  ids->excludes(file);
  prompt->excludes(ids)->excludes(file);
  cmd->add_option("--max-new-tokens", o->max_new_tokens, "Tokens to generate")->capture_default_str()->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--temperature", o->sampling.temperature, "0: greedy; > 0: sample")->capture_default_str();
  cmd->add_option("--top-k", o->sampling.top_k, "Sample among the k most likely tokens (0: all)")->capture_default_str()->check(CLI::Range(std::int64_t(0), std::int64_t(1) << 24));
  cmd->add_option("--top-p", o->sampling.top_p, "Nucleus sampling mass (1: off)")->capture_default_str();
  cmd->add_option("--seed", o->seed, "Sampling seed")->capture_default_str();
  cmd->add_flag("--no-stop", o->no_stop, "Keep generating after the end-of-sequence token");
  cmd->add_flag("--json", o->json, "Print one JSON object (ids, text with --tokenizer, timings)");
  cmd->callback([o] { run_generate(*o); });
}

}  // namespace ttt::cli
