#pragma once
// Host-side set-up the two training scans share (TTT-Linear: ttt_linear_train.cpp, TTT-MLP: ttt_mlp_train.cpp):
// the checks of the layer's inputs, the per-(sequence, head) pointers into them, and the gradients of those
// inputs — allocated once, pointed into per head, and reduced over sequences and heads at the end. What differs
// between the scans is only the inner model's state (its checks, pointers and gradients stay in each file).
#include <torch/torch.h>

#include <cstdint>
#include <initializer_list>

namespace ttt::kernels::cpu::scan {

template <typename T>
T* ptr(const torch::Tensor& t) {
  return t.data_ptr<T>();
}

// The inputs every training scan reads: XQ, XK, XV [B,H,T,d] (last dim contiguous), lr η [B,H,T],
// token η [K] with K dividing T, the inner LayerNorm's weight and bias [H,d].
struct SharedInputs {
  const torch::Tensor &xq, &xk, &xv, &lr_eta, &token_eta, &ln_weight, &ln_bias;
};

// Throws ttt::Error naming `op` ("[ttt_linear_scan]") and the shapes for any mismatch above, a dtype other than
// float32/float64, or an input (the shared ones and the inner model's `state` tensors) that is undefined, of
// another dtype, or not on the CPU. The state's shapes are the caller's to check.
void check_shared_inputs(const char* op, const SharedInputs& in, std::initializer_list<const torch::Tensor*> state);

// Points a kernel's HeadIo at sequence b, head h of the shared inputs (tok, gamma, beta: contiguous copies).
template <typename T, typename Io>
void point_shared_inputs(Io& io, const SharedInputs& in, const torch::Tensor& tok, const torch::Tensor& gamma,
                         const torch::Tensor& beta, std::int64_t b, std::int64_t h) {
  const auto d = in.xq.size(3);
  io.xq = ptr<T>(in.xq) + b * in.xq.stride(0) + h * in.xq.stride(1);
  io.xk = ptr<T>(in.xk) + b * in.xk.stride(0) + h * in.xk.stride(1);
  io.xv = ptr<T>(in.xv) + b * in.xv.stride(0) + h * in.xv.stride(1);
  io.sq = in.xq.stride(2);
  io.sk = in.xk.stride(2);
  io.sv = in.xv.stride(2);
  io.lr = ptr<T>(in.lr_eta) + b * in.lr_eta.stride(0) + h * in.lr_eta.stride(1);
  io.lr_stride = in.lr_eta.stride(2);
  io.tok = ptr<T>(tok);
  io.gamma = ptr<T>(gamma) + h * d;
  io.beta = ptr<T>(beta) + h * d;
}

// Gradients of the shared inputs, token η and the LayerNorm kept per (sequence, head) until the end so that
// heads never write to the same memory.
struct SharedInputGrads {
  torch::Tensor xq, xk, xv;           // [B,H,T,d]
  torch::Tensor lr_eta;               // [B,H,T]
  torch::Tensor tok, gamma, beta;     // [B,H,K], [B,H,d], [B,H,d]
};
SharedInputGrads zero_shared_input_grads(const SharedInputs& in);

// Points a kernel's HeadIo at sequence b, head h of the gradients and of the output's gradient `gout`
// ([B,T,H,d], contiguous).
template <typename T, typename Io>
void point_shared_input_grads(Io& io, const SharedInputGrads& g, const torch::Tensor& gout, std::int64_t b,
                              std::int64_t h) {
  const auto H = g.xq.size(1), L = g.xq.size(2), d = g.xq.size(3), K = g.tok.size(2), bh = b * H + h;
  io.gout = ptr<T>(gout) + (b * L * H + h) * d;
  io.gout_stride = H * d;
  io.dxq = ptr<T>(g.xq) + bh * L * d;
  io.dxk = ptr<T>(g.xk) + bh * L * d;
  io.dxv = ptr<T>(g.xv) + bh * L * d;
  io.dlr = ptr<T>(g.lr_eta) + bh * L;
  io.dtok = ptr<T>(g.tok) + bh * K;
  io.dgamma = ptr<T>(g.gamma) + bh * d;
  io.dbeta = ptr<T>(g.beta) + bh * d;
}

// Moves the gradients into a scan's result (LinearScanGrads, MlpScanGrads): token η summed over sequences and
// heads → [K], the LayerNorm's over sequences → [H,d].
template <typename Grads>
void finish_shared_input_grads(const SharedInputGrads& g, Grads& out) {
  out.xq = g.xq;
  out.xk = g.xk;
  out.xv = g.xv;
  out.lr_eta = g.lr_eta;
  out.token_eta = g.tok.sum(torch::IntArrayRef{0, 1});
  out.ln_weight = g.gamma.sum(0);
  out.ln_bias = g.beta.sum(0);
}

// grad_out when autograd passes none (the output did not reach the loss): zeros [B,T,H,d].
torch::Tensor output_grad_or_zeros(const torch::Tensor& grad_out, const torch::Tensor& xq);

}  // namespace ttt::kernels::cpu::scan
