#pragma once
// Rematerialisation of the TTT inner scan for training (the JAX code's "remat every G mini-batches"):
// a run of full mini-batches is cut into groups of G; each group is one autograd node that keeps only its
// inputs (the state at the group's start and its slices of XQ/XK/XV/η) and recomputes the group's inner
// loop during the backward pass. Activation memory of the scan drops from every mini-batch's
// intermediates to one group's, at the price of one extra forward of the scan.
#include <torch/torch.h>

#include "ttt/ops/ttt_inner.h"

namespace ttt::ops {

// Runs `in` (k = n·K tokens, n full mini-batches from a mini-batch boundary; state.grad_sums empty) and
// returns the outputs [B,H,k,d], advancing `state` to the end. group_size G ≥ 1. Same values as calling
// ttt_segment per mini-batch; gradients equal too (tested).
torch::Tensor ttt_full_mini_batches_rematerialized(InnerModel model, InnerState& state, const SegmentInputs& in,
                                                   std::int64_t mini_batch_size, std::int64_t group_size);

}  // namespace ttt::ops
