#include "ttt/kernels/cpu/block_io.h"

#include <algorithm>
#include <cmath>

#include "ttt/kernels/cpu/inner_math.h"
#include "ttt/kernels/cpu/row_parallel.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::kernels::cpu {
namespace {

using namespace detail;

template <typename T>
struct RmsArgs {
  const T *x, *w;
  T* out;
  std::int64_t channels;
  T eps;
};

template <typename T>
TTT_INLINE void rms_range(const RmsArgs<T>& a, std::int64_t begin, std::int64_t end) {
  const std::int64_t C = a.channels;
  for (std::int64_t row = begin; row < end; ++row) {
    const T* __restrict x = a.x + row * C;
    T* __restrict out = a.out + row * C;
    const T* __restrict w = a.w;
    T squares = 0;
#pragma omp simd reduction(+ : squares)
    for (std::int64_t c = 0; c < C; ++c) squares += x[c] * x[c];
    const T r = T(1) / std::sqrt(squares / static_cast<T>(C) + a.eps);
#pragma omp simd
    for (std::int64_t c = 0; c < C; ++c) out[c] = w[c] * (x[c] * r);
  }
}

template <typename T>
struct ConvArgs {
  const T *h, *x, *past, *w, *bias;
  T* out;
  std::int64_t len, channels, taps;
};

template <typename T>
TTT_INLINE void conv_range(const ConvArgs<T>& a, std::int64_t begin, std::int64_t end) {
  const std::int64_t C = a.channels;
  for (std::int64_t row = begin; row < end; ++row) {
    T* __restrict out = a.out + row * C;
    std::copy(a.bias, a.bias + C, out);
    causal_conv_row(out, a.x, a.past, a.w, a.taps, row / a.len, row % a.len, a.len, C);
    const T* __restrict h = a.h + row * C;
#pragma omp simd
    for (std::int64_t c = 0; c < C; ++c) out[c] += h[c];
  }
}

template <typename T>
struct SiluArgs {
  T* gate;
  const T* up;
  std::int64_t width;
};

template <typename T>
TTT_INLINE void silu_range(const SiluArgs<T>& a, std::int64_t begin, std::int64_t end) {
  T* __restrict g = a.gate + begin * a.width;
  const T* __restrict u = a.up + begin * a.width;
  const std::int64_t n = (end - begin) * a.width;
  // silu(x) = x·σ(x), σ(x) = (1 + tanh(x/2)) / 2: tanh_fast vectorises where exp would call libm.
#pragma omp simd
  for (std::int64_t i = 0; i < n; ++i) g[i] = g[i] * (T(0.5) + T(0.5) * tanh_fast(T(0.5) * g[i])) * u[i];
}

}  // namespace

torch::Tensor rms_norm_rows(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  check_rows(x, "rms_norm_rows input");
  const auto C = x.size(2);
  TTT_CHECK(weight.numel() == C, "[block_io] rms_norm weight ", shape_str(weight), " does not fit ", shape_str(x));
  const auto w = weight.to(x.scalar_type()).contiguous();
  auto out = torch::empty_like(x);
  if (x.scalar_type() == torch::kDouble) {
    parallel_rows<RmsArgs<double>, &rms_range<double>>(
        {x.data_ptr<double>(), w.data_ptr<double>(), out.data_ptr<double>(), C, eps}, x.size(0) * x.size(1));
  } else {
    parallel_rows<RmsArgs<float>, &rms_range<float>>(
        {x.data_ptr<float>(), w.data_ptr<float>(), out.data_ptr<float>(), C, static_cast<float>(eps)},
        x.size(0) * x.size(1));
  }
  return out;
}

torch::Tensor add_causal_conv(const torch::Tensor& h, const torch::Tensor& x, const torch::Tensor& past,
                              const torch::Tensor& weight, const torch::Tensor& bias) {
  check_rows(x, "add_causal_conv input");
  check_rows(h, "add_causal_conv residual");
  TTT_CHECK(h.sizes() == x.sizes() && h.scalar_type() == x.scalar_type(), "[block_io] residual ", shape_str(h),
            " does not match input ", shape_str(x));
  const auto B = x.size(0), L = x.size(1), C = x.size(2);
  const auto dtype = x.scalar_type();
  const auto w = taps_by_channel(weight, bias, C, dtype);
  const auto k = w.size(0);
  const auto hist = conv_history(past, x, k, "block_io");
  const auto b = bias.to(dtype).contiguous();
  auto out = torch::empty_like(x);
  with_value_type(dtype, [&](auto zero) {
    using T = decltype(zero);
    ConvArgs<T> args{h.data_ptr<T>(),
                     x.data_ptr<T>(),
                     hist.defined() ? hist.data_ptr<T>() : nullptr,
                     w.data_ptr<T>(),
                     b.data_ptr<T>(),
                     out.data_ptr<T>(),
                     L,
                     C,
                     k};
    parallel_rows<ConvArgs<T>, &conv_range<T>>(args, B * L);
  });
  return out;
}

