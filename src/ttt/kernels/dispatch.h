#pragma once
// The one switch between the reference inner loop (ops/, plain differentiable libtorch ops) and the
// fused CPU kernels (kernels/cpu/). Inference (no gradient recorded) uses the fused inference kernels;
// training uses the fused TTT-Linear and TTT-MLP scans with their hand-written backwards (one autograd node
// each).
#include <string>

#include <torch/torch.h>

#include "ttt/ops/ttt_inner.h"

namespace ttt::kernels {

enum class Impl { Reference, Fused };

// Process-wide choice (default Fused); the CLI's --kernels / --impl flags set it.
void set_impl(Impl impl);
Impl impl();
Impl parse_impl(const std::string& name);  // "reference" | "fused", else ttt::Error
const char* impl_name(Impl impl);

// True when a fused kernel exists for `model` and `x` ([B,T,C]: float32/float64 on the CPU), the process chose
// Fused, and autograd is off.
bool use_fused_inner(ops::InnerModel model, const torch::Tensor& x);

// True when the process chose Fused, autograd is off and `x` is a float32/float64 CPU tensor: the element-wise
// work of the blocks (norms, convolutions, gates: kernels/cpu/block_io, ttt_layer_io) then runs fused.
bool use_fused_elementwise(const torch::Tensor& x);

// True when gradients are being recorded, the process chose Fused, and `x` ([B,T,C]) is a float32/float64
// CPU tensor: whole mini-batches then run as kernels::ttt_linear_scan_trainable / ttt_mlp_scan_trainable.
bool use_fused_training(ops::InnerModel model, const torch::Tensor& x);

}  // namespace ttt::kernels
