#include "ttt/kernels/dispatch.h"

#include <atomic>

#include "ttt/util/error.h"

namespace ttt::kernels {
namespace {
std::atomic<Impl> g_impl{Impl::Fused};
}

void set_impl(Impl impl) { g_impl.store(impl); }
Impl impl() { return g_impl.load(); }

Impl parse_impl(const std::string& name) {
  if (name == "reference") return Impl::Reference;
  if (name == "fused") return Impl::Fused;
  fail("[kernels] unknown implementation '", name, "' (expected reference or fused)");
}

const char* impl_name(Impl impl) { return impl == Impl::Fused ? "fused" : "reference"; }

bool use_fused_inner(ops::InnerModel model, const torch::Tensor& x) {
  if (impl() != Impl::Fused) return false;
  if (torch::GradMode::is_enabled()) return false;
  if (!x.device().is_cpu()) return false;
  if (x.scalar_type() != torch::kFloat && x.scalar_type() != torch::kDouble) return false;
  // TTT-MLP prefill: the per-head loops are not faster than libtorch's batched GEMMs on its d×4d products
  // (docs/results.md "Kernels": 0.8–1.2× on the inner loop at L 2048), so long chunks keep the reference
  // path; decode steps and short chunks, where per-op overhead dominates, are ~2× faster fused.
  constexpr std::int64_t kMlpFusedMaxChunk = 64;
  if (model == ops::InnerModel::MLP) return x.dim() < 2 || x.size(-2) <= kMlpFusedMaxChunk;
  return model == ops::InnerModel::Linear;
}

bool use_fused_training(ops::InnerModel model, const torch::Tensor& x) {
  return impl() == Impl::Fused && torch::GradMode::is_enabled() && model == ops::InnerModel::Linear &&
         x.device().is_cpu() && (x.scalar_type() == torch::kFloat || x.scalar_type() == torch::kDouble);
}

}  // namespace ttt::kernels
