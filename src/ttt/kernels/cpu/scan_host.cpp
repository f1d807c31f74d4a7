#include "ttt/kernels/cpu/scan_host.h"

#include <string>

#include "ttt/util/error.h"
#include "ttt/ops/tensor_format.h"

namespace ttt::kernels::cpu::scan {

void check_shared_inputs(const char* op, const SharedInputs& in, std::initializer_list<const torch::Tensor*> state) {
  TTT_CHECK(in.xq.dim() == 4 && in.xk.sizes() == in.xq.sizes() && in.xv.sizes() == in.xq.sizes(), op,
            " xq/xk/xv must share one [B,H,T,d] shape, got ", shape_str(in.xq), " ", shape_str(in.xk), " ",
            shape_str(in.xv));
  const auto B = in.xq.size(0), H = in.xq.size(1), T = in.xq.size(2), d = in.xq.size(3);
  const auto dtype = in.xq.scalar_type();
  TTT_CHECK(dtype == torch::kFloat || dtype == torch::kDouble, op, " float32 or float64 only, got ", dtype);
  const auto check_one = [&](const torch::Tensor* t) {
    TTT_CHECK(t->defined() && t->scalar_type() == dtype && t->device().is_cpu(), op, " every input must be a ", dtype,
              " CPU tensor, got ",
              t->defined() ? ::ttt::str(t->scalar_type(), " on ", t->device()) : std::string("an undefined one"));
  };
  for (const auto* t : {&in.xk, &in.xv, &in.lr_eta, &in.token_eta, &in.ln_weight, &in.ln_bias}) check_one(t);
  for (const auto* t : state) check_one(t);
  TTT_CHECK(in.xq.stride(3) == 1 && in.xk.stride(3) == 1 && in.xv.stride(3) == 1, op,
            " xq/xk/xv need a contiguous last dim");
  const auto K = in.token_eta.dim() == 1 ? in.token_eta.size(0) : 0;
  TTT_CHECK(K > 0 && T % K == 0, op, " T = ", T, " must be a multiple of K = ", K, " (token_eta ",
            shape_str(in.token_eta), ")");
  TTT_CHECK(in.lr_eta.sizes() == torch::IntArrayRef({B, H, T}), op, " lr_eta ", shape_str(in.lr_eta),
            " does not match xq ", shape_str(in.xq));
  TTT_CHECK(in.ln_weight.sizes() == torch::IntArrayRef({H, d}) && in.ln_bias.sizes() == in.ln_weight.sizes(), op,
            " ttt_norm weight/bias ", shape_str(in.ln_weight), " ", shape_str(in.ln_bias), " must be [", H, ",", d,
            "]");
}

SharedInputGrads zero_shared_input_grads(const SharedInputs& in) {
  const auto B = in.xq.size(0), H = in.xq.size(1), L = in.xq.size(2), d = in.xq.size(3), K = in.token_eta.size(0);
  const auto opts = in.xq.options();
  SharedInputGrads g;
  g.xq = torch::zeros({B, H, L, d}, opts);
  g.xk = torch::zeros({B, H, L, d}, opts);
  g.xv = torch::zeros({B, H, L, d}, opts);
  g.lr_eta = torch::zeros({B, H, L}, opts);
  g.tok = torch::zeros({B, H, K}, opts);
  g.gamma = torch::zeros({B, H, d}, opts);
  g.beta = torch::zeros({B, H, d}, opts);
  return g;
}

torch::Tensor output_grad_or_zeros(const torch::Tensor& grad_out, const torch::Tensor& xq) {
  return grad_out.defined() ? grad_out
                            : torch::zeros({xq.size(0), xq.size(2), xq.size(1), xq.size(3)}, xq.options());
}

}  // namespace ttt::kernels::cpu::scan
