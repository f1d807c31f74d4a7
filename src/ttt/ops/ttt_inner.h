#pragma once
// The TTT inner loop in plain libtorch ops (differentiable): the spec in code, and the slow twin of any
// fused kernel. Shapes: B batch, H heads, k tokens of one segment, d head dim, d' inner hidden (4d).
//
// A "segment" is a run of k ≤ K tokens that lies inside one mini-batch of size K, starting at in-batch
// offset o (o + k ≤ K). Every gradient in a mini-batch is taken at the mini-batch's start state; the
// state carries the lr-weighted gradient sums of the tokens already seen in the current mini-batch
// (zero at a boundary), so a mini-batch may arrive in any number of segments (prefill chunks, decode
// steps) and give the same outputs as in one piece. With o = 0 and k = K this is exactly the dual form.
#include <vector>

#include <torch/torch.h>

namespace ttt::ops {

enum class InnerModel { Linear, MLP };

// Per-sequence inner-model state. weights: Linear {W1 [B,H,d,d], b1 [B,H,1,d]}, MLP adds
// {W2 [B,H,d',d], b2 [B,H,1,d]} (W1 [B,H,d,d'], b1 [B,H,1,d']). grad_sums: same shapes,
// Σ_j ttt_lr_eta_j · ∂ℓ_j/∂(weight) over the current mini-batch's tokens so far; empty means zero
// (at a mini-batch boundary), which lets whole mini-batches skip the accumulator terms.
struct InnerState {
  std::vector<torch::Tensor> weights;
  std::vector<torch::Tensor> grad_sums;
  // The fused kernel's one-token output buffer, reused from one decoded token to the next while nothing else
  // holds it (kernels/cpu/ttt_inner_fused); not part of the state's value (copies may drop it).
  torch::Tensor decode_output;
};

struct SegmentInputs {
  torch::Tensor xq, xk, xv;  // [B,H,k,d], already rotated (RoPE)
  torch::Tensor lr_eta;      // [B,H,k]   ttt_base_lr · sigmoid(gate) / d
  torch::Tensor token_eta;   // [k]       clamp_min(1/(i+1) + learnable_token_idx[i], 0) for i in o..o+k−1
  torch::Tensor ln_weight, ln_bias;  // [H,d]  ttt_norm
};

// Initial state: the layer's parameters broadcast over the batch, zero gradient sums.
InnerState initial_inner_state(const std::vector<torch::Tensor>& params, std::int64_t batch);

// Runs one segment (dual form), returns XQ + LN(Z̄) [B,H,k,d] and advances `state`; when
// `closes_mini_batch` the weights step to the end-of-mini-batch state and the sums reset.
torch::Tensor ttt_segment(InnerModel model, InnerState& state, const SegmentInputs& in, bool closes_mini_batch);

// Slow twin: the primal form, one token at a time with explicit per-token weights W_i (spec "Primal
// form"). Same contract as ttt_segment; used by tests to check the dual form.
torch::Tensor ttt_segment_primal(InnerModel model, InnerState& state, const SegmentInputs& in,
                                 bool closes_mini_batch);

}  // namespace ttt::ops
