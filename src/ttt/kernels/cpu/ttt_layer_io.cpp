#include "ttt/kernels/cpu/ttt_layer_io.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "ttt/kernels/cpu/inner_math.h"
#include "ttt/kernels/cpu/row_parallel.h"
#include "ttt/ops/rope.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::kernels::cpu {
namespace {

using namespace detail;

// cos/sin tables [K, d/2] for in-mini-batch positions 0..K−1, the same numbers ops::rope_interleaved uses.
template <typename T>
struct Rope {
  torch::Tensor cos_t, sin_t;
  const T *cos = nullptr, *sin = nullptr;
  int heads = 1, half = 0, K = 1;
  std::int64_t position = 0;
  Rope(const RopeSpec& spec, std::int64_t channels, torch::ScalarType dtype) {
    TTT_CHECK(spec.heads > 0 && channels % spec.heads == 0 && (channels / spec.heads) % 2 == 0, "[ttt_layer_io] ",
              channels, " channels / ", spec.heads, " heads must give an even head dim");
    TTT_CHECK(spec.mini_batch > 0 && spec.position >= 0, "[ttt_layer_io] mini-batch ", spec.mini_batch, ", position ",
              spec.position);
    const auto d = channels / spec.heads;
    const auto tables = spec.tables ? *spec.tables
                                    : ops::rope_tables(torch::arange(spec.mini_batch), d, spec.theta, dtype);
    TTT_CHECK(tables.cos.dim() == 2 && tables.cos.size(0) == spec.mini_batch && tables.cos.size(1) == d / 2 &&
                  tables.sin.sizes() == tables.cos.sizes() && tables.cos.scalar_type() == dtype &&
                  tables.sin.scalar_type() == dtype,
              "[ttt_layer_io] RoPE tables ", shape_str(tables.cos), " ", tables.cos.scalar_type(), " do not fit K ",
              spec.mini_batch, ", head dim ", d, ", ", dtype);
    cos_t = tables.cos.contiguous();
    sin_t = tables.sin.contiguous();
    cos = cos_t.data_ptr<T>();
    sin = sin_t.data_ptr<T>();
    heads = static_cast<int>(spec.heads);
    half = static_cast<int>(d / 2);
    K = static_cast<int>(spec.mini_batch);
    position = spec.position;
  }
  // out = rope(in) for the row of chunk token t (in and out may not alias).
  TTT_INLINE void rotate(T* __restrict out, const T* __restrict in, std::int64_t t) const {
    const std::int64_t p = (position + t) % K;
    const T* __restrict c = cos + p * half;
    const T* __restrict s = sin + p * half;
    for (int h = 0; h < heads; ++h) {
      const T* a = in + static_cast<std::ptrdiff_t>(h) * 2 * half;
      T* o = out + static_cast<std::ptrdiff_t>(h) * 2 * half;
      for (int j = 0; j < half; ++j) {
        const T even = a[2 * j], odd = a[2 * j + 1];
        o[2 * j] = even * c[j] - odd * s[j];
        o[2 * j + 1] = odd * c[j] + even * s[j];
      }
    }
  }
};

template <typename T>
struct ConvRopeArgs {
  const T *x, *past;  // x [B,T,C]; past [B,k−1,C] or null (zeros)
  const T *wq, *wk;   // [k, C]: tap j of every channel contiguous
  const T *bq, *bk;   // [C]
  T *out_q, *out_k;   // [B,T,C]
  std::int64_t len, channels, taps;
  const Rope<T>* rope;
};

template <typename T>
TTT_INLINE void conv_rope_range(const ConvRopeArgs<T>& a, std::int64_t begin, std::int64_t end) {
  const std::int64_t C = a.channels, k = a.taps;
  std::vector<T> q(C), kk(C);
  T* __restrict acc_q = q.data();
  T* __restrict acc_k = kk.data();
  for (std::int64_t row = begin; row < end; ++row) {
    const std::int64_t b = row / a.len, t = row % a.len;
    std::copy(a.bq, a.bq + C, acc_q);
    std::copy(a.bk, a.bk + C, acc_k);
    causal_conv_row(acc_q, a.x, a.past, a.wq, k, b, t, a.len, C);
    causal_conv_row(acc_k, a.x, a.past, a.wk, k, b, t, a.len, C);
    a.rope->rotate(a.out_q + row * C, acc_q, t);
    a.rope->rotate(a.out_k + row * C, acc_k, t);
  }
}

template <typename T>
struct RopeArgs {
  const T* x;
  T* out;
  std::int64_t len, channels;
  const Rope<T>* rope;
};

template <typename T>
TTT_INLINE void rope_range(const RopeArgs<T>& a, std::int64_t begin, std::int64_t end) {
  for (std::int64_t row = begin; row < end; ++row)
    a.rope->rotate(a.out + row * a.channels, a.x + row * a.channels, row % a.len);
}

template <typename T>
struct NormArgs {
  T* z;
  const T *gate, *w, *b;  // gate may be null
  std::int64_t channels;
  T eps;
};

template <typename T>
TTT_INLINE void gated_norm_range(const NormArgs<T>& a, std::int64_t begin, std::int64_t end) {
  const std::int64_t C = a.channels;
  for (std::int64_t row = begin; row < end; ++row) {
    T* __restrict z = a.z + row * C;
    T sum = 0;
#pragma omp simd reduction(+ : sum)
    for (std::int64_t c = 0; c < C; ++c) sum += z[c];
    const T mu = sum / static_cast<T>(C);
    T var = 0;
#pragma omp simd reduction(+ : var)
    for (std::int64_t c = 0; c < C; ++c) var += (z[c] - mu) * (z[c] - mu);
    const T rstd = T(1) / std::sqrt(var / static_cast<T>(C) + a.eps);
    const T* __restrict w = a.w;
    const T* __restrict bias = a.b;
    if (a.gate) {
      const T* __restrict g = a.gate + row * C;
#pragma omp simd
      for (std::int64_t c = 0; c < C; ++c) z[c] = ((z[c] - mu) * rstd * w[c] + bias[c]) * gelu(g[c]);
    } else {
#pragma omp simd
      for (std::int64_t c = 0; c < C; ++c) z[c] = (z[c] - mu) * rstd * w[c] + bias[c];
    }
  }
}

template <typename T>
std::pair<torch::Tensor, torch::Tensor> conv_rope_typed(const torch::Tensor& x, const torch::Tensor& past,
                                                        const DepthwiseConv& conv_q, const DepthwiseConv& conv_k,
                                                        const RopeSpec& spec) {
  const auto B = x.size(0), L = x.size(1), C = x.size(2);
  const auto dtype = x.scalar_type();
  const auto wq = taps_by_channel(conv_q.weight, conv_q.bias, C, dtype),
             wk = taps_by_channel(conv_k.weight, conv_k.bias, C, dtype);
  const auto k = wq.size(0);
  TTT_CHECK(wk.size(0) == k, "[ttt_layer_io] conv_q has ", k, " taps, conv_k ", wk.size(0));
  const auto hist = conv_history(past, x, k, "ttt_layer_io");
  const auto bq = conv_q.bias.to(dtype).contiguous(), bk = conv_k.bias.to(dtype).contiguous();
  const Rope<T> rope(spec, C, dtype);
  auto out_q = torch::empty_like(x), out_k = torch::empty_like(x);
  ConvRopeArgs<T> args{x.data_ptr<T>(),
                       hist.defined() ? hist.data_ptr<T>() : nullptr,
                       wq.data_ptr<T>(),
                       wk.data_ptr<T>(),
                       bq.data_ptr<T>(),
                       bk.data_ptr<T>(),
                       out_q.data_ptr<T>(),
                       out_k.data_ptr<T>(),
                       L,
                       C,
                       k,
                       &rope};
  parallel_rows<ConvRopeArgs<T>, &conv_rope_range<T>>(args, B * L);
  return {out_q, out_k};
}

template <typename T>
torch::Tensor rope_typed(const torch::Tensor& x, const RopeSpec& spec) {
  const Rope<T> rope(spec, x.size(2), x.scalar_type());
  auto out = torch::empty_like(x);
  RopeArgs<T> args{x.data_ptr<T>(), out.data_ptr<T>(), x.size(1), x.size(2), &rope};
  parallel_rows<RopeArgs<T>, &rope_range<T>>(args, x.size(0) * x.size(1));
  return out;
}

template <typename T>
void gated_norm_typed(torch::Tensor& z, const torch::Tensor& w, const torch::Tensor& b, double eps,
                      const torch::Tensor& gate) {
  NormArgs<T> args{z.data_ptr<T>(), gate.defined() ? gate.data_ptr<T>() : nullptr,
                   w.data_ptr<T>(), b.data_ptr<T>(),
                   z.size(2),       static_cast<T>(eps)};
  parallel_rows<NormArgs<T>, &gated_norm_range<T>>(args, z.size(0) * z.size(1));
}

}  // namespace

