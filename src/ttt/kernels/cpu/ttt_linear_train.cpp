#include "ttt/kernels/cpu/ttt_linear_train.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <vector>

#include "ttt/kernels/cpu/inner_math.h"
#include "ttt/kernels/cpu/scan_host.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::kernels::cpu {
namespace {

using namespace detail;

template <typename T>
using Rows = std::vector<T>;  // n rows of width w, row-major

// One (sequence, head): pointers already offset to that (b, h). Rows of t: x + t·stride.
template <typename T>
struct HeadIo {
  const T *xq, *xk, *xv;
  std::int64_t sq, sk, sv;
  const T* lr;
  std::int64_t lr_stride;
  const T* tok;  // [K]
  const T *gamma, *beta;
  T* w_starts;  // [n_mb, d, d]
  T* b_starts;  // [n_mb, d]
  // forward
  T *out, *w, *b;  // out row t at out + t·out_stride; w/b: running state (starts as w0/b0, ends final)
  std::int64_t out_stride;
  // backward
  const T* gout;  // row t at gout + t·gout_stride
  std::int64_t gout_stride;
  T *dxq, *dxk, *dxv, *dlr;  // dx rows contiguous [T,d]; dlr [T]
  T *dw, *db;                // in: ∂L/∂(final state); out: ∂L/∂(w0, b0)
  T *dtok, *dgamma, *dbeta;  // per-head partial sums, reduced over heads/batch by the caller
};

struct Dims {
  int d, K, n_mb;
};

// z += x·W for one row; W [din, dout] row-major.
template <typename T>
TTT_INLINE void row_times(T* __restrict z, const T* __restrict x, const T* __restrict w, int din, int dout) {
  for (int m = 0; m < din; ++m) axpy(z, w + static_cast<std::ptrdiff_t>(m) * dout, x[m], dout);
}

// Scratch for one worker, reused across heads and mini-batches.
template <typename T>
struct Work {
  Rows<T> xhat, gxh, grad, zbh, dzbar, dgrad, tmp, wt, dwt, attn;
  std::vector<T> sigma, sigma_bar, ln_scratch;
  std::vector<const T*> rows_q, rows_k;
  explicit Work(const Dims& dm) {
    const std::size_t K = dm.K, d = dm.d;
    for (auto* r : {&xhat, &gxh, &grad, &zbh, &dzbar, &dgrad, &tmp}) r->resize(K * d);
    wt.resize(d * d);
    dwt.resize(d * d);
    attn.resize(K * K);
    sigma.resize(K);
    sigma_bar.resize(K);
    ln_scratch.resize(d);
    rows_q.resize(K);
    rows_k.resize(K);
  }
};

template <typename T>
TTT_INLINE void point_rows(const HeadIo<T>& io, Work<T>& ws, int t0, int K) {
  for (int i = 0; i < K; ++i) {
    ws.rows_q[i] = io.xq + (t0 + i) * io.sq;
    ws.rows_k[i] = io.xk + (t0 + i) * io.sk;
  }
}

// G = ∂ℓ/∂Z at (W, b) for the K rows, keeping what the backward needs: x̂ and σ of LN(Z), and
// gx̂ = (γ x̂ + β − (v − x)) γ, the gradient at x̂. G is written to ws.grad.
template <typename T>
TTT_INLINE void inner_gradients(const HeadIo<T>& io, Work<T>& ws, const T* w, const T* b, int t0, int K, int d) {
  for (int j = 0; j < K; ++j) {
    T* z = ws.xhat.data() + static_cast<std::ptrdiff_t>(j) * d;
    std::copy(b, b + d, z);
    row_times(z, ws.rows_k[j], w, d, d);
    ws.sigma[j] = ln_l2_grad_keep(z, io.xv + (t0 + j) * io.sv, ws.rows_k[j], io.gamma, io.beta,
                                  ws.gxh.data() + static_cast<std::ptrdiff_t>(j) * d,
                                  ws.grad.data() + static_cast<std::ptrdiff_t>(j) * d, d);
  }
}

// attn[i,j] = q_i·x_j for j ≤ i.
template <typename T>
TTT_INLINE void causal_attn(Work<T>& ws, int K, int d) {
  for (int i = 0; i < K; ++i)
    for (int j = 0; j <= i; ++j) ws.attn[i * K + j] = dot(ws.rows_q[i], ws.rows_k[j], d);
}

// Z̄ = Q·W + b − M·G into zbar (K × d).
template <typename T>
TTT_INLINE void dual_outputs(const HeadIo<T>& io, Work<T>& ws, T* zbar, const T* w, const T* b, const T* lr, int K,
                             int d) {
  for (int i = 0; i < K; ++i) {
    T* zi = zbar + static_cast<std::ptrdiff_t>(i) * d;
    std::copy(b, b + d, zi);
    row_times(zi, ws.rows_q[i], w, d, d);
    for (int j = 0; j <= i; ++j) {
      const T m_ij = io.tok[i] * lr[j * io.lr_stride] * (ws.attn[i * K + j] + T(1));
      axpy(zi, ws.grad.data() + static_cast<std::ptrdiff_t>(j) * d, -m_ij, d);
    }
  }
}

template <typename T>
TTT_INLINE void forward_head(const HeadIo<T>& io, const Dims& dm, Work<T>& ws) {
  const int d = dm.d, K = dm.K;
  const T tok_last = io.tok[K - 1];
  for (int mb = 0; mb < dm.n_mb; ++mb) {
    const int t0 = mb * K;
    std::copy(io.w, io.w + d * d, io.w_starts + static_cast<std::ptrdiff_t>(mb) * d * d);
    std::copy(io.b, io.b + d, io.b_starts + static_cast<std::ptrdiff_t>(mb) * d);
    point_rows(io, ws, t0, K);
    const T* lr = io.lr + t0 * io.lr_stride;
    inner_gradients(io, ws, io.w, io.b, t0, K, d);
    causal_attn(ws, K, d);
    T* zbar = ws.zbh.data();
    dual_outputs(io, ws, zbar, io.w, io.b, lr, K, d);
    for (int i = 0; i < K; ++i) {
      const T* z = zbar + static_cast<std::ptrdiff_t>(i) * d;
      const T* q = ws.rows_q[i];
      T* o = io.out + (t0 + i) * io.out_stride;
      T mu, rstd, stdv;
      mean_rstd(z, d, mu, rstd, stdv);
      for (int c = 0; c < d; ++c) o[c] = q[c] + io.gamma[c] * ((z[c] - mu) * rstd) + io.beta[c];
    }
    accumulate(io.w, io.b, ws.rows_k.data(), ws.grad.data(), K, d, d, lr, io.lr_stride, -tok_last);
  }
}

// Backward of one mini-batch; io.dw/io.db hold ∂L/∂(W', b') on entry and ∂L/∂(W, b) on exit.
template <typename T>
TTT_INLINE void backward_mini_batch(const HeadIo<T>& io, const Dims& dm, Work<T>& ws, int mb) {
  const int d = dm.d, K = dm.K, t0 = mb * K;
  const T* w = io.w_starts + static_cast<std::ptrdiff_t>(mb) * d * d;
  const T* b = io.b_starts + static_cast<std::ptrdiff_t>(mb) * d;
  const T* lr = io.lr + t0 * io.lr_stride;
  T* dlr = io.dlr + t0;
  const T tok_last = io.tok[K - 1];
  auto row = [d](Rows<T>& r, int i) { return r.data() + static_cast<std::ptrdiff_t>(i) * d; };
  auto dq_row = [&](int i) { return io.dxq + static_cast<std::ptrdiff_t>(t0 + i) * d; };
  auto dk_row = [&](int i) { return io.dxk + static_cast<std::ptrdiff_t>(t0 + i) * d; };

  // Recompute the forward of this mini-batch from its start state.
  point_rows(io, ws, t0, K);
  inner_gradients(io, ws, w, b, t0, K, d);
  causal_attn(ws, K, d);
  dual_outputs(io, ws, ws.zbh.data(), w, b, lr, K, d);
  transpose_blocked(ws.wt.data(), w, d, d);
  transpose_blocked(ws.dwt.data(), io.dw, d, d);

  // out = Q + γ⊙LN(Z̄) + β  →  dQ, dγ, dβ, dZ̄.
  for (int i = 0; i < K; ++i) {
    T* dz = row(ws.dzbar, i);
    T* dq = dq_row(i);
    output_ln_backward_row(row(ws.zbh, i), io.gout + (t0 + i) * io.gout_stride, io.gamma, dq, io.dgamma, io.dbeta, dz,
                           d);
    row_times(dq, dz, ws.wt.data(), d, d);  // Z̄ = Q·W + …  →  dQ += dZ̄·Wᵀ
  }

  // Z̄ −= M·G with M[i,j] = tok_i lr_j (a_ij + 1), a_ij = q_i·x_j.
  std::fill(ws.dgrad.begin(), ws.dgrad.end(), T(0));
  for (int i = 0; i < K; ++i) {
    const T* dz = row(ws.dzbar, i);
    T dtok_i = 0;
    for (int j = 0; j <= i; ++j) {
      const T lr_j = lr[j * io.lr_stride];
      const T c = ws.attn[i * K + j] + T(1);
      const T dm = -dot(dz, row(ws.grad, j), d);  // ∂L/∂M[i,j]
      dtok_i += dm * lr_j * c;
      dlr[j] += dm * io.tok[i] * c;
      const T da = dm * io.tok[i] * lr_j;  // ∂L/∂a_ij
      axpy(dq_row(i), ws.rows_k[j], da, d);
      axpy(dk_row(j), ws.rows_q[i], da, d);
      axpy(row(ws.dgrad, j), dz, -io.tok[i] * lr_j * c, d);  // ∂L/∂G_j −= M[i,j] dZ̄_i
    }
    io.dtok[i] += dtok_i;
  }

  // W' = W − tok_K Σ_j lr_j x_jᵀ g_j, b' = b − tok_K Σ_j lr_j g_j, with ∂L/∂(W', b') = (dW', db').
  T dtok_last = 0;
  for (int j = 0; j < K; ++j) {
    const T lr_j = lr[j * io.lr_stride];
    T* u = row(ws.tmp, j);  // u = x_j·dW' + db'
    std::copy(io.db, io.db + d, u);
    row_times(u, ws.rows_k[j], io.dw, d, d);
    const T* g = row(ws.grad, j);
    const T s = dot(u, g, d);
    dlr[j] -= tok_last * s;
    dtok_last -= lr_j * s;
    axpy(row(ws.dgrad, j), u, -tok_last * lr_j, d);
    // dX_j −= tok_K lr_j · g_j·dW'ᵀ: accumulate g_j·dW'ᵀ in u (no longer needed) then add.
    std::fill(u, u + d, T(0));
    row_times(u, g, ws.dwt.data(), d, d);
    axpy(dk_row(j), u, -tok_last * lr_j, d);
  }
  io.dtok[K - 1] += dtok_last;

  // G_j = LNL2(Z_j): back-propagate dG_j to Z_j, γ, β and the target v − x (formulas at ln_l2_grad_backward).
  for (int j = 0; j < K; ++j) {
    T* dg = row(ws.dgrad, j);  // becomes ∂L/∂Z_j
    T* dk = dk_row(j);
    ln_l2_grad_backward(dg, row(ws.xhat, j), row(ws.gxh, j), row(ws.grad, j), ws.sigma[j], io.xv + (t0 + j) * io.sv,
                        ws.rows_k[j], io.gamma, io.beta, io.dgamma, io.dbeta,
                        io.dxv + static_cast<std::ptrdiff_t>(t0 + j) * d, dk, ws.ln_scratch.data(), d);
    row_times(dk, dg, ws.wt.data(), d, d);  // Z = X·W + b  →  dX += dZ·Wᵀ
  }

  // ∂L/∂(W, b) = ∂L/∂(W', b') + Qᵀ dZ̄ + Xᵀ dZ (and the column sums for b).
  const T one = 1;
  accumulate(io.dw, io.db, ws.rows_q.data(), ws.dzbar.data(), K, d, d, &one, 0, T(1));
  accumulate(io.dw, io.db, ws.rows_k.data(), ws.dgrad.data(), K, d, d, &one, 0, T(1));
}

template <typename T>
TTT_INLINE void backward_head(const HeadIo<T>& io, const Dims& dm, Work<T>& ws) {
  for (int mb = dm.n_mb - 1; mb >= 0; --mb) backward_mini_batch(io, dm, ws, mb);
}

template <typename T>
using HeadFn = void (*)(const HeadIo<T>&, const Dims&, Work<T>&);

template <typename T>
HeadFn<T> pick(bool backward) {
  using Signature = void(const HeadIo<T>&, const Dims&, Work<T>&);
  return backward ? IsaClones<Signature, &backward_head<T>>::pick() : IsaClones<Signature, &forward_head<T>>::pick();
}

scan::SharedInputs shared(const LinearScanInputs& in) {
  return {in.xq, in.xk, in.xv, in.lr_eta, in.token_eta, in.ln_weight, in.ln_bias};
}

void check(const LinearScanInputs& in) {
  scan::check_shared_inputs("[ttt_linear_scan]", shared(in), {&in.w0, &in.b0});
  const auto B = in.xq.size(0), H = in.xq.size(1), d = in.xq.size(3);
  TTT_CHECK(in.w0.sizes() == torch::IntArrayRef({B, H, d, d}) && in.b0.sizes() == torch::IntArrayRef({B, H, 1, d}),
            "[ttt_linear_scan] state W ", shape_str(in.w0), " b ", shape_str(in.b0), " must be [", B, ",", H, ",", d,
            ",", d, "] and [", B, ",", H, ",1,", d, "]");
}

using scan::ptr;

// Fills the per-(b, h) input pointers shared by forward and backward.
template <typename T>
HeadIo<T> head_inputs(const LinearScanInputs& in, const torch::Tensor& tok, const torch::Tensor& gamma,
                      const torch::Tensor& beta, const torch::Tensor& w_starts, const torch::Tensor& b_starts,
                      std::int64_t b, std::int64_t h) {
  const auto H = in.xq.size(1), d = in.xq.size(3), n_mb = w_starts.size(2);
  HeadIo<T> io{};
  scan::point_shared_inputs<T>(io, shared(in), tok, gamma, beta, b, h);
  io.w_starts = ptr<T>(w_starts) + (b * H + h) * n_mb * d * d;
  io.b_starts = ptr<T>(b_starts) + (b * H + h) * n_mb * d;
  return io;
}

template <typename T>
LinearScanForward forward(const LinearScanInputs& in) {
  const auto B = in.xq.size(0), H = in.xq.size(1), L = in.xq.size(2), d = in.xq.size(3), K = in.token_eta.size(0);
  const Dims dm{static_cast<int>(d), static_cast<int>(K), static_cast<int>(L / K)};
  const auto tok = in.token_eta.contiguous(), gamma = in.ln_weight.contiguous(), beta = in.ln_bias.contiguous();
  LinearScanForward f;
  f.out = torch::empty({B, L, H, d}, in.xq.options());
  f.w_final = in.w0.contiguous().clone();
  f.b_final = in.b0.contiguous().clone();
  f.w_starts = torch::empty({B, H, dm.n_mb, d, d}, in.xq.options());
  f.b_starts = torch::empty({B, H, dm.n_mb, d}, in.xq.options());
  const HeadFn<T> kernel = pick<T>(false);
  at::parallel_for(0, B * H, 1, [&](std::int64_t begin, std::int64_t end) {
    Work<T> ws(dm);
    for (auto bh = begin; bh < end; ++bh) {
      const auto b = bh / H, h = bh % H;
      auto io = head_inputs<T>(in, tok, gamma, beta, f.w_starts, f.b_starts, b, h);
      io.out = ptr<T>(f.out) + (b * L * H + h) * d;
      io.out_stride = H * d;
      io.w = ptr<T>(f.w_final) + bh * d * d;
      io.b = ptr<T>(f.b_final) + bh * d;
      kernel(io, dm, ws);
    }
  });
  return f;
}

template <typename T>
LinearScanGrads backward(const LinearScanInputs& in, const LinearScanForward& saved, const torch::Tensor& grad_out,
                         const torch::Tensor& grad_w_final, const torch::Tensor& grad_b_final) {
  const auto B = in.xq.size(0), H = in.xq.size(1), L = in.xq.size(2), d = in.xq.size(3), K = in.token_eta.size(0);
  const Dims dm{static_cast<int>(d), static_cast<int>(K), static_cast<int>(L / K)};
  TTT_CHECK(grad_out.sizes() == torch::IntArrayRef({B, L, H, d}), "[ttt_linear_scan] grad of out ",
            shape_str(grad_out), " must be [", B, ",", L, ",", H, ",", d, "]");
  TTT_CHECK(saved.w_starts.defined() && saved.w_starts.size(2) == dm.n_mb, "[ttt_linear_scan] saved start states ",
            shape_str(saved.w_starts), " do not match ", dm.n_mb, " mini-batches");
  const auto tok = in.token_eta.contiguous(), gamma = in.ln_weight.contiguous(), beta = in.ln_bias.contiguous();
  const auto gout = grad_out.to(in.xq.scalar_type()).contiguous();
  const auto opts = in.xq.options();
  const scan::SharedInputGrads shared_grads = scan::zero_shared_input_grads(shared(in));
  LinearScanGrads g;
  g.w0 = grad_w_final.defined() ? grad_w_final.to(opts.dtype()).contiguous().clone() : torch::zeros({B, H, d, d}, opts);
  g.b0 = grad_b_final.defined() ? grad_b_final.to(opts.dtype()).contiguous().clone() : torch::zeros({B, H, 1, d}, opts);
  const HeadFn<T> kernel = pick<T>(true);
  at::parallel_for(0, B * H, 1, [&](std::int64_t begin, std::int64_t end) {
    Work<T> ws(dm);
    for (auto bh = begin; bh < end; ++bh) {
      const auto b = bh / H, h = bh % H;
      auto io = head_inputs<T>(in, tok, gamma, beta, saved.w_starts, saved.b_starts, b, h);
      scan::point_shared_input_grads<T>(io, shared_grads, gout, b, h);
      io.dw = ptr<T>(g.w0) + bh * d * d;
      io.db = ptr<T>(g.b0) + bh * d;
      kernel(io, dm, ws);
    }
  });
  scan::finish_shared_input_grads(shared_grads, g);
  return g;
}

}  // namespace

LinearScanForward ttt_linear_scan_forward(const LinearScanInputs& in) {
  check(in);
  if (in.xq.scalar_type() == torch::kDouble) return forward<double>(in);
  return forward<float>(in);
}

LinearScanGrads ttt_linear_scan_backward(const LinearScanInputs& in, const LinearScanForward& saved,
                                         const torch::Tensor& grad_out, const torch::Tensor& grad_w_final,
                                         const torch::Tensor& grad_b_final) {
  check(in);
  const auto gout = scan::output_grad_or_zeros(grad_out, in.xq);
  if (in.xq.scalar_type() == torch::kDouble) return backward<double>(in, saved, gout, grad_w_final, grad_b_final);
  return backward<float>(in, saved, gout, grad_w_final, grad_b_final);
}

}  // namespace ttt::kernels::cpu
