#include "ttt/train/lm_loss.h"

#include "ttt/util/error.h"

namespace ttt::train {

LossSum lm_loss_sum(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& mask) {
  TTT_CHECK(logits.dim() == 3 && targets.dim() == 2 && logits.size(0) == targets.size(0) &&
                logits.size(1) == targets.size(1),
            "[loss] logits ", logits.sizes(), " do not match targets ", targets.sizes());
  namespace F = torch::nn::functional;
  auto flat_targets = targets.reshape({-1});
  std::int64_t count = flat_targets.numel();
  if (mask.defined()) {
    TTT_CHECK(mask.sizes() == targets.sizes(), "[loss] mask ", mask.sizes(), " does not match targets ",
              targets.sizes());
    auto counted = mask.reshape({-1}).ne(0);
    // ignore_index drops the masked targets from both the sum and the gradient.
    flat_targets = flat_targets.masked_fill(counted.logical_not(), -100);
    count = counted.sum().item<std::int64_t>();
  }
  auto sum = F::cross_entropy(logits.reshape({-1, logits.size(-1)}), flat_targets,
                              F::CrossEntropyFuncOptions().reduction(torch::kSum).ignore_index(-100));
  return {sum, count};
}

}  // namespace ttt::train
