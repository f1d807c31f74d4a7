#pragma once
// What the autograd functions of the two training scans (ttt_linear_scan_autograd.cpp,
// ttt_mlp_scan_autograd.cpp) share: the layer's inputs come first, in this order, then the inner model's start
// state; their gradients go back in the same slots.
#include <torch/torch.h>

namespace ttt::kernels::scan_autograd {

enum SharedInput { kXq, kXk, kXv, kLr, kTok, kLnW, kLnB, kNumSharedInputs };

// Puts a scan's input gradients (cpu::LinearScanGrads, cpu::MlpScanGrads) into their slots of `out`.
template <typename Grads>
void put_shared_input_grads(torch::autograd::variable_list& out, const Grads& g) {
  out[kXq] = g.xq;
  out[kXk] = g.xk;
  out[kXv] = g.xv;
  out[kLr] = g.lr_eta;
  out[kTok] = g.token_eta;
  out[kLnW] = g.ln_weight;
  out[kLnB] = g.ln_bias;
}

}  // namespace ttt::kernels::scan_autograd
