#include "ttt/ops/ttt_inner.h"

#include "ttt/ops/norms.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::ops {
namespace {

// Gradients of the self-supervised loss at the state's weights, for every token of the segment.
struct SegmentGrads {
  torch::Tensor x1, g1;  // layer-1 input (XK) and ∂ℓ/∂Z1
  torch::Tensor x2, g2;  // MLP only: layer-2 input gelu(Z1) and ∂ℓ/∂Z2
};

torch::Tensor ln_param(const torch::Tensor& p) { return p.unsqueeze(1); }  // [H,d] → [H,1,d] for [B,H,k,d]

SegmentGrads inner_grads(InnerModel model, const InnerState& s, const SegmentInputs& in) {
  const auto target = in.xv - in.xk;
  const auto gamma = ln_param(in.ln_weight), beta = ln_param(in.ln_bias);
  SegmentGrads g;
  g.x1 = in.xk;
  auto z1 = torch::matmul(in.xk, s.weights[0]) + s.weights[1];
  if (model == InnerModel::Linear) {
    g.g1 = layer_norm_l2_grad(z1, target, gamma, beta);
    return g;
  }
  g.x2 = gelu_tanh(z1);
  auto z2 = torch::matmul(g.x2, s.weights[2]) + s.weights[3];
  g.g2 = layer_norm_l2_grad(z2, target, gamma, beta);
  g.g1 = torch::matmul(g.g2, s.weights[2].transpose(-2, -1)) * gelu_tanh_grad(z1);
  return g;
}

// Adds this segment's lr-weighted gradients to the running sums: Σ_j lr_j x_jᵀ g_j and Σ_j lr_j g_j.
void accumulate(InnerState& s, const SegmentGrads& g, const torch::Tensor& lr_col /*[B,H,k,1]*/) {
  std::vector<torch::Tensor> sums;
  auto add_layer = [&](const torch::Tensor& x, const torch::Tensor& grad) {
    sums.push_back(torch::matmul((lr_col * x).transpose(-2, -1), grad));
    sums.push_back((lr_col * grad).sum(-2, /*keepdim=*/true));
  };
  add_layer(g.x1, g.g1);
  if (g.x2.defined()) add_layer(g.x2, g.g2);
  if (!s.grad_sums.empty())
    for (std::size_t i = 0; i < sums.size(); ++i) sums[i] = sums[i] + s.grad_sums[i];
  s.grad_sums = std::move(sums);
}

// At the end of a mini-batch the weights take the last token's step and the sums restart from zero.
void close_mini_batch(InnerState& s, const torch::Tensor& last_token_eta) {
  for (std::size_t i = 0; i < s.weights.size(); ++i) s.weights[i] = s.weights[i] - last_token_eta * s.grad_sums[i];
  s.grad_sums.clear();
}

void check_inputs(InnerModel model, const InnerState& s, const SegmentInputs& in) {
  const std::size_t n = model == InnerModel::Linear ? 2 : 4;
  TTT_CHECK(s.weights.size() == n, "[ttt_segment] state has ", s.weights.size(), " weights, expected ", n);
  TTT_CHECK(in.xq.dim() == 4 && in.xk.sizes() == in.xq.sizes() && in.xv.sizes() == in.xq.sizes(),
            "[ttt_segment] xq/xk/xv must share one [B,H,k,d] shape, got ", shape_str(in.xq), " ",
            shape_str(in.xk), " ", shape_str(in.xv));
  const auto k = in.xq.size(2);
  TTT_CHECK(in.lr_eta.dim() == 3 && in.lr_eta.size(2) == k, "[ttt_segment] lr_eta ", shape_str(in.lr_eta),
            " does not match xq ", shape_str(in.xq));
  TTT_CHECK(in.token_eta.dim() == 1 && in.token_eta.size(0) == k, "[ttt_segment] token_eta ",
            shape_str(in.token_eta), " does not match k = ", k);
}

}  // namespace

