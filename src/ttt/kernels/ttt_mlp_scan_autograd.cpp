#include "ttt/kernels/ttt_mlp_scan_autograd.h"

#include "ttt/kernels/scan_autograd_inputs.h"
#include "ttt/util/error.h"

namespace ttt::kernels {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

using namespace scan_autograd;  // kXq … kLnB: the layer's inputs come first

// Then the start state; the backward returns one gradient per input.
enum Input { kW1 = kNumSharedInputs, kB1, kW2, kB2, kNumInputs };
// Outputs in this order: the layer output, then the end state.
enum Output { kOut, kW1End, kB1End, kW2End, kB2End };

class MlpScanFunction : public torch::autograd::Function<MlpScanFunction> {
 public:
  static variable_list forward(AutogradContext* ctx, const torch::Tensor& xq, const torch::Tensor& xk,
                               const torch::Tensor& xv, const torch::Tensor& lr_eta, const torch::Tensor& token_eta,
                               const torch::Tensor& ln_weight, const torch::Tensor& ln_bias, const torch::Tensor& w1,
                               const torch::Tensor& b1, const torch::Tensor& w2, const torch::Tensor& b2,
                               std::int64_t checkpoint_group) {
    ctx->set_materialize_grads(false);  // an unused end state gets no gradient: treated as zero, not allocated
    const cpu::MlpScanInputs in{xq, xk, xv, lr_eta, token_eta, ln_weight, ln_bias, w1, b1, w2, b2, checkpoint_group};
    auto f = cpu::ttt_mlp_scan_forward(in);
    ctx->save_for_backward({xq, xk, xv, lr_eta, token_eta, ln_weight, ln_bias, w1, b1, w2, b2});
    // The checkpoints are intermediates (neither inputs nor outputs), kept outside the saved-variable list.
    ctx->saved_data["checkpoint_group"] = checkpoint_group;
    ctx->saved_data["w1_checkpoints"] = f.w1_checkpoints;
    ctx->saved_data["b1_checkpoints"] = f.b1_checkpoints;
    ctx->saved_data["w2_checkpoints"] = f.w2_checkpoints;
    ctx->saved_data["b2_checkpoints"] = f.b2_checkpoints;
    return {f.out, f.w1, f.b1, f.w2, f.b2};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto s = ctx->get_saved_variables();
    const cpu::MlpScanInputs in{s[kXq],  s[kXk], s[kXv], s[kLr], s[kTok], s[kLnW],
                                s[kLnB], s[kW1], s[kB1], s[kW2], s[kB2],  ctx->saved_data["checkpoint_group"].toInt()};
    cpu::MlpScanForward saved;
    saved.w1_checkpoints = ctx->saved_data["w1_checkpoints"].toTensor();
    saved.b1_checkpoints = ctx->saved_data["b1_checkpoints"].toTensor();
    saved.w2_checkpoints = ctx->saved_data["w2_checkpoints"].toTensor();
    saved.b2_checkpoints = ctx->saved_data["b2_checkpoints"].toTensor();
    const cpu::MlpStateGrads grad_end{grads[kW1End], grads[kB1End], grads[kW2End], grads[kB2End]};
    auto g = cpu::ttt_mlp_scan_backward(in, saved, grads[kOut], grad_end);
    variable_list out(kNumInputs + 1);  // + checkpoint_group, not differentiable
    put_shared_input_grads(out, g);
    out[kW1] = g.w1;
    out[kB1] = g.b1;
    out[kW2] = g.w2;
    out[kB2] = g.b2;
    return out;
  }
};

}  // namespace

torch::Tensor ttt_mlp_scan_trainable(ops::InnerState& state, const torch::Tensor& xq, const torch::Tensor& xk,
                                     const torch::Tensor& xv, const torch::Tensor& lr_eta,
                                     const torch::Tensor& token_eta, const torch::Tensor& ln_weight,
                                     const torch::Tensor& ln_bias, std::int64_t checkpoint_group) {
  TTT_CHECK(state.weights.size() == 4 && state.grad_sums.empty(),
            "[ttt_mlp_scan] needs a TTT-MLP state at a mini-batch boundary (4 weights, no gradient sums), got ",
            state.weights.size(), " weights and ", state.grad_sums.size(), " sums");
  auto r = MlpScanFunction::apply(xq, xk, xv, lr_eta, token_eta, ln_weight, ln_bias, state.weights[0], state.weights[1],
                                  state.weights[2], state.weights[3], checkpoint_group);
  state.weights = {r[kW1End], r[kB1End], r[kW2End], r[kB2End]};
  return r[kOut];
}

}  // namespace ttt::kernels
