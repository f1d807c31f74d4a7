#include "ttt/kernels/ttt_linear_scan_autograd.h"

#include "ttt/kernels/cpu/ttt_linear_train.h"
#include "ttt/kernels/scan_autograd_inputs.h"
#include "ttt/util/error.h"

namespace ttt::kernels {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

using namespace scan_autograd;  // kXq … kLnB: the layer's inputs come first

// Then the start state; the backward returns one gradient per input.
enum Input { kW0 = kNumSharedInputs, kB0, kNumInputs };

class LinearScanFunction : public torch::autograd::Function<LinearScanFunction> {
 public:
  static variable_list forward(AutogradContext* ctx, const torch::Tensor& xq, const torch::Tensor& xk,
                               const torch::Tensor& xv, const torch::Tensor& lr_eta, const torch::Tensor& token_eta,
                               const torch::Tensor& ln_weight, const torch::Tensor& ln_bias, const torch::Tensor& w0,
                               const torch::Tensor& b0) {
    ctx->set_materialize_grads(false);  // an unused end state gets no gradient: treated as zero, not allocated
    const cpu::LinearScanInputs in{xq, xk, xv, lr_eta, token_eta, ln_weight, ln_bias, w0, b0};
    auto f = cpu::ttt_linear_scan_forward(in);
    ctx->save_for_backward({xq, xk, xv, lr_eta, token_eta, ln_weight, ln_bias, w0, b0});
    // The start states are intermediates (neither inputs nor outputs), kept outside the saved-variable list.
    ctx->saved_data["w_starts"] = f.w_starts;
    ctx->saved_data["b_starts"] = f.b_starts;
    return {f.out, f.w_final, f.b_final};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto s = ctx->get_saved_variables();
    const cpu::LinearScanInputs in{s[kXq], s[kXk], s[kXv], s[kLr], s[kTok], s[kLnW], s[kLnB], s[kW0], s[kB0]};
    cpu::LinearScanForward saved;
    saved.w_starts = ctx->saved_data["w_starts"].toTensor();
    saved.b_starts = ctx->saved_data["b_starts"].toTensor();
    auto g = cpu::ttt_linear_scan_backward(in, saved, grads[0], grads[1], grads[2]);
    variable_list out(kNumInputs);
    put_shared_input_grads(out, g);
    out[kW0] = g.w0;
    out[kB0] = g.b0;
    return out;
  }
};

}  // namespace

torch::Tensor ttt_linear_scan_trainable(ops::InnerState& state, const torch::Tensor& xq, const torch::Tensor& xk,
                                        const torch::Tensor& xv, const torch::Tensor& lr_eta,
                                        const torch::Tensor& token_eta, const torch::Tensor& ln_weight,
                                        const torch::Tensor& ln_bias) {
  TTT_CHECK(state.weights.size() == 2 && state.grad_sums.empty(),
            "[ttt_linear_scan] needs a TTT-Linear state at a mini-batch boundary (2 weights, no gradient sums), got ",
            state.weights.size(), " weights and ", state.grad_sums.size(), " sums");
  auto r = LinearScanFunction::apply(xq, xk, xv, lr_eta, token_eta, ln_weight, ln_bias, state.weights[0],
                                     state.weights[1]);
  state.weights = {r[1], r[2]};
  return r[0];
}

}  // namespace ttt::kernels
