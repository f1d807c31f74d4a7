#include "ttt/kernels/cpu/gemv.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "ttt/kernels/cpu/inner_math.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::kernels::cpu {
namespace {

template <typename T>
struct GemvArgs {
  std::vector<const T*> w;  // matrix i's rows
  std::vector<T*> y;        // matrix i's output
  std::vector<std::int64_t> first_row;  // prefix sums of N_i: global row r belongs to the last i with first_row ≤ r
  const T* x;
  std::int64_t K;
};

// Several rows per pass over x: independent weight streams keep enough loads in flight to approach the memory
// bandwidth, x stays in L1. Eight rows fill AVX2's 16 vector registers with sums and loads (measured on AVX-512,
// 2026-12-05: 8 rows 41–44 GB/s on 2 threads, 4 rows 29–38, 2 rows 22; software prefetching only slowed it).
template <typename T>
TTT_INLINE void rows_dot8(T* __restrict y, const T* __restrict w, const T* __restrict x, std::int64_t n,
                          std::int64_t K) {
  constexpr std::int64_t R = 8;
  std::int64_t r = 0;
  for (; r + R <= n; r += R) {
    const T* __restrict w0 = w + r * K;
    const T *__restrict w1 = w0 + K, *__restrict w2 = w1 + K, *__restrict w3 = w2 + K;
    const T *__restrict w4 = w3 + K, *__restrict w5 = w4 + K, *__restrict w6 = w5 + K, *__restrict w7 = w6 + K;
    T s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
#pragma omp simd reduction(+ : s0, s1, s2, s3, s4, s5, s6, s7)
    for (std::int64_t k = 0; k < K; ++k) {
      const T xk = x[k];
      s0 += w0[k] * xk;
      s1 += w1[k] * xk;
      s2 += w2[k] * xk;
      s3 += w3[k] * xk;
      s4 += w4[k] * xk;
      s5 += w5[k] * xk;
      s6 += w6[k] * xk;
      s7 += w7[k] * xk;
    }
    y[r] = s0;
    y[r + 1] = s1;
    y[r + 2] = s2;
    y[r + 3] = s3;
    y[r + 4] = s4;
    y[r + 5] = s5;
    y[r + 6] = s6;
    y[r + 7] = s7;
  }
  for (; r < n; ++r) y[r] = detail::dot(w + r * K, x, static_cast<int>(K));
}

template <typename T>
struct Vector64;  // 64 bytes of T as one GCC vector
template <>
struct Vector64<float> {
  typedef float type __attribute__((vector_size(64)));
};
template <>
struct Vector64<double> {
  typedef double type __attribute__((vector_size(64)));
};

// Sixteen rows for AVX-512's 32 registers, each row's sums in one 64-byte vector (GCC's vector extension: an
// `omp simd` reduction over an array of sixteen sums compiled to a loop that ran at 30 GB/s instead of 40). The
// whole 125m token's GEMVs: 36–41 → 44–48 GB/s against eight rows (docs/results.md, sixth stop).
template <typename T>
TTT_INLINE void rows_dot16(T* __restrict y, const T* __restrict w, const T* __restrict x, std::int64_t n,
                           std::int64_t K) {
  using V = typename Vector64<T>::type;
  constexpr std::int64_t R = 16, lanes = 64 / sizeof(T);
  std::int64_t r = 0;
  for (; r + R <= n; r += R) {
    const T* __restrict block = w + r * K;
    V acc[R] = {};
    std::int64_t k = 0;
    for (; k + lanes <= K; k += lanes) {
      V xv;
      std::memcpy(&xv, x + k, sizeof(V));
#pragma GCC unroll 16
      for (int j = 0; j < R; ++j) {
        V wv;
        std::memcpy(&wv, block + j * K + k, sizeof(V));
        acc[j] += wv * xv;
      }
    }
    for (int j = 0; j < R; ++j) {
      T sum = 0;
      for (int l = 0; l < lanes; ++l) sum += acc[j][l];
      for (std::int64_t t = k; t < K; ++t) sum += block[j * K + t] * x[t];
      y[r + j] = sum;
    }
  }
  rows_dot8(y + r, w + r * K, x, n - r, K);
}

template <typename T, int R>
TTT_INLINE void gemv_rows(const GemvArgs<T>& a, std::int64_t begin, std::int64_t end) {
  // The range may span several matrices: walk it matrix by matrix.
  auto i = static_cast<std::size_t>(std::upper_bound(a.first_row.begin(), a.first_row.end(), begin) -
                                    a.first_row.begin() - 1);
  for (std::int64_t r = begin; r < end; ++i) {
    const auto stop = std::min(end, a.first_row[i + 1]);
    const auto local = r - a.first_row[i];
    if constexpr (R == 16)
      rows_dot16(a.y[i] + local, a.w[i] + local * a.K, a.x, stop - r, a.K);
    else
      rows_dot8(a.y[i] + local, a.w[i] + local * a.K, a.x, stop - r, a.K);
    r = stop;
  }
}

template <typename T>
using RowsFn = void (*)(const GemvArgs<T>&, std::int64_t, std::int64_t);

// The ISA clone, with the row count its registers hold.
template <typename T>
RowsFn<T> pick_gemv_rows() {
#ifdef TTT_HAVE_ISA_VARIANTS
  if (detail::cpu_isa() == detail::Isa::Avx512)
    return &detail::IsaClones<void(const GemvArgs<T>&, std::int64_t, std::int64_t), &gemv_rows<T, 16>>::avx512;
#endif
  return detail::IsaClones<void(const GemvArgs<T>&, std::int64_t, std::int64_t), &gemv_rows<T, 8>>::pick();
}

template <typename T>
std::vector<torch::Tensor> gemv_typed(const std::vector<torch::Tensor>& weights, const torch::Tensor& x) {
  GemvArgs<T> a;
  a.x = x.data_ptr<T>();
  a.K = x.numel();
  a.first_row.push_back(0);
  std::vector<torch::Tensor> out;
  for (const auto& w : weights) {
    out.push_back(torch::empty({w.size(0)}, x.options()));
    a.w.push_back(w.data_ptr<T>());
    a.y.push_back(out.back().data_ptr<T>());
    a.first_row.push_back(a.first_row.back() + w.size(0));
  }
  // Threads claim blocks of 64 rows (≈ 200 KB of float32 weights for K ≈ 1k) from one counter instead of a fixed
  // share each: decoding runs ~50 of these regions per token with other work between them, the pool's second
  // thread often starts late (woken from sleep), and with a fixed share the caller then waited for it at the
  // region's end. 125m decode, alternated: 10.8–11.2 ms against 11.0–13.1 ms (docs/results.md, sixth stop).
  constexpr std::int64_t kBlockRows = 64;
  const auto rows = a.first_row.back();
  const auto blocks = (rows + kBlockRows - 1) / kBlockRows;
  const auto fn = pick_gemv_rows<T>();
  std::atomic<std::int64_t> next_block{0};
  const auto workers = std::min<std::int64_t>(blocks, at::get_num_threads());
  at::parallel_for(0, workers, 1, [&](std::int64_t, std::int64_t) {
    for (std::int64_t b; (b = next_block.fetch_add(1, std::memory_order_relaxed)) < blocks;)
      fn(a, b * kBlockRows, std::min(rows, (b + 1) * kBlockRows));
  });
  return out;
}

}  // namespace

std::vector<torch::Tensor> gemv_many(const std::vector<torch::Tensor>& weights, const torch::Tensor& x) {
  TTT_CHECK(x.device().is_cpu() && x.is_contiguous() &&
                (x.scalar_type() == torch::kFloat || x.scalar_type() == torch::kDouble),
            "[gemv] x must be a contiguous float32/float64 CPU tensor, got ", x.scalar_type(), " ", shape_str(x));
  for (const auto& w : weights)
    TTT_CHECK(w.dim() == 2 && w.size(1) == x.numel() && w.is_contiguous() && w.device().is_cpu() &&
                  w.scalar_type() == x.scalar_type(),
              "[gemv] weight ", shape_str(w), " (", w.scalar_type(), ") does not fit x of ", x.numel(), " ",
              x.scalar_type(), " values (needs a contiguous [N, ", x.numel(), "] CPU matrix of the same dtype)");
  if (x.scalar_type() == torch::kFloat) return gemv_typed<float>(weights, x);
  return gemv_typed<double>(weights, x);
}

torch::Tensor gemv(const torch::Tensor& weight, const torch::Tensor& x) { return gemv_many({weight}, x)[0]; }

}  // namespace ttt::kernels::cpu