std::pair<torch::Tensor, torch::Tensor> conv_rope_qk(const torch::Tensor& x, const torch::Tensor& past,
                                                     const DepthwiseConv& conv_q, const DepthwiseConv& conv_k,
                                                     const RopeSpec& rope) {
  check_rows(x, "conv_rope_qk input");
  if (x.scalar_type() == torch::kDouble) return conv_rope_typed<double>(x, past, conv_q, conv_k, rope);
  return conv_rope_typed<float>(x, past, conv_q, conv_k, rope);
}

torch::Tensor rope_rows(const torch::Tensor& x, const RopeSpec& rope) {
  check_rows(x, "rope_rows input");
  if (x.scalar_type() == torch::kDouble) return rope_typed<double>(x, rope);
  return rope_typed<float>(x, rope);
}

torch::Tensor gated_post_norm(torch::Tensor z, const torch::Tensor& ln_weight, const torch::Tensor& ln_bias, double eps,
                              const torch::Tensor& gate) {
  check_rows(z, "gated_post_norm input");
  const auto C = z.size(2);
  const auto dtype = z.scalar_type();
  TTT_CHECK(ln_weight.numel() == C && ln_bias.numel() == C, "[ttt_layer_io] post-norm weight ", shape_str(ln_weight),
            " / bias ", shape_str(ln_bias), " do not fit ", shape_str(z));
  torch::Tensor g;
  if (gate.defined()) {
    TTT_CHECK(gate.sizes() == z.sizes(), "[ttt_layer_io] gate ", shape_str(gate), " does not match ", shape_str(z));
    g = gate.to(dtype).contiguous();
  }
  const auto w = ln_weight.to(dtype).contiguous(), b = ln_bias.to(dtype).contiguous();
  if (dtype == torch::kDouble)
    gated_norm_typed<double>(z, w, b, eps, g);
  else
    gated_norm_typed<float>(z, w, b, eps, g);
  return z;
}

