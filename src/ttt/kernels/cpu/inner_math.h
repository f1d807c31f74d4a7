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

// z[r, 0:C] += Σ_m x_r[m]·W[m, c0:c0+C] for R rows: the R×C block of z stays in registers across m (C = 16
// floats is one AVX-512 vector; the compiler unrolls r and vectorises c), W's row is loaded once per m.
template <typename T, int R, int C>
TTT_INLINE void rows_times_tile(T* __restrict z, const T* const* x, int i0, const T* __restrict w, int din, int dout,
                                int c0) {
  T acc[R][C];
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) acc[r][c] = z[static_cast<std::ptrdiff_t>(i0 + r) * dout + c0 + c];
  for (int m = 0; m < din; ++m) {
    const T* wm = w + static_cast<std::ptrdiff_t>(m) * dout + c0;
    for (int r = 0; r < R; ++r) {
      const T xv = x[i0 + r][m];
#pragma omp simd
      for (int c = 0; c < C; ++c) acc[r][c] += xv * wm[c];
    }
  }
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) z[static_cast<std::ptrdiff_t>(i0 + r) * dout + c0 + c] = acc[r][c];
}

// z[i,:] += x[i,:]·W for n rows; W is [din, dout] row-major. Register-tiled in blocks of 4 rows × 16 columns;
// leftover rows and columns take plain row updates.
template <typename T>
TTT_INLINE void rows_times(T* __restrict z, const T* const* x, int n, const T* __restrict w, int din, int dout) {
  constexpr int R = 4, C = 16;
  const int full_rows = n / R * R, full_cols = dout / C * C;
  for (int c0 = 0; c0 < full_cols; c0 += C) {
    for (int i0 = 0; i0 < full_rows; i0 += R) rows_times_tile<T, R, C>(z, x, i0, w, din, dout, c0);
    for (int i0 = full_rows; i0 < n; ++i0) rows_times_tile<T, 1, C>(z, x, i0, w, din, dout, c0);
  }
  if (full_cols < dout)
    for (int m = 0; m < din; ++m) {
      const T* wm = w + static_cast<std::ptrdiff_t>(m) * dout;
      for (int i = 0; i < n; ++i) {
        T* zi = z + static_cast<std::ptrdiff_t>(i) * dout;
        for (int c = full_cols; c < dout; ++c) zi[c] += x[i][m] * wm[c];
      }
    }
}

