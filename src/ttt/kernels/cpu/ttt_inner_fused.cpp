#include "ttt/kernels/cpu/ttt_inner_fused.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "ttt/kernels/cpu/inner_math.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

// The per-head kernel is compiled three times (AVX-512, AVX2+FMA, generic x86-64) and the variant is chosen
// once at run time from the CPU's features (isa_name() says which), so one binary runs everywhere.

namespace ttt::kernels::cpu {
namespace {

using namespace detail;

template <typename T>
TTT_INLINE T gelu_grad(T x) {  // the reference's constants (ops::gelu_tanh_grad)
  const T t = tanh_fast(T(0.79788456) * x * (T(1) + T(0.044715) * x * x));
  return T(0.5) * x * ((T(1) - t * t) * (T(0.79788456) + T(0.1070322243) * x * x)) + T(0.5) * (T(1) + t);
}

// Everything one (sequence, head) needs; pointers already offset to that (b, h).
template <typename T>
struct Head {
  const T *xq, *xk, *xv;  // row t at x + t·row_stride
  std::int64_t sq, sk, sv;
  const T* lr;  // lr[t·lr_stride]
  std::int64_t lr_stride;
  const T* token_eta;  // [K]
  const T *gamma, *beta;
  T* out;  // row t at out + t·out_stride
  std::int64_t out_stride;
  T *w1, *b1, *s_w1, *s_b1;  // state: W [din,dout], b [dout], gradient sums
  T *w2, *b2, *s_w2, *s_b2;  // MLP only
};

struct Dims {
  int d, hidden, len, mini_batch;
  std::int64_t position;
  bool mlp;
};

// Scratch for one head's segment (≤ K tokens); one per thread, reused across heads, mini-batches and calls.
template <typename T>
struct Scratch {
  std::vector<T> grad1, grad2, x2, zbar1, x2bar, zbar2, tmp, w2t, back;
  std::vector<const T*> rows_q, rows_k, rows_x2, rows_x2bar, rows_g2;
  void reserve(const Dims& dm) {
    const std::size_t k = dm.mini_batch, d = dm.d, h = dm.hidden;
    grad1.resize(k * h);
    grad2.resize(k * d);
    x2.resize(k * h);
    zbar1.resize(k * h);
    x2bar.resize(k * h);
    zbar2.resize(k * d);
    tmp.resize(std::max(h, d));
    if (dm.mlp) {
      w2t.resize(h * d);
      back.resize(k * h);
    }
    rows_q.resize(k);
    rows_k.resize(k);
    rows_x2.resize(k);
    rows_x2bar.resize(k);
    rows_g2.resize(k);
  }
};

template <typename T>
TTT_INLINE void output_rows(const Head<T>& hd, const T* zbar, int t0, int n, int d) {
  for (int i = 0; i < n; ++i) {
    const T* z = zbar + static_cast<std::ptrdiff_t>(i) * d;
    const T* q = hd.xq + (t0 + i) * hd.sq;
    T* o = hd.out + (t0 + i) * hd.out_stride;
    T mu, rstd, stdv;
    mean_rstd(z, d, mu, rstd, stdv);
    for (int c = 0; c < d; ++c) o[c] = q[c] + hd.gamma[c] * ((z[c] - mu) * rstd) + hd.beta[c];
  }
}

template <typename T>
TTT_INLINE void run_head(const Head<T>& hd, const Dims& dm, Scratch<T>& ws) {
  const int d = dm.d, hid = dm.hidden, K = dm.mini_batch;
  for (int t = 0; t < dm.len;) {
    const int offset = static_cast<int>((dm.position + t) % K);
    const int n = std::min(K - offset, dm.len - t);
    const bool has_sums = offset != 0;  // at a mini-batch boundary the sums are zero by definition
    const bool closes = offset + n == K;
    const T* tok = hd.token_eta + offset;
    const T* lr = hd.lr + t * hd.lr_stride;
    for (int i = 0; i < n; ++i) {
      ws.rows_q[i] = hd.xq + (t + i) * hd.sq;
      ws.rows_k[i] = hd.xk + (t + i) * hd.sk;
    }
    const int out1 = dm.mlp ? hid : d;  // width of layer 1's output

    // Gradients at the mini-batch start weights: Z1 = XK·W1 + b1, then LN+L2 backward (through layer 2 for MLP).
    T* g1 = ws.grad1.data();
    for (int i = 0; i < n; ++i) std::copy(hd.b1, hd.b1 + out1, g1 + static_cast<std::ptrdiff_t>(i) * out1);
    rows_times(g1, ws.rows_k.data(), n, hd.w1, d, out1);
    T* g2 = ws.grad2.data();
    if (!dm.mlp) {
      for (int i = 0; i < n; ++i)
        ln_l2_grad(g1 + static_cast<std::ptrdiff_t>(i) * d, hd.xv + (t + i) * hd.sv, ws.rows_k[i], hd.gamma, hd.beta, d,
                   ws.tmp.data());
    } else {
      T* x2 = ws.x2.data();
      for (int i = 0; i < n; ++i) {
        T* z1 = g1 + static_cast<std::ptrdiff_t>(i) * hid;
        T* x2i = x2 + static_cast<std::ptrdiff_t>(i) * hid;
#pragma omp simd
        for (int c = 0; c < hid; ++c) x2i[c] = gelu(z1[c]);
        ws.rows_x2[i] = x2i;
        T* z2 = g2 + static_cast<std::ptrdiff_t>(i) * d;
        std::copy(hd.b2, hd.b2 + d, z2);
      }
      rows_times(g2, ws.rows_x2.data(), n, hd.w2, hid, d);
      // G1 = (G2·W2ᵀ) ⊙ gelu'(Z1), overwriting Z1. For several rows W2ᵀ is laid out once and the product is the
      // register-tiled rows_times into a K × 4d buffer; for one row (decode) the dots are cheaper.
      const bool transpose_w2 = n >= 4;
      if (transpose_w2) transpose_blocked(ws.w2t.data(), hd.w2, hid, d);
      for (int i = 0; i < n; ++i) {
        T* g2i = g2 + static_cast<std::ptrdiff_t>(i) * d;
        ln_l2_grad(g2i, hd.xv + (t + i) * hd.sv, ws.rows_k[i], hd.gamma, hd.beta, d, ws.tmp.data());
        ws.rows_g2[i] = g2i;
        T* z1 = g1 + static_cast<std::ptrdiff_t>(i) * hid;
#pragma omp simd
        for (int c = 0; c < hid; ++c) z1[c] = gelu_grad(z1[c]);
        if (!transpose_w2)
          for (int c = 0; c < hid; ++c) z1[c] *= dot(g2i, hd.w2 + static_cast<std::ptrdiff_t>(c) * d, d);
      }
      if (transpose_w2) {
        T* back = ws.back.data();
        std::fill(back, back + static_cast<std::ptrdiff_t>(n) * hid, T(0));
        rows_times(back, ws.rows_g2.data(), n, ws.w2t.data(), d, hid);
        for (std::ptrdiff_t e = 0; e < static_cast<std::ptrdiff_t>(n) * hid; ++e) g1[e] *= back[e];
      }
    }

    // Outputs, with the sums of this mini-batch's earlier segments (if any) before this segment's are added.
    if (!dm.mlp) {
      dual_layer(ws.zbar1.data(), ws.rows_q.data(), ws.rows_k.data(), g1, n, d, d, hd.w1, hd.b1, hd.s_w1, hd.s_b1,
                 has_sums, tok, lr, hd.lr_stride);
      output_rows(hd, ws.zbar1.data(), t, n, d);
    } else {
      dual_layer(ws.zbar1.data(), ws.rows_q.data(), ws.rows_k.data(), g1, n, d, hid, hd.w1, hd.b1, hd.s_w1, hd.s_b1,
                 has_sums, tok, lr, hd.lr_stride);
      for (int i = 0; i < n; ++i) {
        const T* z = ws.zbar1.data() + static_cast<std::ptrdiff_t>(i) * hid;
        T* xb = ws.x2bar.data() + static_cast<std::ptrdiff_t>(i) * hid;
#pragma omp simd
        for (int c = 0; c < hid; ++c) xb[c] = gelu(z[c]);
        ws.rows_x2bar[i] = xb;
      }
      dual_layer(ws.zbar2.data(), ws.rows_x2bar.data(), ws.rows_x2.data(), g2, n, hid, d, hd.w2, hd.b2, hd.s_w2,
                 hd.s_b2, has_sums, tok, lr, hd.lr_stride);
      output_rows(hd, ws.zbar2.data(), t, n, d);
    }

    // State: a whole mini-batch steps the weights directly; otherwise the sums grow (and close if it ends).
    const T tok_last = hd.token_eta[K - 1];
    if (closes && !has_sums) {
      accumulate(hd.w1, hd.b1, ws.rows_k.data(), g1, n, d, out1, lr, hd.lr_stride, -tok_last);
      if (dm.mlp) accumulate(hd.w2, hd.b2, ws.rows_x2.data(), g2, n, hid, d, lr, hd.lr_stride, -tok_last);
    } else {
      accumulate(hd.s_w1, hd.s_b1, ws.rows_k.data(), g1, n, d, out1, lr, hd.lr_stride, T(1));
      if (dm.mlp) accumulate(hd.s_w2, hd.s_b2, ws.rows_x2.data(), g2, n, hid, d, lr, hd.lr_stride, T(1));
      if (closes) {
        auto close = [&](T* w, T* b, T* sw, T* sb, std::int64_t nw, int nb) {
          for (std::int64_t i = 0; i < nw; ++i) w[i] -= tok_last * sw[i];
          for (int i = 0; i < nb; ++i) b[i] -= tok_last * sb[i];
          std::fill(sw, sw + nw, T(0));
          std::fill(sb, sb + nb, T(0));
        };
        close(hd.w1, hd.b1, hd.s_w1, hd.s_b1, static_cast<std::int64_t>(d) * out1, out1);
        if (dm.mlp) close(hd.w2, hd.b2, hd.s_w2, hd.s_b2, static_cast<std::int64_t>(hid) * d, d);
      }
    }
    t += n;
  }
}

template <typename T>
using HeadFn = void (*)(const Head<T>&, const Dims&, Scratch<T>&);

template <typename T>
HeadFn<T> head_kernel() {
  return IsaClones<void(const Head<T>&, const Dims&, Scratch<T>&), &run_head<T>>::pick();
}

// Whether the kernel may write `t` in place: nothing else can see its storage.
bool exclusive(const torch::Tensor& t, torch::ScalarType dtype) {
  return t.defined() && t.is_contiguous() && t.scalar_type() == dtype && t.use_count() == 1 &&
         t.storage().use_count() == 1 && t.storage_offset() == 0;
}

// Copy-on-write: a private copy unless `t` is exclusive already.
torch::Tensor& owned(torch::Tensor& t, torch::ScalarType dtype) {
  if (!exclusive(t, dtype)) t = t.to(dtype).contiguous().clone();
  return t;
}

template <typename T>
torch::Tensor run(ops::InnerModel model, ops::InnerState& s, const ChunkInputs& in) {
  const auto dtype = in.xq.scalar_type();
  const auto B = in.xq.size(0), H = in.xq.size(1), L = in.xq.size(2), d = in.xq.size(3);
  const bool mlp = model == ops::InnerModel::MLP;
  for (auto& w : s.weights) owned(w, dtype);
  if (s.grad_sums.size() != s.weights.size()) {
    s.grad_sums.clear();
    for (const auto& w : s.weights) s.grad_sums.push_back(torch::zeros_like(w));
  } else {
    for (auto& g : s.grad_sums) owned(g, dtype);
  }
  const auto hidden = mlp ? s.weights[0].size(3) : d;
  TTT_CHECK(s.weights[0].size(0) == B && s.weights[0].size(1) == H && s.weights[0].size(2) == d,
            "[ttt_kernels] state W1 ", shape_str(s.weights[0]), " does not match inputs ", shape_str(in.xq));
  const auto lr = in.lr_eta.to(dtype);
  const auto tok = in.token_eta.to(dtype).contiguous();
  const auto gamma = in.ln_weight.to(dtype).contiguous(), beta = in.ln_bias.to(dtype).contiguous();
  // A decoded token writes into the state's buffer from the previous token when the caller let go of it: with
  // the per-thread scratch below, the decode step allocates nothing after its first token.
  torch::Tensor out;
  if (L == 1 && exclusive(s.decode_output, dtype) && s.decode_output.sizes() == torch::IntArrayRef{B, L, H, d}) {
    out = s.decode_output;
  } else {
    out = torch::empty({B, L, H, d}, in.xq.options());
    if (L == 1) s.decode_output = out;
  }

  Dims dm{static_cast<int>(d), static_cast<int>(hidden), static_cast<int>(L), static_cast<int>(in.mini_batch),
          in.position, mlp};
  auto base = [](const torch::Tensor& t) { return t.data_ptr<T>(); };
  auto state_ptr = [&](const std::vector<torch::Tensor>& v, std::size_t i, std::int64_t b, std::int64_t h) -> T* {
    if (i >= v.size()) return nullptr;
    return base(v[i]) + (b * H + h) * v[i].size(2) * v[i].size(3);
  };
  const HeadFn<T> kernel = head_kernel<T>();
  at::parallel_for(0, B * H, 1, [&](std::int64_t begin, std::int64_t end) {
    thread_local Scratch<T> ws;  // the pool's threads live on: sized once, reused by every call
    ws.reserve(dm);
    for (auto bh = begin; bh < end; ++bh) {
      const auto b = bh / H, h = bh % H;
      Head<T> hd{};
      hd.xq = base(in.xq) + b * in.xq.stride(0) + h * in.xq.stride(1);
      hd.xk = base(in.xk) + b * in.xk.stride(0) + h * in.xk.stride(1);
      hd.xv = base(in.xv) + b * in.xv.stride(0) + h * in.xv.stride(1);
      hd.sq = in.xq.stride(2);
      hd.sk = in.xk.stride(2);
      hd.sv = in.xv.stride(2);
      hd.lr = base(lr) + b * lr.stride(0) + h * lr.stride(1);
      hd.lr_stride = lr.stride(2);
      hd.token_eta = base(tok);
      hd.gamma = base(gamma) + h * d;
      hd.beta = base(beta) + h * d;
      hd.out = base(out) + (b * L * H + h) * d;
      hd.out_stride = H * d;
      hd.w1 = state_ptr(s.weights, 0, b, h);
      hd.b1 = state_ptr(s.weights, 1, b, h);
      hd.s_w1 = state_ptr(s.grad_sums, 0, b, h);
      hd.s_b1 = state_ptr(s.grad_sums, 1, b, h);
      if (mlp) {
        hd.w2 = state_ptr(s.weights, 2, b, h);
        hd.b2 = state_ptr(s.weights, 3, b, h);
        hd.s_w2 = state_ptr(s.grad_sums, 2, b, h);
        hd.s_b2 = state_ptr(s.grad_sums, 3, b, h);
      }
      kernel(hd, dm, ws);
    }
  });
  return out;
}

}  // namespace

const char* isa_name() {
  switch (cpu_isa()) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2+fma";
    default: return "generic";
  }
}

