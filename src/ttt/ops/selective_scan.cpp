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

// y = h · C over the state axis: [..., D, N] × [..., N] → [..., D].
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
    ys.push_back(read_out(h, in.C.select(1, t)));  // [B,D]
  }
  if (l > 0) state = h;
  auto y = l > 0 ? torch::stack(ys, 1) : torch::zeros({b, 0, d}, in.u.options());
  return with_skip(y, in);
}

torch::Tensor selective_scan_chunked(const ScanInputs& in, torch::Tensor& state, std::int64_t chunk) {
  check_inputs(in, state);
  TTT_CHECK(chunk >= 1, "[selective_scan] chunk length must be positive, got ", chunk);
  const auto b = in.u.size(0), l = in.u.size(1), d = in.u.size(2), n = in.A.size(1);
  if (l == 0) return torch::zeros_like(in.u);
  const auto q = std::min(chunk, l), chunks = (l + q - 1) / q, padded = chunks * q;
  // Pad the time axis to whole chunks with Δ = 0: decay exp(0) = 1 and input 0, so the state passes
  // through the padding unchanged and the last padded state is the state after token l−1.
  auto chunked = [&](const torch::Tensor& t) {  // [B,L,X] → [B,chunks,q,X]
    auto p = t;
    if (padded != l) p = torch::cat({t, torch::zeros({b, padded - l, t.size(2)}, t.options())}, 1);
    return p.reshape({b, chunks, q, t.size(2)});
  };
  auto delta = chunked(in.delta), B = chunked(in.B), C = chunked(in.C);
  auto delta_u = delta * chunked(in.u);
  // Step t of every chunk at once, on [B,chunks,D,N]: its decay exp(Δ_t A) and input Δ_t u_t B_t.
  auto decay_at = [&](std::int64_t t) { return torch::exp(delta.select(2, t).unsqueeze(-1) * in.A); };
  auto input_at = [&](std::int64_t t) { return delta_u.select(2, t).unsqueeze(-1) * B.select(2, t).unsqueeze(2); };

  torch::Tensor h = state.defined() ? state.unsqueeze(1) : torch::zeros({b, 1, d, n}, in.u.options());
  if (chunks > 1) {  // one chunk (decode steps, short prefills) starts from the state as it is
    // 1. Each chunk's end state from a zero start.
    auto end = input_at(0);
    for (std::int64_t t = 1; t < q; ++t) end = decay_at(t) * end + input_at(t);
    // 2. True start states, one step per chunk. A chunk's total decay is exp(S) with S its sum of Δ⊙A in
    //    log space; A is constant along time, so S = A ⊙ Σ_t Δ_t (≤ 0: the exp never overflows).
    auto chunk_decay = torch::exp(delta.sum(2).unsqueeze(-1) * in.A);  // [B,chunks,D,N]
    std::vector<torch::Tensor> starts{h.select(1, 0)};
    for (std::int64_t c = 0; c + 1 < chunks; ++c)
      starts.push_back(end.select(1, c) + chunk_decay.select(1, c) * starts.back());
    h = torch::stack(starts, 1);
  }
  // 3. Every chunk from its true start, reading y_t = h_t · C_t on the way.
  std::vector<torch::Tensor> ys;
  for (std::int64_t t = 0; t < q; ++t) {
    h = decay_at(t) * h + input_at(t);
    ys.push_back(read_out(h, C.select(2, t)));  // [B,chunks,D]
  }
  auto y = torch::stack(ys, 2).view({b, padded, d}).narrow(1, 0, l);
  state = h.select(1, chunks - 1).clone();  // a copy: a view would keep every chunk's state alive
  return with_skip(y, in);
}

}  // namespace ttt::ops
