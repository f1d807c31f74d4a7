#include "ttt/kernels/cpu/gemv.h"

#include <algorithm>

#include "ttt/kernels/cpu/row_parallel.h"

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

// Eight rows per pass over x: eight independent weight streams keep enough loads in flight to approach the
// memory bandwidth (measured on AVX-512, 2026-12-05: 8 rows 41–44 GB/s on 2 threads, 4 rows 29–38, 2 rows 22;
// software prefetching only slowed it), x stays in L1.
template <typename T>
TTT_INLINE void rows_dot(T* __restrict y, const T* __restrict w, const T* __restrict x, std::int64_t n,
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
TTT_INLINE void gemv_rows(const GemvArgs<T>& a, std::int64_t begin, std::int64_t end) {
  // The range may span several matrices: walk it matrix by matrix.
  auto i = static_cast<std::size_t>(std::upper_bound(a.first_row.begin(), a.first_row.end(), begin) -
                                    a.first_row.begin() - 1);
  for (std::int64_t r = begin; r < end; ++i) {
    const auto stop = std::min(end, a.first_row[i + 1]);
    const auto local = r - a.first_row[i];
    rows_dot(a.y[i] + local, a.w[i] + local * a.K, a.x, stop - r, a.K);
    r = stop;
  }
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
  // A row is K ≈ 1k values: 64 rows (≈ 200 KB of float32 weights) per task keep the fork worth it.
  detail::parallel_rows<GemvArgs<T>, &gemv_rows<T>>(a, a.first_row.back(), 64);
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
