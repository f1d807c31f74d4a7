#pragma once
// Row-wise kernels over [B,T,C] tensors (ttt_layer_io.cpp, block_io.cpp): a kernel is a template
// `F(args, begin_row, end_row)`, always inlined into one clone per ISA (AVX-512, AVX2+FMA, generic) that is
// chosen once at run time like the inner loop's, and split over libtorch's OpenMP pool by rows.
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cstdint>

#include "ttt/kernels/cpu/inner_math.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::kernels::cpu::detail {

template <typename Args, auto F>
void parallel_rows(const Args& a, std::int64_t rows, std::int64_t grain = 16) {
  const auto fn = IsaClones<void(const Args&, std::int64_t, std::int64_t), F>::pick();
  // Rows are C ≈ 1k floats: 16 of them are enough work to be worth a thread (the default grain).
  at::parallel_for(0, rows, grain, [&](std::int64_t begin, std::int64_t end) { fn(a, begin, end); });
}

inline void check_rows(const torch::Tensor& x, const char* what) {
  TTT_CHECK(x.dim() == 3 && x.is_contiguous() && x.device().is_cpu(), "[cpu_kernels] ", what,
            " must be a contiguous CPU [B,T,C] tensor, got ", shape_str(x));
  TTT_CHECK(x.scalar_type() == torch::kFloat || x.scalar_type() == torch::kDouble, "[cpu_kernels] ", what,
            ": float32 or float64 only, got ", x.scalar_type());
}

// f(T{}) with T = double for float64 tensors, float otherwise (the callers checked float32/float64).
template <typename F>
void with_value_type(torch::ScalarType dtype, F&& f) {
  if (dtype == torch::kDouble)
    f(0.0);
  else
    f(0.0f);
}

inline torch::Tensor taps_by_channel(const torch::Tensor& weight, const torch::Tensor& bias, std::int64_t channels,
                                     torch::ScalarType dtype) {
  TTT_CHECK(weight.dim() == 3 && weight.size(0) == channels && weight.size(1) == 1, "[cpu_kernels] conv weight ",
            shape_str(weight), " does not fit ", channels, " channels");
  TTT_CHECK(bias.dim() == 1 && bias.size(0) == channels, "[cpu_kernels] conv bias ", shape_str(bias), " does not fit ",
            channels, " channels");
  const auto taps = weight.size(2);
  if (!weight.is_contiguous() || weight.scalar_type() != dtype || !weight.device().is_cpu())
    return weight.select(1, 0).t().to(dtype).contiguous();  // [k, C]
  // The same transpose as one allocation and a loop: in decoding this runs three times per block and token,
  // where the four libtorch ops above cost about 5 µs each time.
  auto out = torch::empty({taps, channels}, weight.options());
  with_value_type(dtype, [&](auto zero) {
    using T = decltype(zero);
    const T* w = weight.data_ptr<T>();
    T* o = out.data_ptr<T>();
    for (std::int64_t c = 0; c < channels; ++c)
      for (std::int64_t j = 0; j < taps; ++j) o[j * channels + c] = w[c * taps + j];
  });
  return out;
}

// The inputs before x ([B, k−1, C]) for a causal conv with k taps over x [B,T,C], checked and made contiguous in
// x's dtype; undefined when `past` is (zero padding).
inline torch::Tensor conv_history(const torch::Tensor& past, const torch::Tensor& x, std::int64_t taps,
                                  const char* who) {
  if (!past.defined()) return past;
  TTT_CHECK(past.dim() == 3 && past.size(0) == x.size(0) && past.size(1) == taps - 1 && past.size(2) == x.size(2),
            "[", who, "] conv history ", shape_str(past), " does not fit input ", shape_str(x), " and ", taps,
            " taps");
  return past.to(x.scalar_type()).contiguous();
}

// acc[c] += Σ_j w[j·C + c] · x_{t−(k−1)+j}[c]: one output row of a causal depthwise convolution with k taps
// (weights [k, C]) of sequence b. Rows before the chunk come from `past` ([B, k−1, C]) or are zero without it.
template <typename T>
TTT_INLINE void causal_conv_row(T* __restrict acc, const T* x, const T* past, const T* w, std::int64_t taps,
                                std::int64_t b, std::int64_t t, std::int64_t len, std::int64_t C) {
  for (std::int64_t j = 0; j < taps; ++j) {
    const std::int64_t s = t - (taps - 1) + j;  // the input row tap j reads
    const T* __restrict src;
    if (s >= 0)
      src = x + (b * len + s) * C;
    else if (past)
      src = past + (b * (taps - 1) + (taps - 1 + s)) * C;
    else
      continue;  // zero padding before the sequence start
    const T* __restrict wj = w + j * C;
#pragma omp simd
    for (std::int64_t c = 0; c < C; ++c) acc[c] += wj[c] * src[c];
  }
}

}  // namespace ttt::kernels::cpu::detail
