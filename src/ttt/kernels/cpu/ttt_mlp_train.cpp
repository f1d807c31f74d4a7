#include "ttt/kernels/cpu/ttt_mlp_train.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "ttt/kernels/cpu/inner_math.h"
#include "ttt/kernels/cpu/scan_host.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::kernels::cpu {
namespace {

using namespace detail;

// gelu'(x) of the tanh approximation with the exact √(2/π): what autograd differentiates X2 = gelu(Z1) and
// X̄2 = gelu(Z̄1) with (torch's GeluBackward, approximate = "tanh").
//   t = tanh(k(x + a x³)),  gelu'(x) = ½(1 + t) + ½x(1 − t²)·k(1 + 3a x²)
template <typename T>
TTT_INLINE T gelu_prime(T x) {
  constexpr T k = T(0.7978845608028654), a = T(0.044715);
  const T t = tanh_fast(k * (x + a * x * x * x));
  return T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * k * (T(1) + T(3) * a * x * x);
}

// The reference's hand-written gelu' (ops::gelu_tanh_grad, rounded constants) that scales G1 in the forward:
//   u = c·x·(1 + a x²),  t = tanh(u),  S(x) = ½x(1 − t²)(c + e x²) + ½(1 + t)
constexpr double kGc = 0.79788456, kGa = 0.044715, kGe = 0.1070322243;
template <typename T>
TTT_INLINE T gelu_grad_ref(T x) {
  const T t = tanh_fast(T(kGc) * x * (T(1) + T(kGa) * x * x));
  return T(0.5) * x * ((T(1) - t * t) * (T(kGc) + T(kGe) * x * x)) + T(0.5) * (T(1) + t);
}

// Its derivative S'(x), the second-order path through G1 = P ⊙ S(Z1). With t' = (1 − t²)·c(1 + 3a x²):
//   S'(x) = ½(1 − t²)(c + 3e x²) − x·t·t'·(c + e x²) + ½t'
template <typename T>
TTT_INLINE T gelu_grad_ref_prime(T x) {
  const T x2 = x * x;
  const T t = tanh_fast(T(kGc) * x * (T(1) + T(kGa) * x2));
  const T sech2 = T(1) - t * t;
  const T dt = sech2 * T(kGc) * (T(1) + T(3) * T(kGa) * x2);
  return T(0.5) * sech2 * (T(kGc) + T(3) * T(kGe) * x2) - x * t * dt * (T(kGc) + T(kGe) * x2) + T(0.5) * dt;
}

// dst [cols, rows] = srcᵀ for src [rows, cols], both row-major. 8 × 8 blocks are transposed in registers with three
// rounds of shuffles (pairs of elements, then pairs of pairs, then halves), so each element is loaded and stored
// once as part of a vector; inner_math's blocked scalar transpose took a fifth of this kernel's time (six d × 4d
// transposes per mini-batch against ~28 products of the same size). Edges that do not fill a block go one by one.
template <typename T>
TTT_INLINE void transpose(T* __restrict dst, const T* __restrict src, int rows, int cols) {
  typedef T Vec8 __attribute__((vector_size(8 * sizeof(T))));
  const int full_rows = rows / 8 * 8, full_cols = cols / 8 * 8;
  for (int r0 = 0; r0 < full_rows; r0 += 8)
    for (int c0 = 0; c0 < full_cols; c0 += 8) {
      Vec8 v[8], u[8];
      for (int i = 0; i < 8; ++i)
        std::memcpy(&v[i], src + static_cast<std::ptrdiff_t>(r0 + i) * cols + c0, sizeof(Vec8));
      for (int i = 0; i < 8; i += 2) {  // interleave rows i, i+1 element-wise
        u[i] = __builtin_shufflevector(v[i], v[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        u[i + 1] = __builtin_shufflevector(v[i], v[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
      }
      for (int i = 0; i < 8; i += 4) {  // interleave pairs
        v[i] = __builtin_shufflevector(u[i], u[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        v[i + 1] = __builtin_shufflevector(u[i], u[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        v[i + 2] = __builtin_shufflevector(u[i + 1], u[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        v[i + 3] = __builtin_shufflevector(u[i + 1], u[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
      }
      for (int i = 0; i < 4; ++i) {  // join halves: output row c0 + i from rows 0–3 and 4–7
        u[i] = __builtin_shufflevector(v[i], v[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        u[i + 4] = __builtin_shufflevector(v[i], v[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
      }
      for (int i = 0; i < 8; ++i)
        std::memcpy(dst + static_cast<std::ptrdiff_t>(c0 + i) * rows + r0, &u[i], sizeof(Vec8));
    }
  for (int r = 0; r < rows; ++r)
    for (int c = r < full_rows ? full_cols : 0; c < cols; ++c)
      dst[static_cast<std::ptrdiff_t>(c) * rows + r] = src[static_cast<std::ptrdiff_t>(r) * cols + c];
}

// z[i,:] += x_i·W for n rows, W [din, dout] row-major: inner_math's register tile, 4 rows × 32 columns here. Two
// AVX-512 vectors per row give 8 independent accumulators and one W load per two FMAs; with the 16 columns of
// inner_math's rows_times the FMAs wait on loads (the 32-column tiles made the whole kernel ~1/6 faster at d 64).
template <typename T>
TTT_INLINE void product(T* __restrict z, const T* const* x, int n, const T* __restrict w, int din, int dout) {
  constexpr int R = 4, C = 32, C_half = 16;
  const int full_rows = n / R * R, wide_cols = dout / C * C, half_cols = dout / C_half * C_half;
  for (int c0 = 0; c0 < wide_cols; c0 += C) {
    for (int i0 = 0; i0 < full_rows; i0 += R) rows_times_tile<T, R, C>(z, x, i0, w, din, dout, c0);
    for (int i0 = full_rows; i0 < n; ++i0) rows_times_tile<T, 1, C>(z, x, i0, w, din, dout, c0);
  }
  if (wide_cols < half_cols) {
    for (int i0 = 0; i0 < full_rows; i0 += R) rows_times_tile<T, R, C_half>(z, x, i0, w, din, dout, wide_cols);
    for (int i0 = full_rows; i0 < n; ++i0) rows_times_tile<T, 1, C_half>(z, x, i0, w, din, dout, wide_cols);
  }
  if (half_cols < dout)
    for (int m = 0; m < din; ++m) {
      const T* wm = w + static_cast<std::ptrdiff_t>(m) * dout;
      for (int i = 0; i < n; ++i) {
        T* zi = z + static_cast<std::ptrdiff_t>(i) * dout;
        for (int c = half_cols; c < dout; ++c) zi[c] += x[i][m] * wm[c];
      }
    }
}

// acc[m0+r, c0:c0+C] += Σ_j x_j[m0+r]·g_j[c0:c0+C] for R rows of acc, held in registers across j.
template <typename T, int R, int C>
TTT_INLINE void outer_products_tile(T* __restrict acc, const T* const* x, const T* const* g, int n, int dout, int m0,
                                    int c0) {
  T a[R][C];
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) a[r][c] = acc[static_cast<std::ptrdiff_t>(m0 + r) * dout + c0 + c];
  for (int j = 0; j < n; ++j) {
    const T* gj = g[j] + c0;
    for (int r = 0; r < R; ++r) {
      const T xv = x[j][m0 + r];
#pragma omp simd
      for (int c = 0; c < C; ++c) a[r][c] += xv * gj[c];
    }
  }
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) acc[static_cast<std::ptrdiff_t>(m0 + r) * dout + c0 + c] = a[r][c];
}

// acc [din, dout] += Σ_j x_jᵀ g_j over n row pairs (x_j [din], g_j [dout]), tiled like product(). Taking both sides
// as row lists lets one pass sum the products of several layers' terms (e.g. dW1 += Qᵀ dZ̄1 + Xᵀ dZ1), so acc is
// loaded and stored once.
template <typename T>
TTT_INLINE void add_outer_products(T* __restrict acc, const T* const* x, const T* const* g, int n, int din, int dout) {
  constexpr int R = 4, C = 32, C_half = 16;
  const int full_rows = din / R * R, wide_cols = dout / C * C, half_cols = dout / C_half * C_half;
  for (int c0 = 0; c0 < wide_cols; c0 += C) {
    for (int m0 = 0; m0 < full_rows; m0 += R) outer_products_tile<T, R, C>(acc, x, g, n, dout, m0, c0);
    for (int m0 = full_rows; m0 < din; ++m0) outer_products_tile<T, 1, C>(acc, x, g, n, dout, m0, c0);
  }
  if (wide_cols < half_cols) {
    for (int m0 = 0; m0 < full_rows; m0 += R) outer_products_tile<T, R, C_half>(acc, x, g, n, dout, m0, wide_cols);
    for (int m0 = full_rows; m0 < din; ++m0) outer_products_tile<T, 1, C_half>(acc, x, g, n, dout, m0, wide_cols);
  }
  if (half_cols < dout)
    for (int m = 0; m < din; ++m) {
      T* am = acc + static_cast<std::ptrdiff_t>(m) * dout;
      for (int j = 0; j < n; ++j)
        for (int c = half_cols; c < dout; ++c) am[c] += x[j][m] * g[j][c];
    }
}

// b += Σ_j g_j over n rows of width w.
template <typename T>
TTT_INLINE void add_rows(T* __restrict b, const T* const* g, int n, int w) {
  for (int j = 0; j < n; ++j) axpy(b, g[j], T(1), w);
}

// One (sequence, head): pointers already offset to that (b, h). Rows of t: x + t·stride.
template <typename T>
struct HeadIo {
  const T *xq, *xk, *xv;
  std::int64_t sq, sk, sv;
  const T* lr;
  std::int64_t lr_stride;
  const T* tok;  // [K]
  const T *gamma, *beta;
  T *w1_ckpt, *b1_ckpt, *w2_ckpt, *b2_ckpt;  // [n_ckpt, d, h], [n_ckpt, h], [n_ckpt, h, d], [n_ckpt, d]
  // forward
  T* out;  // row t at out + t·out_stride
  std::int64_t out_stride;
  T *w1, *b1, *w2, *b2;  // running state: starts as the input state, ends as the end state
  // backward
  const T* gout;  // row t at gout + t·gout_stride
  std::int64_t gout_stride;
  T *dxq, *dxk, *dxv, *dlr;  // dx rows contiguous [T,d]; dlr [T]
  T *dw1, *db1, *dw2, *db2;  // in: ∂L/∂(end state); out: ∂L/∂(start state)
  T *dtok, *dgamma, *dbeta;  // per-head partial sums, reduced over heads/batch by the caller
};

struct Dims {
  int d, h, K, n_mb, group;  // group: mini-batches per checkpoint
};

// n rows of `width` in one buffer, with the row pointers the register-tiled products (product,
// add_outer_products) take as operands. Not copyable: the pointers point into its own storage.
template <typename T>
struct RowBuffer {
  std::vector<T> data;
  std::vector<const T*> rows;
  int width = 0;
  RowBuffer() = default;
  RowBuffer(const RowBuffer&) = delete;
  RowBuffer(RowBuffer&&) noexcept = default;  // a moved vector keeps its storage, so the pointers stay valid
  void reset(int n, int w) {
    width = w;
    data.assign(static_cast<std::size_t>(n) * w, T(0));
    rows.resize(n);
    for (int i = 0; i < n; ++i) rows[i] = data.data() + static_cast<std::ptrdiff_t>(i) * w;
  }
  T* row(int i) { return data.data() + static_cast<std::ptrdiff_t>(i) * width; }
  const T* row(int i) const { return data.data() + static_cast<std::ptrdiff_t>(i) * width; }
  T* ptr() { return data.data(); }
  const T* ptr() const { return data.data(); }
  const T* const* ptrs() const { return rows.data(); }
  void zero() { std::fill(data.begin(), data.end(), T(0)); }
};

// The start state of one mini-batch.
template <typename T>
struct State {
  const T *w1, *b1, *w2, *b2;
};

// One mini-batch's start state and the inner-loop gradients taken at it: the part of its forward that does not
// involve XQ. The backward replays a checkpoint group into one slot per mini-batch.
template <typename T>
struct Slot {
  State<T> st{};
  std::vector<T> own_state;        // W1, b1, W2, b2 back to back, for a state that is not a checkpoint
  RowBuffer<T> z1, x2, s1, p, g1;  // K × h: Z1, gelu(Z1), S = gelu'(Z1), P = G2·W2ᵀ, G1 = P ⊙ S
  RowBuffer<T> xhat2, gxh2, g2;    // K × d: x̂ = LN(Z2), gx̂ = (γx̂ + β − (v − x))γ, G2
  std::vector<T> sigma2;           // K: σ of Z2's rows
  void reset(const Dims& dm) {
    const int K = dm.K, d = dm.d, h = dm.h;
    for (auto* r : {&z1, &x2, &s1, &p, &g1}) r->reset(K, h);
    for (auto* r : {&xhat2, &gxh2, &g2}) r->reset(K, d);
    sigma2.resize(K);
  }
  // Points the state at own_state (laid out W1 [d,h], b1 [h], W2 [h,d], b2 [d]) and returns it writable.
  T* use_own_state(const Dims& dm) {
    const std::ptrdiff_t dh = static_cast<std::ptrdiff_t>(dm.d) * dm.h;
    own_state.resize(2 * dh + dm.h + dm.d);  // allocated on first use only: slot 0 always reads a checkpoint
    T* base = own_state.data();
    st = State<T>{base, base + dh, base + dh + dm.h, base + 2 * dh + dm.h};
    return base;
  }
};

// Scratch for one worker, reused across heads and mini-batches (nothing is allocated per mini-batch).
template <typename T>
struct Work {
  std::vector<Slot<T>> slots;   // one per mini-batch of a checkpoint group (the forward uses slot 0)
  RowBuffer<T> zbar1, x2bar;    // K × h: Z̄1, gelu(Z̄1)
  RowBuffer<T> zbar2;           // K × d: Z̄2
  std::vector<T> attn1, attn2;  // K × K: q_i·x_j and x̄2_i·x2_j for j ≤ i
  RowBuffer<T> dx2bar, dx2, dg1, dp, dz1, scaled_h;  // K × h (dx2bar becomes ∂L/∂Z̄1)
  RowBuffer<T> dzbar2, dg2, scaled_d;                // K × d (dg2 becomes ∂L/∂Z2)
  std::vector<T> w1t, w2t, dw1t, dw2t;               // [h,d], [d,h], [h,d], [d,h]
  std::vector<T> ln_scratch;                         // d
  std::vector<const T*> rows_q, rows_k;              // the current mini-batch's rows of XQ and XK
  std::vector<const T*> pair_x, pair_g;              // 3K: row pairs of a merged add_outer_products
  Work(const Dims& dm, int n_slots) : slots(n_slots) {
    const int K = dm.K, d = dm.d, h = dm.h;
    for (auto& slot : slots) slot.reset(dm);
    for (auto* r : {&zbar1, &x2bar, &dx2bar, &dx2, &dg1, &dp, &dz1, &scaled_h}) r->reset(K, h);
    for (auto* r : {&zbar2, &dzbar2, &dg2, &scaled_d}) r->reset(K, d);
    attn1.resize(static_cast<std::size_t>(K) * K);
    attn2.resize(static_cast<std::size_t>(K) * K);
    for (auto* m : {&w1t, &w2t, &dw1t, &dw2t}) m->resize(static_cast<std::size_t>(d) * h);
    ln_scratch.resize(d);
    pair_x.resize(3 * K);
    pair_g.resize(3 * K);
    rows_q.resize(K);
    rows_k.resize(K);
  }
};

template <typename T>
TTT_INLINE void broadcast_rows(RowBuffer<T>& z, const T* b, int n) {
  for (int i = 0; i < n; ++i) std::copy(b, b + z.width, z.row(i));
}

template <typename T>
TTT_INLINE void point_rows(const HeadIo<T>& io, Work<T>& ws, int t0, int K) {
  for (int i = 0; i < K; ++i) {
    ws.rows_q[i] = io.xq + (t0 + i) * io.sq;
    ws.rows_k[i] = io.xk + (t0 + i) * io.sk;
  }
}

// The inner-loop gradients of the mini-batch at t0 (rows already pointed) at the slot's state:
//   Z1 = X·W1 + b1,  X2 = gelu(Z1),  S = gelu'(Z1),  Z2 = X2·W2 + b2,  G2 = LNL2(Z2),  P = G2·W2ᵀ,  G1 = P ⊙ S
// keeping x̂, σ and gx̂ of the LN+L2 gradient for its backward. Uses ws.w2t as scratch for W2ᵀ.
template <typename T>
TTT_INLINE void inner_gradients(const HeadIo<T>& io, const Dims& dm, Work<T>& ws, Slot<T>& sl, int t0) {
  const int d = dm.d, h = dm.h, K = dm.K;
  broadcast_rows(sl.z1, sl.st.b1, K);
  product(sl.z1.ptr(), ws.rows_k.data(), K, sl.st.w1, d, h);
  for (int i = 0; i < K; ++i) {
    const T* z = sl.z1.row(i);
    T* x2 = sl.x2.row(i);
    T* s = sl.s1.row(i);
#pragma omp simd
    for (int c = 0; c < h; ++c) {
      x2[c] = gelu(z[c]);
      s[c] = gelu_grad_ref(z[c]);
    }
  }
  broadcast_rows(sl.xhat2, sl.st.b2, K);
  product(sl.xhat2.ptr(), sl.x2.ptrs(), K, sl.st.w2, h, d);

  // G2 = LN+L2 gradient at Z2: with x̂ = (Z2 − μ)/σ and gx̂ = (γ x̂ + β − (v − x)) γ,
  //   G2 = (gx̂ − mean gx̂ − x̂ mean(gx̂ x̂)) / σ        (x̂ overwrites Z2 in xhat2)
  for (int j = 0; j < K; ++j)
    sl.sigma2[j] = ln_l2_grad_keep(sl.xhat2.row(j), io.xv + (t0 + j) * io.sv, ws.rows_k[j], io.gamma, io.beta,
                                   sl.gxh2.row(j), sl.g2.row(j), d);

  transpose(ws.w2t.data(), sl.st.w2, h, d);
  sl.p.zero();
  product(sl.p.ptr(), sl.g2.ptrs(), K, ws.w2t.data(), d, h);
  for (int i = 0; i < K; ++i) {
    const T* p = sl.p.row(i);
    const T* s = sl.s1.row(i);
    T* g = sl.g1.row(i);
#pragma omp simd
    for (int c = 0; c < h; ++c) g[c] = p[c] * s[c];
  }
}

// The dual form's outputs of the mini-batch (rows already pointed) from the slot's state and gradients:
//   Z̄1 = Q·W1 + b1 − M1·G1,  M1[i,j] = tok_i lr_j (a1_ij + 1),  a1_ij = q_i·x_j    (j ≤ i)
//   X̄2 = gelu(Z̄1)
//   Z̄2 = X̄2·W2 + b2 − M2·G2,  M2[i,j] = tok_i lr_j (a2_ij + 1),  a2_ij = x̄2_i·x2_j
// into ws.zbar1, ws.x2bar, ws.zbar2, with the scores a1, a2 in ws.attn1, ws.attn2.
template <typename T>
TTT_INLINE void dual_outputs(const HeadIo<T>& io, const Dims& dm, Work<T>& ws, const Slot<T>& sl, const T* lr) {
  const int d = dm.d, h = dm.h, K = dm.K;
  broadcast_rows(ws.zbar1, sl.st.b1, K);
  product(ws.zbar1.ptr(), ws.rows_q.data(), K, sl.st.w1, d, h);
  for (int i = 0; i < K; ++i) {
    T* zi = ws.zbar1.row(i);
    for (int j = 0; j <= i; ++j) {
      const T a = dot(ws.rows_q[i], ws.rows_k[j], d);
      ws.attn1[i * K + j] = a;
      axpy(zi, sl.g1.row(j), -io.tok[i] * lr[j * io.lr_stride] * (a + T(1)), h);
    }
  }
  for (int i = 0; i < K; ++i) {
    const T* z = ws.zbar1.row(i);
    T* xb = ws.x2bar.row(i);
#pragma omp simd
    for (int c = 0; c < h; ++c) xb[c] = gelu(z[c]);
  }
  broadcast_rows(ws.zbar2, sl.st.b2, K);
  product(ws.zbar2.ptr(), ws.x2bar.ptrs(), K, sl.st.w2, h, d);
  for (int i = 0; i < K; ++i) {
    T* zi = ws.zbar2.row(i);
    for (int j = 0; j <= i; ++j) {
      const T a = dot(ws.x2bar.row(i), sl.x2.row(j), h);
      ws.attn2[i * K + j] = a;
      axpy(zi, sl.g2.row(j), -io.tok[i] * lr[j * io.lr_stride] * (a + T(1)), d);
    }
  }
}

// The end-of-mini-batch step, in place on (w1, b1, w2, b2):
//   W1 −= tok_K Xᵀ·diag(lr)·G1, b1 −= tok_K Σ_j lr_j g1_j, W2 −= tok_K X2ᵀ·diag(lr)·G2, b2 −= tok_K Σ_j lr_j g2_j
// with the coefficients −tok_K lr_j folded into G1's and G2's rows first (ws.scaled_h, ws.scaled_d).
template <typename T>
TTT_INLINE void step_state(const HeadIo<T>& io, const Dims& dm, Work<T>& ws, const Slot<T>& sl, const T* lr, T* w1,
                           T* b1, T* w2, T* b2) {
  const int K = dm.K, d = dm.d, h = dm.h;
  const T tok_last = io.tok[K - 1];
  for (int j = 0; j < K; ++j) {
    const T c = -tok_last * lr[j * io.lr_stride];
    const T* g1 = sl.g1.row(j);
    const T* g2 = sl.g2.row(j);
    T* g1s = ws.scaled_h.row(j);
    T* g2s = ws.scaled_d.row(j);
    for (int e = 0; e < h; ++e) g1s[e] = c * g1[e];
    for (int e = 0; e < d; ++e) g2s[e] = c * g2[e];
  }
  add_outer_products(w1, ws.rows_k.data(), ws.scaled_h.ptrs(), K, d, h);
  add_rows(b1, ws.scaled_h.ptrs(), K, h);
  add_outer_products(w2, sl.x2.ptrs(), ws.scaled_d.ptrs(), K, h, d);
  add_rows(b2, ws.scaled_d.ptrs(), K, d);
}

template <typename T>
TTT_INLINE void forward_head(const HeadIo<T>& io, const Dims& dm, Work<T>& ws) {
  const int d = dm.d, h = dm.h, K = dm.K;
  const std::ptrdiff_t dh = static_cast<std::ptrdiff_t>(d) * h;
  Slot<T>& sl = ws.slots[0];
  sl.st = State<T>{io.w1, io.b1, io.w2, io.b2};
  for (int mb = 0; mb < dm.n_mb; ++mb) {
    const int t0 = mb * K;
    if (mb % dm.group == 0) {
      const std::ptrdiff_t c = mb / dm.group;
      std::copy(io.w1, io.w1 + dh, io.w1_ckpt + c * dh);
      std::copy(io.b1, io.b1 + h, io.b1_ckpt + c * h);
      std::copy(io.w2, io.w2 + dh, io.w2_ckpt + c * dh);
      std::copy(io.b2, io.b2 + d, io.b2_ckpt + c * d);
    }
    const T* lr = io.lr + t0 * io.lr_stride;
    point_rows(io, ws, t0, K);
    inner_gradients(io, dm, ws, sl, t0);
    dual_outputs(io, dm, ws, sl, lr);
    for (int i = 0; i < K; ++i) {  // out = Q + γ⊙LN(Z̄2) + β
      const T* z = ws.zbar2.row(i);
      const T* q = ws.rows_q[i];
      T* o = io.out + (t0 + i) * io.out_stride;
      T mu, rstd, stdv;
      mean_rstd(z, d, mu, rstd, stdv);
      for (int c = 0; c < d; ++c) o[c] = q[c] + io.gamma[c] * ((z[c] - mu) * rstd) + io.beta[c];
    }
    step_state(io, dm, ws, sl, lr, io.w1, io.b1, io.w2, io.b2);
  }
}

// Backward of mini-batch `mb`, whose start state and inner gradients are in `sl`; io.dw1/db1/dw2/db2 hold
// ∂L/∂(end-of-mini-batch state) on entry and ∂L/∂(its start state) on exit.
template <typename T>
TTT_INLINE void backward_mini_batch(const HeadIo<T>& io, const Dims& dm, Work<T>& ws, const Slot<T>& sl, int mb) {
  const int d = dm.d, h = dm.h, K = dm.K, t0 = mb * K;
  const State<T>& st = sl.st;
  const T* lr = io.lr + t0 * io.lr_stride;
  T* dlr = io.dlr + t0;
  T* dq = io.dxq + static_cast<std::ptrdiff_t>(t0) * d;  // this mini-batch's K × d block of ∂L/∂XQ
  T* dk = io.dxk + static_cast<std::ptrdiff_t>(t0) * d;
  auto dq_row = [&](int i) { return dq + static_cast<std::ptrdiff_t>(i) * d; };
  auto dk_row = [&](int i) { return dk + static_cast<std::ptrdiff_t>(i) * d; };
  auto lr_at = [&](int j) { return lr[j * io.lr_stride]; };
  const T tok_last = io.tok[K - 1];

  // Recompute the rest of this mini-batch's forward (its inner gradients are in the slot).
  point_rows(io, ws, t0, K);
  dual_outputs(io, dm, ws, sl, lr);
  transpose(ws.w1t.data(), st.w1, d, h);
  transpose(ws.w2t.data(), st.w2, h, d);
  transpose(ws.dw1t.data(), io.dw1, d, h);
  transpose(ws.dw2t.data(), io.dw2, h, d);

  // State update, while io.dw*/db* still hold ∂L/∂(W1', b1', W2', b2') (they also pass through unchanged:
  // W' = W − …, so ∂L/∂W starts as ∂L/∂W'; every other term of ∂L/∂W is added at the end, in one pass per
  // layer). For a layer with input rows x_j and gradients g_j:
  //   W' = W − tok_K Σ_j lr_j x_jᵀ g_j,  b' = b − tok_K Σ_j lr_j g_j;  u_j = x_j·dW' + db',  s_j = u_j·g_j
  //   ∂L/∂lr_j −= tok_K s_j,  ∂L/∂tok_K −= Σ_j lr_j s_j
  //   ∂L/∂g_j = −tok_K lr_j u_j,  ∂L/∂x_j −= tok_K lr_j · g_j·dW'ᵀ
  // Layer 1 (x = XK, g = G1) starts dG1 and adds to dXK; layer 2 (x = X2, g = G2) starts dG2 and dX2.
  T dtok_last = 0;
  broadcast_rows(ws.dg1, io.db1, K);
  product(ws.dg1.ptr(), ws.rows_k.data(), K, io.dw1, d, h);  // u1
  broadcast_rows(ws.dg2, io.db2, K);
  product(ws.dg2.ptr(), sl.x2.ptrs(), K, io.dw2, h, d);  // u2
  for (int j = 0; j < K; ++j) {
    const T s = dot(ws.dg1.row(j), sl.g1.row(j), h) + dot(ws.dg2.row(j), sl.g2.row(j), d);
    const T c = -tok_last * lr_at(j);
    dlr[j] -= tok_last * s;
    dtok_last -= lr_at(j) * s;
    T* u1 = ws.dg1.row(j);
    T* u2 = ws.dg2.row(j);
    for (int e = 0; e < h; ++e) u1[e] *= c;
    for (int e = 0; e < d; ++e) u2[e] *= c;
    T* g1s = ws.scaled_h.row(j);
    const T* g1 = sl.g1.row(j);
    for (int e = 0; e < h; ++e) g1s[e] = c * g1[e];
    T* g2s = ws.scaled_d.row(j);
    const T* g2 = sl.g2.row(j);
    for (int e = 0; e < d; ++e) g2s[e] = c * g2[e];
  }
  io.dtok[K - 1] += dtok_last;
  product(dk, ws.scaled_h.ptrs(), K, ws.dw1t.data(), h, d);  // dXK_j += (−tok_K lr_j g1_j)·dW1'ᵀ
  ws.dx2.zero();
  product(ws.dx2.ptr(), ws.scaled_d.ptrs(), K, ws.dw2t.data(), d, h);  // dX2_j = (−tok_K lr_j g2_j)·dW2'ᵀ

  // out = Q + γ⊙LN(Z̄2) + β  →  dQ, dγ, dβ, and with x̂ = LN(Z̄2), g = dout⊙γ:
  //   dZ̄2 = (g − mean g − x̂ mean(g x̂)) / σ
  for (int i = 0; i < K; ++i) {
    output_ln_backward_row(ws.zbar2.row(i), io.gout + (t0 + i) * io.gout_stride, io.gamma, dq_row(i), io.dgamma,
                           io.dbeta, ws.dzbar2.row(i), d);
  }

  // Z̄2 = X̄2·W2 + b2 − M2·G2, M2[i,j] = tok_i lr_j (a2_ij + 1), a2_ij = x̄2_i·x2_j:
  //   dX̄2 = dZ̄2·W2ᵀ + Σ_j da2_ij x2_j,  dW2 += X̄2ᵀ dZ̄2,  db2 += Σ_i dZ̄2_i  (dW2, db2: at the end)
  //   dM2_ij = −dZ̄2_i·g2_j;  dtok_i += Σ_j dM2_ij lr_j (a2_ij + 1);  dlr_j += Σ_i dM2_ij tok_i (a2_ij + 1)
  //   da2_ij = dM2_ij tok_i lr_j → dX2_j += Σ_i da2_ij x̄2_i;  dG2_j −= Σ_i M2_ij dZ̄2_i
  ws.dx2bar.zero();
  product(ws.dx2bar.ptr(), ws.dzbar2.ptrs(), K, ws.w2t.data(), d, h);
  for (int i = 0; i < K; ++i) {
    const T* dz = ws.dzbar2.row(i);
    const T tok_i = io.tok[i];
    T dtok_i = 0;
    for (int j = 0; j <= i; ++j) {
      const T lr_j = lr_at(j);
      const T c = ws.attn2[i * K + j] + T(1);
      const T dm = -dot(dz, sl.g2.row(j), d);
      dtok_i += dm * lr_j * c;
      dlr[j] += dm * tok_i * c;
      const T da = dm * tok_i * lr_j;
      axpy(ws.dx2bar.row(i), sl.x2.row(j), da, h);
      axpy(ws.dx2.row(j), ws.x2bar.row(i), da, h);
      axpy(ws.dg2.row(j), dz, -tok_i * lr_j * c, d);
    }
    io.dtok[i] += dtok_i;
  }

  // X̄2 = gelu(Z̄1)  →  dZ̄1 = dX̄2 ⊙ gelu'(Z̄1)  (in dx2bar).
  for (int i = 0; i < K; ++i) {
    T* dz = ws.dx2bar.row(i);
    const T* z = ws.zbar1.row(i);
#pragma omp simd
    for (int c = 0; c < h; ++c) dz[c] *= gelu_prime(z[c]);
  }

  // Z̄1 = Q·W1 + b1 − M1·G1, M1[i,j] = tok_i lr_j (a1_ij + 1), a1_ij = q_i·x_j:
  //   dQ += dZ̄1·W1ᵀ + Σ_j da1_ij x_j,  dXK_j += Σ_i da1_ij q_i,  dW1 += Qᵀ dZ̄1,  db1 += Σ_i dZ̄1_i  (at the end)
  //   dM1_ij = −dZ̄1_i·g1_j (→ dtok, dlr as above);  dG1_j −= Σ_i M1_ij dZ̄1_i
  const RowBuffer<T>& dzbar1 = ws.dx2bar;
  product(dq, dzbar1.ptrs(), K, ws.w1t.data(), h, d);
  for (int i = 0; i < K; ++i) {
    const T* dz = dzbar1.row(i);
    const T tok_i = io.tok[i];
    T dtok_i = 0;
    for (int j = 0; j <= i; ++j) {
      const T lr_j = lr_at(j);
      const T c = ws.attn1[i * K + j] + T(1);
      const T dm = -dot(dz, sl.g1.row(j), h);
      dtok_i += dm * lr_j * c;
      dlr[j] += dm * tok_i * c;
      const T da = dm * tok_i * lr_j;
      axpy(dq_row(i), ws.rows_k[j], da, d);
      axpy(dk_row(j), ws.rows_q[i], da, d);
      axpy(ws.dg1.row(j), dz, -tok_i * lr_j * c, h);
    }
    io.dtok[i] += dtok_i;
  }

  // G1 = P ⊙ S(Z1), P = G2·W2ᵀ:
  //   dP = dG1 ⊙ S,  dZ1 = dG1 ⊙ P ⊙ S'(Z1)  (gelu'' path),  dG2 += dP·W2,  dW2 += dPᵀ G2  (at the end)
  for (int i = 0; i < K; ++i) {
    const T* dg = ws.dg1.row(i);
    const T* s = sl.s1.row(i);
    const T* p = sl.p.row(i);
    const T* z = sl.z1.row(i);
    T* dp = ws.dp.row(i);
    T* dz = ws.dz1.row(i);
#pragma omp simd
    for (int c = 0; c < h; ++c) {
      dp[c] = dg[c] * s[c];
      dz[c] = dg[c] * p[c] * gelu_grad_ref_prime(z[c]);
    }
  }
  product(ws.dg2.ptr(), ws.dp.ptrs(), K, st.w2, h, d);

  // G2 = LNL2(Z2): back-propagate dG2_j to Z2_j, γ, β and the target v − x (formulas at ln_l2_grad_backward).
  for (int j = 0; j < K; ++j)
    ln_l2_grad_backward(ws.dg2.row(j), sl.xhat2.row(j), sl.gxh2.row(j), sl.g2.row(j), sl.sigma2[j],
                        io.xv + (t0 + j) * io.sv, ws.rows_k[j], io.gamma, io.beta, io.dgamma, io.dbeta,
                        io.dxv + static_cast<std::ptrdiff_t>(t0 + j) * d, dk_row(j), ws.ln_scratch.data(), d);

  // Z2 = X2·W2 + b2  →  dX2 += dZ2·W2ᵀ,  dW2 += X2ᵀ dZ2,  db2 += Σ_j dZ2_j  (dW2, db2 just below).
  const RowBuffer<T>& dz2 = ws.dg2;
  product(ws.dx2.ptr(), dz2.ptrs(), K, ws.w2t.data(), d, h);

  // ∂L/∂W2 += X̄2ᵀ dZ̄2 + dPᵀ G2 + X2ᵀ dZ2 (from Z̄2, P and Z2 above) in one pass; ∂L/∂b2 += Σ_i dZ̄2_i + Σ_j dZ2_j.
  std::copy(ws.x2bar.rows.begin(), ws.x2bar.rows.end(), ws.pair_x.begin());
  std::copy(ws.dp.rows.begin(), ws.dp.rows.end(), ws.pair_x.begin() + K);
  std::copy(sl.x2.rows.begin(), sl.x2.rows.end(), ws.pair_x.begin() + 2 * K);
  std::copy(ws.dzbar2.rows.begin(), ws.dzbar2.rows.end(), ws.pair_g.begin());
  std::copy(sl.g2.rows.begin(), sl.g2.rows.end(), ws.pair_g.begin() + K);
  std::copy(dz2.rows.begin(), dz2.rows.end(), ws.pair_g.begin() + 2 * K);
  add_outer_products(io.dw2, ws.pair_x.data(), ws.pair_g.data(), 3 * K, h, d);
  add_rows(io.db2, ws.dzbar2.ptrs(), K, d);
  add_rows(io.db2, dz2.ptrs(), K, d);

  // X2 = gelu(Z1)  →  dZ1 += dX2 ⊙ gelu'(Z1).
  for (int j = 0; j < K; ++j) {
    T* dz = ws.dz1.row(j);
    const T* dx = ws.dx2.row(j);
    const T* z = sl.z1.row(j);
#pragma omp simd
    for (int c = 0; c < h; ++c) dz[c] += dx[c] * gelu_prime(z[c]);
  }

  // Z1 = X·W1 + b1  →  dXK += dZ1·W1ᵀ,  dW1 += Xᵀ dZ1,  db1 += Σ_j dZ1_j.
  product(dk, ws.dz1.ptrs(), K, ws.w1t.data(), h, d);

  // ∂L/∂W1 += Qᵀ dZ̄1 + Xᵀ dZ1 (from Z̄1 and Z1) in one pass; ∂L/∂b1 += Σ_i dZ̄1_i + Σ_j dZ1_j.
  std::copy(ws.rows_q.begin(), ws.rows_q.end(), ws.pair_x.begin());
  std::copy(ws.rows_k.begin(), ws.rows_k.end(), ws.pair_x.begin() + K);
  std::copy(dzbar1.rows.begin(), dzbar1.rows.end(), ws.pair_g.begin());
  std::copy(ws.dz1.rows.begin(), ws.dz1.rows.end(), ws.pair_g.begin() + K);
  add_outer_products(io.dw1, ws.pair_x.data(), ws.pair_g.data(), 2 * K, d, h);
  add_rows(io.db1, dzbar1.ptrs(), K, h);
  add_rows(io.db1, ws.dz1.ptrs(), K, h);
}

// Walks the checkpoint groups in reverse. A group is replayed forward from its checkpoint (slot m gets mini-batch
// m's start state and inner gradients, slot m + 1's state is slot m's after its step), then back-propagated
// mini-batch by mini-batch in reverse.
template <typename T>
TTT_INLINE void backward_head(const HeadIo<T>& io, const Dims& dm, Work<T>& ws) {
  const int d = dm.d, h = dm.h, K = dm.K;
  const std::ptrdiff_t dh = static_cast<std::ptrdiff_t>(d) * h;
  const int n_groups = (dm.n_mb + dm.group - 1) / dm.group;
  for (int grp = n_groups - 1; grp >= 0; --grp) {
    const int mb0 = grp * dm.group, n = std::min(dm.group, dm.n_mb - mb0);
    ws.slots[0].st = State<T>{io.w1_ckpt + grp * dh, io.b1_ckpt + static_cast<std::ptrdiff_t>(grp) * h,
                              io.w2_ckpt + grp * dh, io.b2_ckpt + static_cast<std::ptrdiff_t>(grp) * d};
    for (int m = 0; m < n; ++m) {
      Slot<T>& sl = ws.slots[m];
      const int t0 = (mb0 + m) * K;
      point_rows(io, ws, t0, K);
      inner_gradients(io, dm, ws, sl, t0);
      if (m + 1 == n) break;
      Slot<T>& next = ws.slots[m + 1];
      T* w = next.use_own_state(dm);
      std::copy(sl.st.w1, sl.st.w1 + dh, w);
      std::copy(sl.st.b1, sl.st.b1 + h, w + dh);
      std::copy(sl.st.w2, sl.st.w2 + dh, w + dh + h);
      std::copy(sl.st.b2, sl.st.b2 + d, w + 2 * dh + h);
      step_state(io, dm, ws, sl, io.lr + t0 * io.lr_stride, w, w + dh, w + dh + h, w + 2 * dh + h);
    }
    for (int m = n - 1; m >= 0; --m) backward_mini_batch(io, dm, ws, ws.slots[m], mb0 + m);
  }
}

template <typename T>
using HeadFn = void (*)(const HeadIo<T>&, const Dims&, Work<T>&);

template <typename T>
HeadFn<T> pick(bool backward) {
  using Signature = void(const HeadIo<T>&, const Dims&, Work<T>&);
  return backward ? IsaClones<Signature, &backward_head<T>>::pick() : IsaClones<Signature, &forward_head<T>>::pick();
}

scan::SharedInputs shared(const MlpScanInputs& in) {
  return {in.xq, in.xk, in.xv, in.lr_eta, in.token_eta, in.ln_weight, in.ln_bias};
}

void check(const MlpScanInputs& in) {
  scan::check_shared_inputs("[ttt_mlp_scan]", shared(in), {&in.w1, &in.b1, &in.w2, &in.b2});
  const auto B = in.xq.size(0), H = in.xq.size(1), d = in.xq.size(3);
  const auto h = in.w1.dim() == 4 ? in.w1.size(3) : 0;
  TTT_CHECK(h > 0 && in.w1.sizes() == torch::IntArrayRef({B, H, d, h}) &&
                in.b1.sizes() == torch::IntArrayRef({B, H, 1, h}) &&
                in.w2.sizes() == torch::IntArrayRef({B, H, h, d}) && in.b2.sizes() == torch::IntArrayRef({B, H, 1, d}),
            "[ttt_mlp_scan] state W1 ", shape_str(in.w1), " b1 ", shape_str(in.b1), " W2 ", shape_str(in.w2), " b2 ",
            shape_str(in.b2), " must be [", B, ",", H, ",", d, ",h], [", B, ",", H, ",1,h], [", B, ",", H, ",h,", d,
            "], [", B, ",", H, ",1,", d, "] for xq ", shape_str(in.xq));
  TTT_CHECK(in.checkpoint_group >= 1, "[ttt_mlp_scan] checkpoint_group must be at least 1, got ", in.checkpoint_group);
}

using scan::ptr;

Dims dims(const MlpScanInputs& in) {
  const auto K = in.token_eta.size(0), n_mb = in.xq.size(2) / K;
  return Dims{static_cast<int>(in.xq.size(3)), static_cast<int>(in.w1.size(3)), static_cast<int>(K),
              static_cast<int>(n_mb), static_cast<int>(std::min(in.checkpoint_group, std::max<std::int64_t>(n_mb, 1)))};
}

int checkpoint_count(const Dims& dm) { return (dm.n_mb + dm.group - 1) / dm.group; }

// The per-(b, h) input pointers shared by forward and backward.
template <typename T>
HeadIo<T> head_inputs(const MlpScanInputs& in, const torch::Tensor& tok, const torch::Tensor& gamma,
                      const torch::Tensor& beta, const MlpScanForward& ckpt, std::int64_t b, std::int64_t h) {
  const auto H = in.xq.size(1), d = in.xq.size(3), hid = in.w1.size(3), n_ckpt = ckpt.w1_checkpoints.size(2);
  const auto bh = b * H + h;
  HeadIo<T> io{};
  scan::point_shared_inputs<T>(io, shared(in), tok, gamma, beta, b, h);
  io.w1_ckpt = ptr<T>(ckpt.w1_checkpoints) + bh * n_ckpt * d * hid;
  io.b1_ckpt = ptr<T>(ckpt.b1_checkpoints) + bh * n_ckpt * hid;
  io.w2_ckpt = ptr<T>(ckpt.w2_checkpoints) + bh * n_ckpt * d * hid;
  io.b2_ckpt = ptr<T>(ckpt.b2_checkpoints) + bh * n_ckpt * d;
  return io;
}

template <typename T>
MlpScanForward forward(const MlpScanInputs& in) {
  const auto B = in.xq.size(0), H = in.xq.size(1), L = in.xq.size(2), d = in.xq.size(3), hid = in.w1.size(3);
  const Dims dm = dims(in);
  const auto tok = in.token_eta.contiguous(), gamma = in.ln_weight.contiguous(), beta = in.ln_bias.contiguous();
  const auto opts = in.xq.options();
  const std::int64_t n_ckpt = checkpoint_count(dm);
  MlpScanForward f;
  f.out = torch::empty({B, L, H, d}, opts);
  f.w1 = in.w1.contiguous().clone();
  f.b1 = in.b1.contiguous().clone();
  f.w2 = in.w2.contiguous().clone();
  f.b2 = in.b2.contiguous().clone();
  f.w1_checkpoints = torch::empty({B, H, n_ckpt, d, hid}, opts);
  f.b1_checkpoints = torch::empty({B, H, n_ckpt, hid}, opts);
  f.w2_checkpoints = torch::empty({B, H, n_ckpt, hid, d}, opts);
  f.b2_checkpoints = torch::empty({B, H, n_ckpt, d}, opts);
  const HeadFn<T> kernel = pick<T>(false);
  at::parallel_for(0, B * H, 1, [&](std::int64_t begin, std::int64_t end) {
    Work<T> ws(dm, 1);
    for (auto bh = begin; bh < end; ++bh) {
      const auto b = bh / H, h = bh % H;
      auto io = head_inputs<T>(in, tok, gamma, beta, f, b, h);
      io.out = ptr<T>(f.out) + (b * L * H + h) * d;
      io.out_stride = H * d;
      io.w1 = ptr<T>(f.w1) + bh * d * hid;
      io.b1 = ptr<T>(f.b1) + bh * hid;
      io.w2 = ptr<T>(f.w2) + bh * d * hid;
      io.b2 = ptr<T>(f.b2) + bh * d;
      kernel(io, dm, ws);
    }
  });
  return f;
}

// ∂L/∂(end state) as a contiguous tensor the backward accumulates into (zero where none arrived).
torch::Tensor end_state_grad(const torch::Tensor& g, const torch::Tensor& like) {
  TTT_CHECK(!g.defined() || g.sizes() == like.sizes(), "[ttt_mlp_scan] grad of the end state ", shape_str(g),
            " must be ", shape_str(like));
  return g.defined() ? g.to(like.scalar_type()).contiguous().clone() : torch::zeros(like.sizes(), like.options());
}

template <typename T>
MlpScanGrads backward(const MlpScanInputs& in, const MlpScanForward& saved, const torch::Tensor& grad_out,
                      const MlpStateGrads& grad_end) {
  const auto B = in.xq.size(0), H = in.xq.size(1), L = in.xq.size(2), d = in.xq.size(3);
  const auto hid = in.w1.size(3);
  const Dims dm = dims(in);
  TTT_CHECK(grad_out.sizes() == torch::IntArrayRef({B, L, H, d}), "[ttt_mlp_scan] grad of out ", shape_str(grad_out),
            " must be [", B, ",", L, ",", H, ",", d, "]");
  const std::int64_t n_ckpt = checkpoint_count(dm);
  TTT_CHECK(saved.w1_checkpoints.defined() &&
                saved.w1_checkpoints.sizes() == torch::IntArrayRef({B, H, n_ckpt, d, hid}) &&
                saved.b1_checkpoints.defined() && saved.w2_checkpoints.defined() && saved.b2_checkpoints.defined(),
            "[ttt_mlp_scan] saved checkpoints ", shape_str(saved.w1_checkpoints), " do not match ", dm.n_mb,
            " mini-batches in groups of ", dm.group);
  const auto tok = in.token_eta.contiguous(), gamma = in.ln_weight.contiguous(), beta = in.ln_bias.contiguous();
  const auto gout = grad_out.to(in.xq.scalar_type()).contiguous();
  const scan::SharedInputGrads shared_grads = scan::zero_shared_input_grads(shared(in));
  MlpScanGrads g;
  g.w1 = end_state_grad(grad_end.w1, in.w1);
  g.b1 = end_state_grad(grad_end.b1, in.b1);
  g.w2 = end_state_grad(grad_end.w2, in.w2);
  g.b2 = end_state_grad(grad_end.b2, in.b2);
  const HeadFn<T> kernel = pick<T>(true);
  at::parallel_for(0, B * H, 1, [&](std::int64_t begin, std::int64_t end) {
    Work<T> ws(dm, dm.group);
    for (auto bh = begin; bh < end; ++bh) {
      const auto b = bh / H, h = bh % H;
      auto io = head_inputs<T>(in, tok, gamma, beta, saved, b, h);
      scan::point_shared_input_grads<T>(io, shared_grads, gout, b, h);
      io.dw1 = ptr<T>(g.w1) + bh * d * hid;
      io.db1 = ptr<T>(g.b1) + bh * hid;
      io.dw2 = ptr<T>(g.w2) + bh * d * hid;
      io.db2 = ptr<T>(g.b2) + bh * d;
      kernel(io, dm, ws);
    }
  });
  scan::finish_shared_input_grads(shared_grads, g);
  return g;
}

}  // namespace

MlpScanForward ttt_mlp_scan_forward(const MlpScanInputs& in) {
  check(in);
  if (in.xq.scalar_type() == torch::kDouble) return forward<double>(in);
  return forward<float>(in);
}

MlpScanGrads ttt_mlp_scan_backward(const MlpScanInputs& in, const MlpScanForward& saved, const torch::Tensor& grad_out,
                                   const MlpStateGrads& grad_end_state) {
  check(in);
  const auto gout = scan::output_grad_or_zeros(grad_out, in.xq);
  if (in.xq.scalar_type() == torch::kDouble) return backward<double>(in, saved, gout, grad_end_state);
  return backward<float>(in, saved, gout, grad_end_state);
}

}  // namespace ttt::kernels::cpu