// dst [cols, rows] = srcᵀ for src [rows, cols], both row-major, in 16 × 16 blocks so that reads and writes each
// stay within a few cache lines (the naive strided loop was a fifth of the TTT-MLP kernel's time).
template <typename T>
TTT_INLINE void transpose_blocked(T* __restrict dst, const T* __restrict src, int rows, int cols) {
  constexpr int B = 16;
  for (int r0 = 0; r0 < rows; r0 += B)
    for (int c0 = 0; c0 < cols; c0 += B) {
      const int r1 = std::min(rows, r0 + B), c1 = std::min(cols, c0 + B);
      for (int r = r0; r < r1; ++r)
        for (int c = c0; c < c1; ++c)
          dst[static_cast<std::ptrdiff_t>(c) * rows + r] = src[static_cast<std::ptrdiff_t>(r) * cols + c];
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

// The training kernels' backward through one row of the layer output XQ + LN(z̄)·γ + β, given the output's
// gradient `go`: dq += go; dγ += go·x̂; dβ += go; dz = (g − mean g − x̂ mean(g x̂)) / σ with g = go·γ. z̄ becomes x̂
// in place (the caller's later steps read it).
template <typename T>
TTT_INLINE void output_ln_backward_row(T* __restrict zbar, const T* __restrict go, const T* __restrict gamma,
                                       T* __restrict dq, T* __restrict dgamma, T* __restrict dbeta, T* __restrict dz,
                                       int d) {
  T mu, rstd, stdv;
  mean_rstd(zbar, d, mu, rstd, stdv);
  T sum_g = 0, sum_gx = 0;
#pragma omp simd reduction(+ : sum_g, sum_gx)
  for (int c = 0; c < d; ++c) {
    const T xh = (zbar[c] - mu) * rstd;
    zbar[c] = xh;
    dq[c] += go[c];
    dgamma[c] += go[c] * xh;
    dbeta[c] += go[c];
    const T g = go[c] * gamma[c];
    dz[c] = g;
    sum_g += g;
    sum_gx += g * xh;
  }
  const T mean_g = sum_g / d, mean_gx = sum_gx / d;
  for (int c = 0; c < d; ++c) dz[c] = rstd * (dz[c] - mean_g - zbar[c] * mean_gx);
}

// The training kernels' ln_l2_grad (ttt_linear_train, ttt_mlp_train), keeping what its backward needs: z becomes
// x̂, a = gx̂ = (γ x̂ + β − (xv − xk)) γ (the gradient at x̂), g = ∂ℓ/∂z = (a − mean a − x̂ mean(a x̂)) / σ.
// Returns σ.
template <typename T>
TTT_INLINE T ln_l2_grad_keep(T* __restrict z, const T* __restrict xv, const T* __restrict xk,
                             const T* __restrict gamma, const T* __restrict beta, T* __restrict a, T* __restrict g,
                             int d) {
  T mu, rstd, stdv;
  mean_rstd(z, d, mu, rstd, stdv);
  T sum_g = 0, sum_gx = 0;
#pragma omp simd reduction(+ : sum_g, sum_gx)
  for (int c = 0; c < d; ++c) {
    const T xh = (z[c] - mu) * rstd;
    z[c] = xh;
    const T gc = (gamma[c] * xh + beta[c] - (xv[c] - xk[c])) * gamma[c];
    a[c] = gc;
    sum_g += gc;
    sum_gx += gc * xh;
  }
  const T mean_g = sum_g / d, mean_gx = sum_gx / d;
  for (int c = 0; c < d; ++c) g[c] = rstd * (a[c] - mean_g - z[c] * mean_gx);
  return stdv;
}

// Back-propagates dg = ∂L/∂G of one row of ln_l2_grad_keep (x̂, a, g, σ as it kept them) to z, γ, β and the
// target xv − xk: dg becomes ∂L/∂z; dgamma, dbeta, dxv accumulate (+=), dxk −= the target's gradient.
//   ∂L/∂a  = (dG − mean dG − x̂ mean(dG x̂)) / σ
//   ∂L/∂x̂ = −(dG mean(a x̂) + a mean(dG x̂)) / σ + γ² ∂L/∂a    (direct + through a = (γx̂ + β − t)γ)
//   ∂L/∂σ  = −Σ dG·G / σ
//   ∂L/∂z  = (∂x̂ − mean ∂x̂ − x̂ mean(∂x̂ x̂)) / σ + ∂σ · x̂ / d
// scratch: d values.
template <typename T>
TTT_INLINE void ln_l2_grad_backward(T* __restrict dg, const T* __restrict xh, const T* __restrict a,
                                    const T* __restrict g, T sigma, const T* __restrict xv, const T* __restrict xk,
                                    const T* __restrict gamma, const T* __restrict beta, T* __restrict dgamma,
                                    T* __restrict dbeta, T* __restrict dxv, T* __restrict dxk, T* __restrict scratch,
                                    int d) {
  const T inv = T(1) / sigma;
  T s_dg = 0, s_dgx = 0, s_ax = 0, s_dgg = 0;
#pragma omp simd reduction(+ : s_dg, s_dgx, s_ax, s_dgg)
  for (int c = 0; c < d; ++c) {
    s_dg += dg[c];
    s_dgx += dg[c] * xh[c];
    s_ax += a[c] * xh[c];
    s_dgg += dg[c] * g[c];
  }
  const T m_dg = s_dg / d, m_dgx = s_dgx / d, m_ax = s_ax / d;
  const T dsigma = -s_dgg * inv;
  T s_dxh = 0, s_dxhx = 0;
#pragma omp simd reduction(+ : s_dxh, s_dxhx)
  for (int c = 0; c < d; ++c) {
    const T da = inv * (dg[c] - m_dg - xh[c] * m_dgx);
    const T gam = gamma[c];
    dgamma[c] += da * (T(2) * gam * xh[c] + beta[c] - (xv[c] - xk[c]));
    dbeta[c] += da * gam;
    const T dt = -da * gam;  // ∂L/∂target, target = xv − xk
    dxv[c] += dt;
    dxk[c] -= dt;
    const T dx = -inv * (dg[c] * m_ax + a[c] * m_dgx) + gam * gam * da;
    scratch[c] = dx;
    s_dxh += dx;
    s_dxhx += dx * xh[c];
  }
  const T m_dxh = s_dxh / d, m_dxhx = s_dxhx / d, sig_term = dsigma / d;
  for (int c = 0; c < d; ++c) dg[c] = inv * (scratch[c] - m_dxh - xh[c] * m_dxhx) + sig_term * xh[c];
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
    for (int i = 0; i < n; ++i) axpy(zbar + static_cast<std::ptrdiff_t>(i) * dout, s_b, -tok[i], dout);
    for (int m = 0; m < din; ++m) {
      const T* sm = s_w + static_cast<std::ptrdiff_t>(m) * dout;
      for (int i = 0; i < n; ++i) axpy(zbar + static_cast<std::ptrdiff_t>(i) * dout, sm, -tok[i] * xq[i][m], dout);
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

// acc_w[m0+r, c0:c0+C] += Σ_j a_j·x_j[m0+r]·G[j, c0:c0+C] for R accumulator rows, held in registers across j.
template <typename T, int R, int C>
TTT_INLINE void accumulate_tile(T* __restrict acc_w, const T* const* x, const T* __restrict grad, const T* a, int n,
                                int dout, int m0, int c0) {
  T acc[R][C];
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) acc[r][c] = acc_w[static_cast<std::ptrdiff_t>(m0 + r) * dout + c0 + c];
  for (int j = 0; j < n; ++j) {
    const T* gj = grad + static_cast<std::ptrdiff_t>(j) * dout + c0;
    for (int r = 0; r < R; ++r) {
      const T coef = a[j] * x[j][m0 + r];
#pragma omp simd
      for (int c = 0; c < C; ++c) acc[r][c] += coef * gj[c];
    }
  }
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) acc_w[static_cast<std::ptrdiff_t>(m0 + r) * dout + c0 + c] = acc[r][c];
}

// acc_w += scale·Σ_j lr_j x_jᵀ G_j, acc_b += scale·Σ_j lr_j G_j. Register-tiled like rows_times, over runs of at
// most kMaxTiledSegment rows (every mini-batch size in use is one run; longer segments are split).
constexpr int kMaxTiledSegment = 256;
template <typename T>
TTT_INLINE void accumulate_run(T* acc_w, T* acc_b, const T* const* x, const T* __restrict grad, int n, int din,
                               int dout, const T* lr, std::int64_t lr_stride, T scale) {
  T a[kMaxTiledSegment];
  for (int j = 0; j < n; ++j) {
    a[j] = scale * lr[j * lr_stride];
    axpy(acc_b, grad + static_cast<std::ptrdiff_t>(j) * dout, a[j], dout);
  }
  constexpr int R = 4, C = 16;
  const int full_rows = din / R * R, full_cols = dout / C * C;
  for (int c0 = 0; c0 < full_cols; c0 += C) {
    for (int m0 = 0; m0 < full_rows; m0 += R) accumulate_tile<T, R, C>(acc_w, x, grad, a, n, dout, m0, c0);
    for (int m0 = full_rows; m0 < din; ++m0) accumulate_tile<T, 1, C>(acc_w, x, grad, a, n, dout, m0, c0);
  }
  if (full_cols < dout)
    for (int m = 0; m < din; ++m) {
      T* acc = acc_w + static_cast<std::ptrdiff_t>(m) * dout;
      for (int j = 0; j < n; ++j)
        for (int c = full_cols; c < dout; ++c) acc[c] += a[j] * x[j][m] * grad[static_cast<std::ptrdiff_t>(j) * dout + c];
    }
}

template <typename T>
TTT_INLINE void accumulate(T* acc_w, T* acc_b, const T* const* x, const T* __restrict grad, int n, int din, int dout,
                           const T* lr, std::int64_t lr_stride, T scale) {
  for (int j0 = 0; j0 < n; j0 += kMaxTiledSegment)
    accumulate_run(acc_w, acc_b, x + j0, grad + static_cast<std::ptrdiff_t>(j0) * dout,
                   std::min(kMaxTiledSegment, n - j0), din, dout, lr + j0 * lr_stride, lr_stride, scale);
}

// tanh for float without a libm call, so gelu loops vectorise: tanh|x| = (1 − e)/(1 + e), e = exp(−2|x|),
// exp by Cody–Waite range reduction (y = n·ln2 + r, |r| ≤ ln2/2) and a degree-6 Taylor polynomial for
// e^r; 2^n assembled in the exponent bits. Absolute error ≈ 1e-7 (the kernels tests compare at 1e-4).
// Written without float min/max and std::floor, which keep GCC from vectorising the loop unless -ffast-math:
// |x| is clamped to 43.5 (tanh is ±1 in float long before) in the integer domain, where non-negative floats
// order like their bit patterns (inf and NaN patterns are larger, so they clamp too), and floor is the
// truncation of a shifted, positive argument.
TTT_INLINE float tanh_fast(float x) {
  const std::int32_t a_bits = __builtin_bit_cast(std::int32_t, std::fabs(x));
  const std::int32_t cap = __builtin_bit_cast(std::int32_t, 43.5f);
  const float y = -2.0f * __builtin_bit_cast(float, a_bits < cap ? a_bits : cap);
  const float v = y * 1.44269504088896341f + 0.5f;
  // floor(v) as a truncation of v + 128 > 0 (v ≥ −125.5; within float rounding of an integer it may give that
  // integer, which only moves |r| past ln2/2 by ~1e-5). The compare-and-correct form it replaced became a branch
  // that kept the AVX2 clone's loops scalar.
  const float n = static_cast<float>(static_cast<std::int32_t>(v + 128.0f) - 128);
  const float r = (y - n * 0.693359375f) + n * 2.12194440e-4f;
  const float p =
      1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 + r * (1.0f / 120 + r * (1.0f / 720))))));
  const std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
  const float e = p * __builtin_bit_cast(float, bits);
  return std::copysign((1.0f - e) / (1.0f + e), x);
}
TTT_INLINE double tanh_fast(double x) { return std::tanh(x); }  // float64 is for tests: exact libm

