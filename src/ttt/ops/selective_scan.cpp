#include "ttt/ops/selective_scan.h"

#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::ops {
namespace {

void check_inputs(const ScanInputs& in, const torch::Tensor& state) {
  TTT_CHECK(in.u.defined() && in.u.dim() == 3, "[selective_scan] u must be [B, L, D], got ", shape_str(in.u));
  const auto b = in.u.size(0), l = in.u.size(1), d = in.u.size(2);
  TTT_CHECK(in.delta.sizes() == in.u.sizes(), "[selective_scan] delta ", shape_str(in.delta),
            " must have the shape of u ", shape_str(in.u));
  TTT_CHECK(in.A.dim() == 2 && in.A.size(0) == d, "[selective_scan] A must be [", d, ", N], got ", shape_str(in.A));
  const auto n = in.A.size(1);
  for (const auto* t : {&in.B, &in.C})
    TTT_CHECK(t->dim() == 3 && t->size(0) == b && t->size(1) == l && t->size(2) == n, "[selective_scan] B and C must be [",
              b, ", ", l, ", ", n, "], got ", shape_str(*t));
  TTT_CHECK(!in.D.defined() || (in.D.dim() == 1 && in.D.size(0) == d), "[selective_scan] D must be [", d, "], got ",
            shape_str(in.D));
  TTT_CHECK(!state.defined() || (state.dim() == 3 && state.size(0) == b && state.size(1) == d && state.size(2) == n),
            "[selective_scan] state must be [", b, ", ", d, ", ", n, "], got ", shape_str(state));
}

// y_t = h_t · C_t for every token of a block of states: [B,T,D,N] × [B,T,N] → [B,T,D].
torch::Tensor read_out(const torch::Tensor& h, const torch::Tensor& C) {
  return torch::matmul(h, C.unsqueeze(-1)).squeeze(-1);
}

torch::Tensor with_skip(const torch::Tensor& y, const ScanInputs& in) { return in.D.defined() ? y + in.u * in.D : y; }

}  // namespace

torch::Tensor selective_scan_sequential(const ScanInputs& in, torch::Tensor& state) {
  check_inputs(in, state);
  const auto b = in.u.size(0), l = in.u.size(1), d = in.u.size(2), n = in.A.size(1);
  auto h = state.defined() ? state : torch::zeros({b, d, n}, in.u.options());
  std::vector<torch::Tensor> ys;
  for (std::int64_t t = 0; t < l; ++t) {
    auto delta = in.delta.select(1, t).unsqueeze(-1);                                    // [B,D,1]
    auto input = (delta * in.u.select(1, t).unsqueeze(-1)) * in.B.select(1, t).unsqueeze(1);  // [B,D,N]
    h = torch::exp(delta * in.A) * h + input;
    ys.push_back(torch::matmul(h, in.C.select(1, t).unsqueeze(-1)).squeeze(-1));        // [B,D]
  }
  if (l > 0) state = h;
  auto y = l > 0 ? torch::stack(ys, 1) : torch::zeros({b, 0, d}, in.u.options());
  return with_skip(y, in);
}

torch::Tensor selective_scan_chunked(const ScanInputs& in, torch::Tensor& state, std::int64_t chunk) {
  check_inputs(in, state);
  TTT_CHECK(chunk >= 1, "[selective_scan] chunk length must be positive, got ", chunk);
  const auto l = in.u.size(1);
  torch::Tensor h = state;  // undefined: zeros, and the exp(S) ⊙ h_0 term is skipped
  std::vector<torch::Tensor> ys;
  for (std::int64_t start = 0; start < l; start += chunk) {
    const auto k = std::min(chunk, l - start);
    auto delta = in.delta.narrow(1, start, k).unsqueeze(-1);                     // [B,k,D,1]
    auto log_decay_sum = torch::cumsum(delta * in.A, 1);                         // S_t, [B,k,D,N], ≤ 0
    // Zero-start states: x_t = Σ_{s≤t} exp(S_t − S_s) Δ_s u_s B_s, built by doubling windows: before the
    // pass of width w, x_t sums the tokens s ∈ (t−w, t]; adding the window (t−2w, t−w] decayed by
    // exp(S_t − S_{t−w}) doubles it. Out of place, so autograd sees every pass.
    auto x = (delta * in.u.narrow(1, start, k).unsqueeze(-1)) * in.B.narrow(1, start, k).unsqueeze(2);
    for (std::int64_t w = 1; w < k; w *= 2) {
      auto window_decay = torch::exp(log_decay_sum.narrow(1, w, k - w) - log_decay_sum.narrow(1, 0, k - w));
      x = torch::cat({x.narrow(1, 0, w), x.narrow(1, w, k - w) + window_decay * x.narrow(1, 0, k - w)}, 1);
    }
    if (h.defined()) x = x + torch::exp(log_decay_sum) * h.unsqueeze(1);  // the carried state, decayed
    ys.push_back(read_out(x, in.C.narrow(1, start, k)));
    h = x.select(1, k - 1);
  }
  // A copy: the last token's view would keep the chunk's whole [B,k,D,N] block alive in a decode cache.
  if (l > 0) state = h.clone();
  auto y = l > 0 ? torch::cat(ys, 1) : torch::zeros_like(in.u);
  return with_skip(y, in);
}

}  // namespace ttt::ops