torch::Tensor silu_times(torch::Tensor gate, const torch::Tensor& up) {
  TTT_CHECK(gate.is_contiguous() && up.is_contiguous() && gate.sizes() == up.sizes() && gate.dim() >= 1 &&
                gate.scalar_type() == up.scalar_type() && gate.device().is_cpu(),
            "[block_io] silu_times needs contiguous CPU tensors of one shape and dtype, got ", shape_str(gate), " ",
            shape_str(up));
  TTT_CHECK(gate.scalar_type() == torch::kFloat || gate.scalar_type() == torch::kDouble,
            "[block_io] silu_times: float32 or float64 only, got ", gate.scalar_type());
  const auto width = gate.size(-1), rows = width == 0 ? 0 : gate.numel() / width;
  with_value_type(gate.scalar_type(), [&](auto zero) {
    using T = decltype(zero);
    parallel_rows<SiluArgs<T>, &silu_range<T>>({gate.data_ptr<T>(), up.data_ptr<T>(), width}, rows);
  });
  return gate;
}

torch::Tensor conv_next_history(const torch::Tensor& past, const torch::Tensor& x, std::int64_t taps) {
  TTT_CHECK(taps >= 1, "[block_io] a causal conv needs at least one tap, got ", taps);
  const auto xs = x.contiguous();
  check_rows(xs, "conv_next_history input");
  const auto B = xs.size(0), L = xs.size(1), C = xs.size(2), keep = taps - 1;
  const auto hist = conv_history(past, xs, taps, "block_io");
  auto out = torch::empty({B, keep, C}, xs.options());
  with_value_type(xs.scalar_type(), [&](auto zero) {
    using T = decltype(zero);
    const T* in = xs.data_ptr<T>();
    const T* old = hist.defined() ? hist.data_ptr<T>() : nullptr;
    T* o = out.data_ptr<T>();
    for (std::int64_t b = 0; b < B; ++b)
      for (std::int64_t r = 0; r < keep; ++r) {
        // Row r of the result is row L + r of [past; x] (past has `keep` rows), i.e. x's row L − keep + r.
        const std::int64_t s = L - keep + r;
        T* dst = o + (b * keep + r) * C;
        if (s >= 0)
          std::copy_n(in + (b * L + s) * C, C, dst);
        else if (old)
          std::copy_n(old + (b * keep + keep + s) * C, C, dst);
        else
          std::fill_n(dst, C, T(0));
      }
  });
  return out;
}

torch::Tensor embedding_rows(const torch::Tensor& weight, const torch::Tensor& ids) {
  TTT_CHECK(weight.dim() == 2 && weight.is_contiguous() && weight.device().is_cpu() &&
                (weight.scalar_type() == torch::kFloat || weight.scalar_type() == torch::kDouble),
            "[block_io] embedding table must be a contiguous float32/float64 CPU [V,C] tensor, got ",
            shape_str(weight), " ", weight.scalar_type());
  TTT_CHECK(ids.dim() == 2 && ids.scalar_type() == torch::kLong && ids.device().is_cpu(),
            "[block_io] token ids must be an int64 CPU [B,T] tensor, got ", shape_str(ids), " ", ids.scalar_type());
  const auto V = weight.size(0), C = weight.size(1);
  const auto flat = ids.contiguous();
  const auto* id = flat.data_ptr<std::int64_t>();
  const auto n = flat.numel();
  for (std::int64_t i = 0; i < n; ++i)
    TTT_CHECK(id[i] >= 0 && id[i] < V, "[block_io] token id ", id[i], " outside the embedding table of ", V, " rows");
  auto out = torch::empty({ids.size(0), ids.size(1), C}, weight.options());
  with_value_type(weight.scalar_type(), [&](auto zero) {
    using T = decltype(zero);
    const T* w = weight.data_ptr<T>();
    T* o = out.data_ptr<T>();
    for (std::int64_t i = 0; i < n; ++i) std::copy_n(w + id[i] * C, C, o + i * C);
  });
  return out;
}

}  // namespace ttt::kernels::cpu