// gelu with the tanh approximation (ops::gelu_tanh), vectorisable through tanh_fast.
template <typename T>
TTT_INLINE T gelu(T x) {
  return T(0.5) * x * (T(1) + tanh_fast(T(0.7978845608028654) * (x + T(0.044715) * x * x * x)));
}

enum class Isa { Generic, Avx2, Avx512 };

// The widest instruction set this CPU supports among those the kernels are compiled for (detected once), or a
// narrower one named by the environment variable TTT_KERNEL_ISA (avx512, avx2, generic): the tests run the
// kernel suite under each so that every clone is checked on a machine that would otherwise pick one.
Isa cpu_isa();
// What the CPU supports, whatever TTT_KERNEL_ISA says.
Isa detected_isa();

// One kernel body F (a TTT_INLINE function taking A...) compiled once per instruction set: each clone inlines F
// under its own target, and pick() returns the one cpu_isa() chose. Every fused kernel dispatches through this.
template <typename Signature, auto F>
struct IsaClones;
template <typename... A, auto F>
struct IsaClones<void(A...), F> {
  using Fn = void (*)(A...);
  static void generic(A... a) { F(a...); }
#ifdef TTT_HAVE_ISA_VARIANTS
  TTT_TARGET_AVX2 static void avx2(A... a) { F(a...); }
  TTT_TARGET_AVX512 static void avx512(A... a) { F(a...); }
#endif
  static Fn pick() {
#ifdef TTT_HAVE_ISA_VARIANTS
    if (cpu_isa() == Isa::Avx512) return &avx512;
    if (cpu_isa() == Isa::Avx2) return &avx2;
#endif
    return &generic;
  }
};

// How many threads at::parallel_for really uses for `items` independent items when called from the kernels'
// translation units (a self-check: compiled without OpenMP, at::parallel_for silently runs serially).
int parallel_for_threads(std::int64_t items);

}  // namespace ttt::kernels::cpu::detail
