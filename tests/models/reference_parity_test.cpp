// Golden test against the official reference model (ttt.py of ttt-lm-pytorch): every
// <variant>.safetensors + <variant>.config.json pair in $TTT_REFERENCE_FIXTURES (default: the copy in
// tests/data/ttt-reference) is loaded and its logits, per-layer hidden states and prefill-then-decode
// logits are compared. Sizes are read from each config and tensor, never assumed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "ttt/io/safetensors_torch.h"
#include "ttt/models/weights.h"
#include "ttt/ops/tensor_format.h"

namespace fs = std::filesystem;
using namespace ttt;

namespace {

constexpr double kTolerance = 1e-4;

std::string fixture_dir() {
  const char* env = std::getenv("TTT_REFERENCE_FIXTURES");
  return env && *env ? env : std::string(TTT_TEST_DATA_DIR) + "/ttt-reference";
}

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(fixture_dir())) {
    const auto p = entry.path();
    if (p.extension() != ".safetensors") continue;
    const auto stem = p.stem().string();
    if (fs::exists(p.parent_path() / (stem + ".config.json"))) names.push_back(stem);
  }
  std::sort(names.begin(), names.end());
  return names;
}

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  EXPECT_EQ(a.sizes(), b.sizes());
  if (a.sizes() != b.sizes()) return 1e30;
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

int64_t metadata_int(const io::TensorMap& m, const std::string& key, const std::string& file) {
  auto it = m.metadata.find(key);
  if (it == m.metadata.end()) throw std::runtime_error(file + ": metadata lacks " + key);
  return std::stoll(it->second);
}

}  // namespace

TEST(reference_parity, all_fixtures_match) {
  const auto names = fixture_names();
  ASSERT_FALSE(names.empty()) << "no <name>.safetensors + <name>.config.json pairs in " << fixture_dir();
  torch::NoGradGuard no_grad;
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    const std::string base = fixture_dir() + "/" + name;
    auto tensors = io::load_tensors(base + ".safetensors");
    auto model = models::load_model(base + ".config.json", base + ".safetensors");
    const auto ids = tensors.get("fixture.input_ids").to(torch::kLong);

    // 1. One full forward: logits and every hidden state.
    auto out = model->forward(ids, nullptr, /*keep_hidden_states=*/true);
    const double logits_diff = max_abs_diff(out.logits, tensors.get("fixture.logits"));
    EXPECT_LE(logits_diff, kTolerance) << "full-pass logits";
    // The fixture must exercise the model: logits far from zero, so a near-zero diff is meaningful.
    EXPECT_GT(tensors.get("fixture.logits").abs().max().item<double>(), 100 * kTolerance);
    const auto ref_hidden = tensors.get("fixture.hidden_states");
    ASSERT_EQ(ref_hidden.size(0), static_cast<int64_t>(out.hidden_states.size()));
    for (size_t i = 0; i < out.hidden_states.size(); ++i)
      EXPECT_LE(max_abs_diff(out.hidden_states[i], ref_hidden[i]), kTolerance) << "hidden state " << i;

    // 2. Prefill P tokens with a cache, then decode D tokens one at a time.
    const auto file = base + ".safetensors";
    const auto prefill = metadata_int(tensors, "prefill_tokens", file);
    const auto decode = metadata_int(tensors, "decode_tokens", file);
    ASSERT_LE(prefill + decode, ids.size(1));
    auto cache = model->new_cache();
    auto prefill_logits = model->forward(ids.narrow(1, 0, prefill), &cache).logits;
    EXPECT_LE(max_abs_diff(prefill_logits, tensors.get("fixture.prefill_logits")), kTolerance) << "prefill";
    std::vector<torch::Tensor> steps;
    for (int64_t t = 0; t < decode; ++t) steps.push_back(model->forward(ids.narrow(1, prefill + t, 1), &cache).logits);
    const double decode_diff = max_abs_diff(torch::cat(steps, 1), tensors.get("fixture.decode_logits"));
    EXPECT_LE(decode_diff, kTolerance) << "decode";
    std::printf("[parity] %s: B=%lld L=%lld logits max|diff| %.3g, decode max|diff| %.3g\n", name.c_str(),
                static_cast<long long>(ids.size(0)), static_cast<long long>(ids.size(1)), logits_diff, decode_diff);
  }
}