torch::Tensor inner_lr_etas(const torch::Tensor& logits, const torch::Tensor& bias, double scale) {
  TTT_CHECK(logits.dim() == 3 && logits.device().is_cpu() &&
                (logits.scalar_type() == torch::kFloat || logits.scalar_type() == torch::kDouble),
            "[ttt_layer_io] lr logits must be a float32/float64 CPU [B,T,H] tensor, got ", shape_str(logits), " ",
            logits.scalar_type());
  const auto B = logits.size(0), T = logits.size(1), H = logits.size(2);
  TTT_CHECK(bias.numel() == H && bias.device().is_cpu(), "[ttt_layer_io] lr bias ", shape_str(bias), " does not fit ",
            H, " heads of ", shape_str(logits));
  const auto dtype = logits.scalar_type();
  const auto x = logits.contiguous();
  const auto b = bias.scalar_type() == dtype && bias.is_contiguous() ? bias : bias.to(dtype).contiguous();
  auto out = torch::empty({B, H, T}, logits.options());
  with_value_type(dtype, [&](auto zero) {
    using V = decltype(zero);
    const V* in = x.data_ptr<V>();
    const V* bh = b.data_ptr<V>();
    V* o = out.data_ptr<V>();
    for (std::int64_t i = 0; i < B; ++i)
      for (std::int64_t h = 0; h < H; ++h)
        for (std::int64_t t = 0; t < T; ++t) {
          const V z = in[(i * T + t) * H + h] + bh[h];
          o[(i * H + h) * T + t] = static_cast<V>(scale) / (V(1) + std::exp(-z));
        }
  });
  return out;
}

torch::Tensor token_etas(const torch::Tensor& learnable, torch::ScalarType dtype) {
  TTT_CHECK(learnable.dim() == 1 && learnable.device().is_cpu() &&
                (dtype == torch::kFloat || dtype == torch::kDouble),
            "[ttt_layer_io] learnable token η must be a CPU [K] tensor (float32/float64 out), got ",
            shape_str(learnable), " → ", dtype);
  const auto K = learnable.size(0);
  const auto l = learnable.scalar_type() == dtype && learnable.is_contiguous() ? learnable
                                                                              : learnable.to(dtype).contiguous();
  auto out = torch::empty({K}, l.options());
  with_value_type(dtype, [&](auto zero) {
    using V = decltype(zero);
    const V* in = l.data_ptr<V>();
    V* o = out.data_ptr<V>();
    // The same rounding as the slow twin: 1/(i+1) in V, then the sum.
    for (std::int64_t i = 0; i < K; ++i) o[i] = std::max(V(1) / static_cast<V>(i + 1) + in[i], V(0));
  });
  return out;
}

}  // namespace ttt::kernels::cpu
