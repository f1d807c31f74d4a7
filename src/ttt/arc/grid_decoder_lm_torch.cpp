#include "ttt/arc/grid_decoder_lm.h"

#include "ttt/arc/grid_tokens.h"
#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

void check_vocabulary(const models::CausalLM& model) {
  TTT_CHECK(model->config().vocab_size > kTokenEndOfExample, "[arc] grid decoding needs a model whose vocabulary ",
            "covers the grid tokens (vocab_size >= ", kTokenEndOfExample + 1, "), got ", model->config().vocab_size);
}

torch::Device model_device(models::CausalLM& model) {
  auto params = model->parameters();
  return params.empty() ? torch::Device(torch::kCPU) : params.front().device();
}

torch::Tensor ids_tensor(const std::vector<std::int32_t>& ids, torch::Device device) {
  std::vector<std::int64_t> wide(ids.begin(), ids.end());
  return torch::tensor(wide, torch::kLong).view({1, static_cast<std::int64_t>(wide.size())}).to(device);
}

// The last position's logits [B=1, T, V] → V doubles.
std::vector<double> last_logits(const torch::Tensor& logits) {
  torch::Tensor last = logits.select(0, 0).select(0, logits.size(1) - 1).to(torch::kCPU, torch::kDouble).contiguous();
  return std::vector<double>(last.data_ptr<double>(), last.data_ptr<double>() + last.numel());
}

}  // namespace

CachedLMLogits::CachedLMLogits(models::CausalLM model) : model_(std::move(model)) { check_vocabulary(model_); }

std::vector<double> CachedLMLogits::run(const std::vector<std::int32_t>& ids) {
  torch::NoGradGuard no_grad;
  return last_logits(model_->forward(ids_tensor(ids, model_device(model_)), &cache_).logits);
}

std::vector<double> CachedLMLogits::start(const std::vector<std::int32_t>& prompt) {
  TTT_CHECK(!prompt.empty(), "[arc] grid decoding: empty prompt");
  cache_ = model_->new_cache();
  return run(prompt);
}

std::vector<double> CachedLMLogits::step(std::int32_t token) { return run({token}); }

UncachedLMLogits::UncachedLMLogits(models::CausalLM model) : model_(std::move(model)) { check_vocabulary(model_); }

std::vector<double> UncachedLMLogits::run() {
  torch::NoGradGuard no_grad;
  return last_logits(model_->forward(ids_tensor(sequence_, model_device(model_))).logits);
}

std::vector<double> UncachedLMLogits::start(const std::vector<std::int32_t>& prompt) {
  TTT_CHECK(!prompt.empty(), "[arc] grid decoding: empty prompt");
  sequence_ = prompt;
  return run();
}

std::vector<double> UncachedLMLogits::step(std::int32_t token) {
  sequence_.push_back(token);
  return run();
}

std::optional<DecodedGrid> decode_grid(models::CausalLM& model, const std::vector<std::int32_t>& prompt,
                                       const GridDecodeOptions& options) {
  CachedLMLogits source(model);
  return decode_grid_greedy(source, prompt, options);
}

std::optional<DecodedGrid> decode_grid_uncached(models::CausalLM& model, const std::vector<std::int32_t>& prompt,
                                                const GridDecodeOptions& options) {
  UncachedLMLogits source(model);
  return decode_grid_greedy(source, prompt, options);
}

}  // namespace ttt::arc