InnerState initial_inner_state(const std::vector<torch::Tensor>& params, std::int64_t batch) {
  InnerState s;
  for (const auto& p : params) {
    auto sizes = p.sizes().vec();
    sizes.insert(sizes.begin(), batch);
    s.weights.push_back(p.unsqueeze(0).expand(sizes));
  }
  return s;
}

torch::Tensor ttt_segment(InnerModel model, InnerState& s, const SegmentInputs& in, bool closes_mini_batch) {
  check_inputs(model, s, in);
  const auto k = in.xq.size(2);
  const auto grads = inner_grads(model, s, in);
  const auto tok_col = in.token_eta.view({1, 1, k, 1});
  const auto lr_row = in.lr_eta.unsqueeze(2);               // [B,H,1,k]
  const auto eta = tok_col * lr_row;                         // η[i,j] = tok_i · lr_j
  const auto eta_tril = torch::tril(eta);
  const bool has_sums = !s.grad_sums.empty();

  // Z̄ = X·W − (η ⊙ tril(X·X_prevᵀ))·G − tril(η)·G + b − tok_i·(X·ΣW + Σb)   (last term: earlier segments)
  auto dual_layer = [&](const torch::Tensor& x, const torch::Tensor& x_seen, const torch::Tensor& grad,
                        std::size_t w) {
    auto attn = torch::tril(torch::matmul(x, x_seen.transpose(-2, -1)));
    auto z = torch::matmul(x, s.weights[w]) - torch::matmul(eta * attn, grad) +
             (s.weights[w + 1] - torch::matmul(eta_tril, grad));
    if (has_sums) z = z - tok_col * (torch::matmul(x, s.grad_sums[w]) + s.grad_sums[w + 1]);
    return z;
  };
  auto z = dual_layer(in.xq, grads.x1, grads.g1, 0);
  if (model == InnerModel::MLP) z = dual_layer(gelu_tanh(z), grads.x2, grads.g2, 2);

  accumulate(s, grads, in.lr_eta.unsqueeze(-1));
  if (closes_mini_batch) close_mini_batch(s, in.token_eta[k - 1]);
  return in.xq + layer_norm(z, ln_param(in.ln_weight), ln_param(in.ln_bias));
}

torch::Tensor ttt_segment_primal(InnerModel model, InnerState& s, const SegmentInputs& in,
                                 bool closes_mini_batch) {
  check_inputs(model, s, in);
  const auto k = in.xq.size(2);
  const auto grads = inner_grads(model, s, in);
  std::vector<torch::Tensor> outputs;
  for (std::int64_t i = 0; i < k; ++i) {
    auto token = [&](const torch::Tensor& t) { return t.narrow(2, i, 1); };
    SegmentGrads one{token(grads.x1), token(grads.g1), {}, {}};
    if (model == InnerModel::MLP) {
      one.x2 = token(grads.x2);
      one.g2 = token(grads.g2);
    }
    accumulate(s, one, token(in.lr_eta.unsqueeze(-1)));
    const auto tok = in.token_eta[i];
    // W_i = W − tok_i · Σ_{j≤i} lr_j ∇ℓ_j : the weights token i sees, all gradients at the mini-batch start.
    std::vector<torch::Tensor> w_i;
    for (std::size_t p = 0; p < s.weights.size(); ++p) w_i.push_back(s.weights[p] - tok * s.grad_sums[p]);
    auto z = torch::matmul(token(in.xq), w_i[0]) + w_i[1];
    if (model == InnerModel::MLP) z = torch::matmul(gelu_tanh(z), w_i[2]) + w_i[3];
    outputs.push_back(token(in.xq) + layer_norm(z, ln_param(in.ln_weight), ln_param(in.ln_bias)));
  }
  if (closes_mini_batch) close_mini_batch(s, in.token_eta[k - 1]);
  return torch::cat(outputs, 2);
}

}  // namespace ttt::ops
