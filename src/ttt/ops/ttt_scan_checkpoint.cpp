#include "ttt/ops/ttt_scan_checkpoint.h"

#include "ttt/util/error.h"

namespace ttt::ops {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Inputs of one group, flattened for autograd: the state's weights, then xq, xk, xv, lr_eta, token_eta
// (one mini-batch's K values), ln_weight, ln_bias.
// The group's plain forward: mini-batch after mini-batch through ttt_segment. Returns the outputs
// followed by the state's weights at the group's end.
variable_list run_group(InnerModel model, const variable_list& inputs, std::size_t n_weights, std::int64_t K) {
  InnerState state;
  state.weights.assign(inputs.begin(), inputs.begin() + static_cast<std::ptrdiff_t>(n_weights));
  const auto& xq = inputs[n_weights];
  const auto& xk = inputs[n_weights + 1];
  const auto& xv = inputs[n_weights + 2];
  const auto& lr = inputs[n_weights + 3];
  const auto& token_eta = inputs[n_weights + 4];
  const auto& ln_w = inputs[n_weights + 5];
  const auto& ln_b = inputs[n_weights + 6];
  std::vector<torch::Tensor> outputs;
  for (std::int64_t t = 0; t < xq.size(2); t += K) {
    SegmentInputs seg{xq.narrow(2, t, K), xk.narrow(2, t, K), xv.narrow(2, t, K), lr.narrow(2, t, K), token_eta,
                      ln_w, ln_b};
    outputs.push_back(ttt_segment(model, state, seg, /*closes_mini_batch=*/true));
  }
  variable_list result{torch::cat(outputs, 2)};
  for (auto& w : state.weights) result.push_back(w);
  return result;
}

struct RematerializedGroup : public torch::autograd::Function<RematerializedGroup> {
  static variable_list forward(AutogradContext* ctx, at::TensorList inputs, std::int64_t model, std::int64_t n_weights,
                               std::int64_t K) {
    ctx->save_for_backward(inputs.vec());
    ctx->saved_data["model"] = model;
    ctx->saved_data["n_weights"] = n_weights;
    ctx->saved_data["K"] = K;
    return run_group(static_cast<InnerModel>(model), inputs.vec(), static_cast<std::size_t>(n_weights), K);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const auto model = static_cast<InnerModel>(ctx->saved_data["model"].toInt());
    const auto n_weights = static_cast<std::size_t>(ctx->saved_data["n_weights"].toInt());
    const auto K = ctx->saved_data["K"].toInt();
    variable_list leaves, wanted;
    std::vector<std::size_t> wanted_index;
    for (std::size_t i = 0; i < saved.size(); ++i) {
      leaves.push_back(saved[i].detach().requires_grad_(saved[i].requires_grad()));
      if (saved[i].requires_grad()) {
        wanted.push_back(leaves.back());
        wanted_index.push_back(i);
      }
    }
    variable_list outputs;
    {
      torch::AutoGradMode enable(true);
      outputs = run_group(model, leaves, n_weights, K);
    }
    variable_list used_outputs, used_grads;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      if (!grad_outputs[i].defined() || !outputs[i].requires_grad()) continue;
      used_outputs.push_back(outputs[i]);
      used_grads.push_back(grad_outputs[i]);
    }
    // One gradient per tensor input, then one (undefined) per non-tensor argument.
    variable_list result(saved.size() + 3);
    if (used_outputs.empty() || wanted.empty()) return result;
    auto grads = torch::autograd::grad(used_outputs, wanted, used_grads, /*retain_graph=*/false,
                                       /*create_graph=*/false, /*allow_unused=*/true);
    for (std::size_t i = 0; i < wanted.size(); ++i) result[wanted_index[i]] = grads[i];
    return result;
  }
};

}  // namespace

torch::Tensor ttt_full_mini_batches_rematerialized(InnerModel model, InnerState& state, const SegmentInputs& in,
                                                   std::int64_t K, std::int64_t G) {
  TTT_CHECK(K > 0 && G > 0, "[ttt_remat] mini-batch size ", K, " and group size ", G, " must be positive");
  TTT_CHECK(state.grad_sums.empty(), "[ttt_remat] the scan must start at a mini-batch boundary");
  const auto k = in.xq.size(2);
  TTT_CHECK(k % K == 0, "[ttt_remat] ", k, " tokens are not whole mini-batches of ", K);
  TTT_CHECK(in.token_eta.dim() == 1 && in.token_eta.size(0) == K, "[ttt_remat] token_eta must hold the K = ", K,
            " values of one mini-batch");
  std::vector<torch::Tensor> outputs;
  for (std::int64_t t = 0; t < k; t += G * K) {
    const auto n = std::min(G * K, k - t);
    std::vector<torch::Tensor> inputs = state.weights;
    for (const auto* x : {&in.xq, &in.xk, &in.xv}) inputs.push_back(x->narrow(2, t, n));
    inputs.push_back(in.lr_eta.narrow(2, t, n));
    inputs.push_back(in.token_eta);
    inputs.push_back(in.ln_weight);
    inputs.push_back(in.ln_bias);
    const auto n_weights = static_cast<std::int64_t>(state.weights.size());
    auto out = RematerializedGroup::apply(at::TensorList(inputs), static_cast<std::int64_t>(model), n_weights, K);
    outputs.push_back(out[0]);
    state.weights.assign(out.begin() + 1, out.end());
  }
  return torch::cat(outputs, 2);
}

}  // namespace ttt::ops