torch::Tensor ttt_inner_chunk(ops::InnerModel model, ops::InnerState& state, const ChunkInputs& in) {
  const std::size_t n_weights = model == ops::InnerModel::Linear ? 2 : 4;
  TTT_CHECK(state.weights.size() == n_weights, "[ttt_kernels] state has ", state.weights.size(), " weights, expected ",
            n_weights);
  TTT_CHECK(in.xq.dim() == 4 && in.xk.sizes() == in.xq.sizes() && in.xv.sizes() == in.xq.sizes(),
            "[ttt_kernels] xq/xk/xv must share one [B,H,T,d] shape, got ", shape_str(in.xq), " ",
            shape_str(in.xk), " ", shape_str(in.xv));
  TTT_CHECK(in.xq.stride(3) == 1 && in.xk.stride(3) == 1 && in.xv.stride(3) == 1,
            "[ttt_kernels] xq/xk/xv need a contiguous last dim");
  TTT_CHECK(in.xk.scalar_type() == in.xq.scalar_type() && in.xv.scalar_type() == in.xq.scalar_type(),
            "[ttt_kernels] xq/xk/xv dtypes differ");
  TTT_CHECK(in.lr_eta.dim() == 3 && in.lr_eta.size(2) == in.xq.size(2), "[ttt_kernels] lr_eta ",
            shape_str(in.lr_eta), " does not match xq ", shape_str(in.xq));
  TTT_CHECK(in.mini_batch > 0 && in.token_eta.dim() == 1 && in.token_eta.size(0) == in.mini_batch,
            "[ttt_kernels] token_eta ", shape_str(in.token_eta), " must have K = ", in.mini_batch, " entries");
  TTT_CHECK(in.position >= 0, "[ttt_kernels] negative position ", in.position);
  if (in.xq.scalar_type() == torch::kDouble) return run<double>(model, state, in);
  TTT_CHECK(in.xq.scalar_type() == torch::kFloat, "[ttt_kernels] float32 or float64 only, got ", in.xq.scalar_type());
  return run<float>(model, state, in);
}

}  // namespace ttt::kernels::cpu
