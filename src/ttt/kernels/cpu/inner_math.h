#pragma once
// Building blocks shared by the fused CPU kernels of the TTT inner loop (inference: ttt_inner_fused.cpp,
// training: ttt_linear_train.cpp). Header-only and always inlined, so each kernel's per-ISA clones
// (AVX-512, AVX2+FMA, generic; chosen once at run time by cpu_isa()) vectorise them for their own target.
//
// Vectorisation: the loops are written so that GCC vectorises them (unit-stride inner loops, `omp simd` on
// the reductions, compiled with -fopenmp-simd). The products are tiny (mini-batch 16 × head dim 64): a BLAS
// call per product costs more in overhead than the arithmetic, hence plain loops.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#define TTT_INLINE inline __attribute__((always_inline))

#if defined(__x86_64__) && defined(__GNUC__)
#define TTT_TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#define TTT_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define TTT_HAVE_ISA_VARIANTS 1
#endif

namespace ttt::kernels::cpu::detail {

constexpr double kLnEps = 1e-6;  // ttt_norm's eps (ops::layer_norm's default)

template <typename T>
TTT_INLINE void axpy(T* __restrict y, const T* __restrict x, T a, int n) {
  for (int i = 0; i < n; ++i) y[i] += a * x[i];
}

template <typename T>
TTT_INLINE T dot(const T* __restrict a, const T* __restrict b, int n) {
  T s = 0;
#pragma omp simd reduction(+ : s)
  for (int i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

// z[i,:] (+)= x[i,:]·W for n rows; W is [din, dout] row-major.
template <typename T>
TTT_INLINE void rows_times(T* __restrict z, const T* const* x, int n, const T* __restrict w, int din, int dout) {
  for (int i = 0; i < n; ++i) {
    T* zi = z + static_cast<std::ptrdiff_t>(i) * dout;
    const T* xi = x[i];
    for (int m = 0; m < din; ++m) axpy(zi, w + static_cast<std::ptrdiff_t>(m) * dout, xi[m], dout);
  }
}

template <typename T>
TTT_INLINE void mean_rstd(const T* z, int d, T& mu, T& rstd, T& stdv) {
  T s = 0;
#pragma omp simd reduction(+ : s)
  for (int i = 0; i < d; ++i) s += z[i];
  mu = s / d;
  T v = 0;
#pragma omp simd reduction(+ : v)
  for (int i = 0; i < d; ++i) v += (z[i] - mu) * (z[i] - mu);
  stdv = std::sqrt(v / d + static_cast<T>(kLnEps));
  rstd = T(1) / stdv;
}

// In place: z ← ∂/∂z ½‖γ⊙x̂ + β − target‖², x̂ = LN(z), target = xv − xk (ops::layer_norm_l2_grad).
template <typename T>
TTT_INLINE void ln_l2_grad(T* __restrict z, const T* __restrict xv, const T* __restrict xk, const T* __restrict gamma,
                           const T* __restrict beta, int d, T* __restrict scratch) {
  T mu, rstd, stdv;
  mean_rstd(z, d, mu, rstd, stdv);
  T sum_g = 0, sum_gx = 0;
#pragma omp simd reduction(+ : sum_g, sum_gx)
  for (int i = 0; i < d; ++i) {
    const T xh = (z[i] - mu) * rstd;
    const T g = (gamma[i] * xh + beta[i] - (xv[i] - xk[i])) * gamma[i];
    scratch[i] = g;
    z[i] = xh;
    sum_g += g;
    sum_gx += g * xh;
  }
  const T scale = rstd / d;
  for (int i = 0; i < d; ++i) z[i] = scale * (d * scratch[i] - sum_g - z[i] * sum_gx);
}

// Dual form of one layer for n query rows: zbar[i] = x_i·(W − η_i ΣW) + (b − η_i Σb)
//   − η_i Σ_{j≤i} lr_j (x_i·x'_j + 1) G_j, with x' the rows the gradients were taken at.
template <typename T>
TTT_INLINE void dual_layer(T* __restrict zbar, const T* const* xq, const T* const* xseen, const T* __restrict grad,
                           int n, int din, int dout, const T* w, const T* b, const T* s_w, const T* s_b, bool has_sums,
                           const T* tok, const T* lr, std::int64_t lr_stride) {
  for (int i = 0; i < n; ++i) std::copy(b, b + dout, zbar + static_cast<std::ptrdiff_t>(i) * dout);
  rows_times(zbar, xq, n, w, din, dout);
  if (has_sums) {
    for (int i = 0; i < n; ++i) {
      T* zi = zbar + static_cast<std::ptrdiff_t>(i) * dout;
      const T e = -tok[i];
      axpy(zi, s_b, e, dout);
      for (int m = 0; m < din; ++m) axpy(zi, s_w + static_cast<std::ptrdiff_t>(m) * dout, e * xq[i][m], dout);
    }
  }
  for (int i = 0; i < n; ++i) {
    T* zi = zbar + static_cast<std::ptrdiff_t>(i) * dout;
    for (int j = 0; j <= i; ++j) {
      const T c = tok[i] * lr[j * lr_stride] * (dot(xq[i], xseen[j], din) + T(1));
      axpy(zi, grad + static_cast<std::ptrdiff_t>(j) * dout, -c, dout);
    }
  }
}

// acc_w += scale·Σ_j lr_j x_jᵀ G_j, acc_b += scale·Σ_j lr_j G_j.
template <typename T>
TTT_INLINE void accumulate(T* acc_w, T* acc_b, const T* const* x, const T* __restrict grad, int n, int din, int dout,
                           const T* lr, std::int64_t lr_stride, T scale) {
  for (int j = 0; j < n; ++j) {
    const T a = scale * lr[j * lr_stride];
    const T* gj = grad + static_cast<std::ptrdiff_t>(j) * dout;
    axpy(acc_b, gj, a, dout);
    for (int m = 0; m < din; ++m) axpy(acc_w + static_cast<std::ptrdiff_t>(m) * dout, gj, a * x[j][m], dout);
  }
}

enum class Isa { Generic, Avx2, Avx512 };

// The widest instruction set this CPU supports among those the kernels are compiled for (detected once).
Isa cpu_isa();

// How many threads at::parallel_for really uses for `items` independent items when called from the kernels'
// translation units (a self-check: compiled without OpenMP, at::parallel_for silently runs serially).
int parallel_for_threads(std::int64_t items);

}  // namespace ttt::kernels::cpu::detail
