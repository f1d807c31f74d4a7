#include "ttt/nn/mamba.h"

#include <cmath>

#include "ttt/ops/selective_scan.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::nn {

MambaMixerImpl::MambaMixerImpl(const MambaOptions& o) : options_(o) {
  TTT_CHECK(o.hidden_size > 0 && o.expand > 0 && o.state_size > 0 && o.conv_kernel > 0 && o.dt_rank > 0 &&
                o.num_layers > 0,
            "[mamba] sizes must be positive");
  TTT_CHECK(o.dt_min > 0 && o.dt_min <= o.dt_max, "[mamba] need 0 < dt_min ≤ dt_max");
  set_scan_chunk(o.scan_chunk);
  const auto c = o.hidden_size, e = o.expand * c, n = o.state_size, r = o.dt_rank;
  auto linear = [&](const char* name, std::int64_t in, std::int64_t out, bool bias) {
    return register_module(name, torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias)));
  };
  in_proj = linear("in_proj", c, 2 * e, false);
  conv1d = register_module("conv1d", CausalConv(e, o.conv_kernel));  // PyTorch's Conv1d init, as the reference
  x_proj = linear("x_proj", e, r + 2 * n, false);
  dt_proj = linear("dt_proj", r, e, true);
  out_proj = linear("out_proj", e, c, false);
  init_normal(in_proj, o.init_std);
  init_normal(x_proj, o.init_std);
  init_normal(out_proj, o.init_std / std::sqrt(static_cast<double>(o.num_layers)));

  torch::NoGradGuard no_grad;
  // dt_proj keeps Δ's variance at init: weight ~ U(±rank^−½); the bias is softplus⁻¹ of a step size drawn
  // log-uniformly in [dt_min, dt_max], so Δ starts in that range whatever the input.
  const double dt_std = 1.0 / std::sqrt(static_cast<double>(r));
  dt_proj->weight.uniform_(-dt_std, dt_std);
  auto dt = torch::exp(torch::rand({e}) * (std::log(o.dt_max) - std::log(o.dt_min)) + std::log(o.dt_min))
                .clamp_min(o.dt_init_floor);
  dt_proj->bias.copy_(dt + torch::log(-torch::expm1(-dt)));  // softplus⁻¹(dt) = dt + log(1 − e^−dt)
  // S4D-real: A = −(1, 2, ..., N) for every channel, stored as log to keep A negative while training.
  A_log = register_parameter("A_log", torch::log(torch::arange(1, n + 1, torch::kFloat)).repeat({e, 1}));
  D = register_parameter("D", torch::ones({e}));
}

void MambaMixerImpl::set_scan_chunk(std::int64_t chunk) {
  TTT_CHECK(chunk >= 1, "[mamba] scan chunk must be positive, got ", chunk);
  options_.scan_chunk = chunk;
}

torch::Tensor MambaMixerImpl::forward(const torch::Tensor& x, LayerCache* cache) {
  const auto c = options_.hidden_size, n = options_.state_size, r = options_.dt_rank;
  TTT_CHECK(x.dim() == 3 && x.size(2) == c, "[mamba] expected [B, T, ", c, "], got ", shape_str(x));
  auto xz = apply_linear(in_proj, x).chunk(2, -1);
  auto u = xz[0], z = xz[1];  // [B,T,E] each: the scan's branch and the gate's
  if (cache) {
    auto conv = conv1d(u, cache->mamba_conv_history);
    cache->mamba_conv_history = conv1d->next_history(cache->mamba_conv_history, u);
    u = torch::silu(conv);
  } else {
    u = torch::silu(conv1d(u));
  }
  auto dbc = apply_linear(x_proj, u);  // [B,T,r+2N]
  ops::ScanInputs in;
  in.u = u;
  in.delta = torch::softplus(apply_linear(dt_proj, dbc.narrow(-1, 0, r)));
  in.A = -torch::exp(A_log);
  in.B = dbc.narrow(-1, r, n);
  in.C = dbc.narrow(-1, r + n, n);
  in.D = D;
  torch::Tensor state = cache ? cache->ssm_state : torch::Tensor();
  auto y = sequential_ ? ops::selective_scan_sequential(in, state)
                       : ops::selective_scan_chunked(in, state, options_.scan_chunk);
  if (cache) cache->ssm_state = state;
  return apply_linear(out_proj, y * torch::silu(z));
}

}  // namespace ttt::nn
