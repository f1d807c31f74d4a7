#include "ttt/models/sampling.h"

#include <cmath>

#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::models {

void SamplingOptions::validate() const {
  TTT_CHECK(std::isfinite(temperature) && temperature >= 0 && temperature <= 100,
            "[sample] temperature must be in [0, 100], got ", temperature);
  TTT_CHECK(top_k >= 0, "[sample] top-k must be ≥ 0, got ", top_k);
  TTT_CHECK(std::isfinite(top_p) && top_p > 0 && top_p <= 1, "[sample] top-p must be in (0, 1], got ", top_p);
}

torch::Tensor sampling_distribution(const torch::Tensor& logits, const SamplingOptions& o) {
  TTT_CHECK(logits.dim() == 2, "[sample] expected logits [B, V], got ", shape_str(logits));
  TTT_CHECK(o.temperature > 0, "[sample] a distribution needs a positive temperature");
  auto scaled = logits.to(torch::kFloat) / o.temperature;
  const auto vocab = scaled.size(1);
  if (o.top_k > 0 && o.top_k < vocab) {
    auto kth = std::get<0>(scaled.topk(o.top_k, -1)).narrow(1, o.top_k - 1, 1);  // [B,1]
    scaled = scaled.masked_fill(scaled < kth, -std::numeric_limits<float>::infinity());
  }
  auto probs = torch::softmax(scaled, -1);
  if (o.top_p < 1.0) {
    auto [sorted, order] = probs.sort(-1, /*descending=*/true);
    // Keep a token when the mass before it is still below top_p (so the top token always stays).
    auto before = sorted.cumsum(-1) - sorted;
    auto keep_sorted = before < o.top_p;
    auto keep = torch::zeros_like(keep_sorted).scatter(-1, order, keep_sorted);
    probs = probs * keep.to(probs.scalar_type());
    probs = probs / probs.sum(-1, /*keepdim=*/true);
  }
  return probs;
}

torch::Tensor sample_next(const torch::Tensor& logits, const SamplingOptions& o, torch::Generator& generator) {
  o.validate();
  TTT_CHECK(logits.dim() == 2, "[sample] expected logits [B, V], got ", shape_str(logits));
  TTT_CHECK(torch::isfinite(logits).all().item<bool>(), "[sample] the model produced non-finite logits");
  if (o.temperature == 0) return logits.argmax(-1, /*keepdim=*/true);
  return torch::multinomial(sampling_distribution(logits, o), 1, /*replacement=*/false, generator);
}

}  // namespace ttt::models
