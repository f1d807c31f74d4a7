#include "ttt/nn/ttt_layer.h"

#include <tuple>

#include "ttt/kernels/cpu/ttt_inner_fused.h"
#include "ttt/kernels/cpu/ttt_layer_io.h"
#include "ttt/kernels/dispatch.h"
#include "ttt/kernels/ttt_linear_scan_autograd.h"
#include "ttt/kernels/ttt_mlp_scan_autograd.h"
#include "ttt/ops/norms.h"
#include "ttt/ops/rope.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/ops/ttt_scan_checkpoint.h"
#include "ttt/util/error.h"

namespace ttt::nn {
namespace {

torch::nn::Linear square_linear(std::int64_t c, double std) {
  torch::nn::Linear l(torch::nn::LinearOptions(c, c).bias(false));
  init_normal(l, std);
  return l;
}

// The fused TTT-MLP training scan with its default checkpoint spacing, as a function of the TTT-Linear scan's
// signature.
torch::Tensor trainable_mlp_scan(ops::InnerState& state, const torch::Tensor& xq, const torch::Tensor& xk,
                                 const torch::Tensor& xv, const torch::Tensor& lr_eta, const torch::Tensor& token_eta,
                                 const torch::Tensor& ln_weight, const torch::Tensor& ln_bias) {
  return kernels::ttt_mlp_scan_trainable(state, xq, xk, xv, lr_eta, token_eta, ln_weight, ln_bias);
}

// [B,T,C] → [B,H,T,d] with channel c = h·d + i.
torch::Tensor split_heads(const torch::Tensor& x, std::int64_t heads) {
  return x.reshape({x.size(0), x.size(1), heads, x.size(2) / heads}).transpose(1, 2);
}

}  // namespace

TTTLayerImpl::TTTLayerImpl(const TTTLayerOptions& o) : options_(o) {
  const auto c = o.hidden_size, h = o.num_heads, d = c / h, k = o.mini_batch_size;
  TTT_CHECK(c % h == 0 && d % 2 == 0, "[ttt_layer] hidden_size ", c, " / heads ", h, " must give an even head dim");
  q_proj = register_module("q_proj", square_linear(c, o.init_std));
  if (!o.share_qk) k_proj = register_module("k_proj", square_linear(c, o.init_std));
  v_proj = register_module("v_proj", square_linear(c, o.init_std));
  o_proj = register_module("o_proj", square_linear(c, o.init_std));
  if (o.share_qk) {
    conv_q = register_module("conv_q", CausalConv(c, o.conv_kernel));
    conv_k = register_module("conv_k", CausalConv(c, o.conv_kernel));
  }
  if (o.use_gate) g_proj = register_module("g_proj", square_linear(c, o.init_std));
  post_norm = register_module("post_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c}).eps(1e-6)));

  learnable_token_idx = register_parameter("learnable_token_idx", torch::zeros({k}));
  learnable_ttt_lr_weight = register_parameter("learnable_ttt_lr_weight", torch::randn({h, 1, c}) * o.init_std);
  learnable_ttt_lr_bias = register_parameter("learnable_ttt_lr_bias", torch::zeros({h, 1}));
  ttt_norm_weight = register_parameter("ttt_norm_weight", torch::ones({h, d}));
  ttt_norm_bias = register_parameter("ttt_norm_bias", torch::zeros({h, d}));
  const auto inner_hidden = o.inner == ops::InnerModel::Linear ? d : 4 * d;
  W1 = register_parameter("W1", torch::randn({h, d, inner_hidden}) * o.init_std);
  b1 = register_parameter("b1", torch::zeros({h, 1, inner_hidden}));
  if (o.inner == ops::InnerModel::MLP) {
    W2 = register_parameter("W2", torch::randn({h, inner_hidden, d}) * o.init_std);
    b2 = register_parameter("b2", torch::zeros({h, 1, d}));
  }
}

std::vector<torch::Tensor> TTTLayerImpl::inner_params() const {
  if (options_.inner == ops::InnerModel::Linear) return {W1, b1};
  return {W1, b1, W2, b2};
}

torch::Tensor TTTLayerImpl::forward(const torch::Tensor& x, std::int64_t position, LayerCache* cache) {
  const auto c = options_.hidden_size, h = options_.num_heads, d = c / h, K = options_.mini_batch_size;
  TTT_CHECK(x.dim() == 3 && x.size(2) == c, "[ttt_layer] expected input [B, T, ", c, "], got ", shape_str(x));
  TTT_CHECK(position >= 0, "[ttt_layer] negative position ", position);
  const auto batch = x.size(0), len = x.size(1);
  if (len == 0) return x;

  // Inference on the fused kernels also fuses the element-wise work around the inner loop (conv, RoPE,
  // post-norm, gate: kernels/cpu/ttt_layer_io); the libtorch ops below are their slow twin.
  const bool fused_inference = !primal_ && kernels::use_fused_inner(options_.inner, x);
  kernels::cpu::RopeSpec rope{h, position, K, options_.rope_theta};
  if (fused_inference) {
    if (!rope_tables_.cos.defined() || rope_tables_.cos.scalar_type() != x.scalar_type())
      rope_tables_ = ops::rope_tables(torch::arange(K, torch::kLong), d, options_.rope_theta, x.scalar_type());
    rope.tables = &rope_tables_;
  }
  // The input's projections — q (and k), v, the output gate and the lr gate's logits — as one pass over their
  // weights when decoding one token (nn::project_many).
  static const LoraAdapterPtr no_adapter;
  std::vector<Projection> projections{{&q_proj, &q_lora}};
  if (!options_.share_qk) projections.push_back({&k_proj, &k_lora});
  projections.push_back({&v_proj, &v_lora});
  if (options_.use_gate) projections.push_back({&g_proj, &no_adapter});
  auto projected = project_many(projections, x, {learnable_ttt_lr_weight.squeeze(1)});
  std::size_t next = 0;
  torch::Tensor xq, xk;
  if (options_.share_qk) {
    auto xqk = projected[next++];
    // conv_q and conv_k read the same input, so they share one history.
    const torch::Tensor past = cache ? cache->qk_conv_history : torch::Tensor();
    if (fused_inference) {
      std::tie(xq, xk) = kernels::cpu::conv_rope_qk(xqk.contiguous(), past, {conv_q->weight, conv_q->bias},
                                                    {conv_k->weight, conv_k->bias}, rope);
    } else {
      xq = conv_q(xqk, past);
      xk = conv_k(xqk, past);
    }
    if (cache) cache->qk_conv_history = conv_q->next_history(past, xqk);
  } else {
    xq = projected[next++];
    xk = projected[next++];
    if (fused_inference) {
      xq = kernels::cpu::rope_rows(xq.contiguous(), rope);
      xk = kernels::cpu::rope_rows(xk.contiguous(), rope);
    }
  }
  auto xv = split_heads(projected[next++], h);
  const auto gate_logits = options_.use_gate ? projected[next++] : torch::Tensor();
  const auto lr_logits = projected[next++];  // [B,T,H]
  if (fused_inference) {
    xq = split_heads(xq, h);
    xk = split_heads(xk, h);
  } else {
    auto in_batch_pos = torch::remainder(
        torch::arange(position, position + len, torch::TensorOptions().dtype(torch::kLong).device(x.device())), K);
    xq = ops::rope_interleaved(split_heads(xq, h), in_batch_pos, options_.rope_theta);
    xk = ops::rope_interleaved(split_heads(xk, h), in_batch_pos, options_.rope_theta);
  }

  // ttt_lr_eta = base_lr · sigmoid(x·w_h + b_h) / d, per head and token: [B,H,T]; token_eta [K].
  const double lr_scale = options_.ttt_base_lr / static_cast<double>(d);
  torch::Tensor lr_eta, token_eta;
  if (fused_inference) {
    lr_eta = kernels::cpu::inner_lr_etas(lr_logits, learnable_ttt_lr_bias, lr_scale);
    token_eta = kernels::cpu::token_etas(learnable_token_idx, x.scalar_type());
  } else {
    lr_eta = lr_scale * torch::sigmoid(lr_logits.transpose(1, 2) + learnable_ttt_lr_bias.view({1, h, 1}));
    token_eta = torch::clamp_min(1.0 / torch::arange(1, K + 1, x.options()) + learnable_token_idx.to(x.scalar_type()),
                                 0.0);
  }

  ops::InnerState fresh;
  ops::InnerState& state = cache ? cache->inner : fresh;
  if (state.weights.empty()) state = ops::initial_inner_state(inner_params(), batch);
  TTT_CHECK(state.weights[0].size(0) == batch, "[ttt_layer] the cache holds a batch of ", state.weights[0].size(0),
            ", the input ", shape_str(x), " has ", batch);

  torch::Tensor out;  // [B,T,C] inner-loop outputs XQ + LN(Z̄)
  if (fused_inference) {
    // Inference: the fused kernel walks every mini-batch of the chunk per (sequence, head) in one pass; its
    // fresh output takes the post-norm and gate in place.
    out = kernels::cpu::ttt_inner_chunk(options_.inner, state,
                                        {xq, xk, xv, lr_eta, token_eta, ttt_norm_weight, ttt_norm_bias, position, K})
              .view({batch, len, c});
    const auto gate = options_.use_gate ? gate_logits.contiguous() : torch::Tensor();
    out = kernels::cpu::gated_post_norm(out, post_norm->weight, post_norm->bias, post_norm->options.eps(), gate);
    return lora_project(o_proj, o_lora, out);
  }
  if (!primal_ && options_.scan_checkpoint_group_size == 0 && kernels::use_fused_training(options_.inner, x) &&
             position % K == 0 && len >= K && state.grad_sums.empty()) {
    // Training: whole mini-batches as one autograd node with a hand-written backward; a tail shorter than a
    // mini-batch (if any) continues on the reference path from the state the kernel ends in. TTT-Linear keeps
    // one d×d start state per mini-batch and head, TTT-MLP one state per 8 mini-batches (it recomputes the
    // others); asking for rematerialisation (the smaller-memory choice) selects the reference path's grouped
    // recomputation instead.
    const auto n = len / K * K;
    const auto scan = options_.inner == ops::InnerModel::Linear ? &kernels::ttt_linear_scan_trainable
                                                                : &trainable_mlp_scan;
    out = scan(state, xq.narrow(2, 0, n), xk.narrow(2, 0, n), xv.narrow(2, 0, n), lr_eta.narrow(2, 0, n), token_eta,
               ttt_norm_weight, ttt_norm_bias)
              .view({batch, n, c});
    if (n < len)
      out = torch::cat({out, reference_inner_chunk(state, xq.narrow(2, n, len - n), xk.narrow(2, n, len - n),
                                                   xv.narrow(2, n, len - n), lr_eta.narrow(2, n, len - n), token_eta,
                                                   position + n)},
                       1);
  } else {
    out = reference_inner_chunk(state, xq, xk, xv, lr_eta, token_eta, position);
  }
  out = post_norm(out);
  if (options_.use_gate) out = ops::gelu_tanh(gate_logits) * out;
  return lora_project(o_proj, o_lora, out);
}

LoraSite TTTLayerImpl::lora_site(const std::string& projection) {
  auto site = [](torch::nn::Linear& l, LoraAdapterPtr& slot) { return l.is_empty() ? LoraSite{} : LoraSite{l, &slot}; };
  if (projection == "q_proj") return site(q_proj, q_lora);
  if (projection == "k_proj") return site(k_proj, k_lora);
  if (projection == "v_proj") return site(v_proj, v_lora);
  if (projection == "o_proj") return site(o_proj, o_lora);
  return {};
}

torch::Tensor TTTLayerImpl::reference_inner_chunk(ops::InnerState& state, const torch::Tensor& xq,
                                                  const torch::Tensor& xk, const torch::Tensor& xv,
                                                  const torch::Tensor& lr_eta, const torch::Tensor& token_eta,
                                                  std::int64_t position) const {
  const auto K = options_.mini_batch_size, batch = xq.size(0), len = xq.size(2), c = options_.hidden_size;
  // Walk the chunk in segments that never cross a mini-batch boundary.
  std::vector<torch::Tensor> outputs;
  const auto remat_group = options_.scan_checkpoint_group_size;
  const bool remat = remat_group > 0 && !primal_ && torch::GradMode::is_enabled();
  for (std::int64_t t = 0; t < len;) {
    const auto offset = (position + t) % K;
    if (remat && offset == 0 && len - t >= K) {
      // Whole mini-batches from a boundary: recomputed group by group in the backward pass.
      const auto n = (len - t) / K * K;
      ops::SegmentInputs run{xq.narrow(2, t, n), xk.narrow(2, t, n), xv.narrow(2, t, n), lr_eta.narrow(2, t, n),
                             token_eta,          ttt_norm_weight,    ttt_norm_bias};
      outputs.push_back(ops::ttt_full_mini_batches_rematerialized(options_.inner, state, run, K, remat_group));
      t += n;
      continue;
    }
    const auto n = std::min(K - offset, len - t);
    ops::SegmentInputs seg{xq.narrow(2, t, n),          xk.narrow(2, t, n),      xv.narrow(2, t, n),
                           lr_eta.narrow(2, t, n),      token_eta.narrow(0, offset, n),
                           ttt_norm_weight,             ttt_norm_bias};
    const bool closes = offset + n == K;
    outputs.push_back(primal_ ? ops::ttt_segment_primal(options_.inner, state, seg, closes)
                              : ops::ttt_segment(options_.inner, state, seg, closes));
    t += n;
  }
  return torch::cat(outputs, 2).transpose(1, 2).reshape({batch, len, c});
}

}  // namespace ttt::nn
