#include "ttt/train/distributed.h"

#include <cstdlib>
#include <limits>

#include "ttt/util/error.h"

#ifdef TTT_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace ttt::train {
namespace {

class SingleProcess : public Communicator {
 public:
  int rank() const override { return 0; }
  int world_size() const override { return 1; }
  void allreduce_mean(const std::vector<torch::Tensor>&) override {}
  void broadcast(const std::vector<torch::Tensor>&, int) override {}
  void barrier() override {}
};

long env_int(const char* name, long lo, long hi, long fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(text, &end, 10);
  TTT_CHECK(errno == 0 && end && *end == '\0' && v >= lo && v <= hi, "[distributed] environment variable ", name,
            "='", text, "' must be an integer in ", lo, "..", hi);
  return v;
}

#ifdef TTT_WITH_GLOO
class Gloo : public Communicator {
 public:
  Gloo(const DistributedEnv& env, std::chrono::seconds timeout, std::int64_t bucket_bytes)
      : rank_(env.rank), world_(env.world_size), bucket_bytes_(bucket_bytes) {
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<std::uint16_t>(env.master_port);
    store_options.isServer = env.rank == 0;
    store_options.numWorkers = static_cast<std::size_t>(env.world_size);
    store_options.waitWorkers = true;
    store_options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
    auto store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, store_options);
    auto options = c10d::ProcessGroupGloo::Options::create(std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
    // Which interface this rank talks on: GLOO_SOCKET_IFNAME (as PyTorch), loopback for a local group,
    // otherwise the interface this machine's hostname resolves to.
    if (const char* iface = std::getenv("GLOO_SOCKET_IFNAME"); iface && *iface)
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(iface));
    else if (env.master_addr == "127.0.0.1" || env.master_addr == "localhost")
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    else
      options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    options->threads = 1;
    group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.world_size, options);
  }

  int rank() const override { return rank_; }
  int world_size() const override { return world_; }

  void allreduce_mean(const std::vector<torch::Tensor>& tensors) override {
    for_each_bucket(tensors, [&](torch::Tensor& flat) {
      std::vector<at::Tensor> list{flat};
      group_->allreduce(list)->wait();
      flat.div_(static_cast<double>(world_));
    });
  }

  void broadcast(const std::vector<torch::Tensor>& tensors, int root) override {
    for_each_bucket(tensors, [&](torch::Tensor& flat) {
      std::vector<at::Tensor> list{flat};
      c10d::BroadcastOptions opts;
      opts.rootRank = root;
      group_->broadcast(list, opts)->wait();
    });
  }

  void barrier() override { group_->barrier()->wait(); }

 private:
  // Packs consecutive tensors (same dtype) into flat buffers of ≤ bucket_bytes, runs `op` on each,
  // and copies the results back.
  template <typename Op>
  void for_each_bucket(const std::vector<torch::Tensor>& tensors, Op op) {
    torch::NoGradGuard no_grad;
    std::size_t i = 0;
    while (i < tensors.size()) {
      std::size_t j = i;
      std::int64_t bytes = 0;
      while (j < tensors.size() && tensors[j].scalar_type() == tensors[i].scalar_type() &&
             (j == i || bytes + static_cast<std::int64_t>(tensors[j].nbytes()) <= bucket_bytes_)) {
        bytes += static_cast<std::int64_t>(tensors[j].nbytes());
        ++j;
      }
      std::vector<torch::Tensor> flat_parts;
      for (std::size_t k = i; k < j; ++k) flat_parts.push_back(tensors[k].reshape({-1}));
      auto flat = torch::cat(flat_parts);
      op(flat);
      std::int64_t offset = 0;
      for (std::size_t k = i; k < j; ++k) {
        const auto n = tensors[k].numel();
        tensors[k].copy_(flat.narrow(0, offset, n).view(tensors[k].sizes()));
        offset += n;
      }
      i = j;
    }
  }

  int rank_, world_;
  std::int64_t bucket_bytes_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
};
#endif

}  // namespace

std::unique_ptr<Communicator> make_single_process_communicator() { return std::make_unique<SingleProcess>(); }

std::optional<DistributedEnv> distributed_env_from_environment() {
  const char* world = std::getenv("WORLD_SIZE");
  if (!world || !*world) return std::nullopt;
  DistributedEnv env;
  env.world_size = static_cast<int>(env_int("WORLD_SIZE", 1, 4096, 1));
  env.rank = static_cast<int>(env_int("RANK", 0, env.world_size - 1, -1));
  TTT_CHECK(env.rank >= 0, "[distributed] WORLD_SIZE is set but RANK is not");
  env.local_rank = static_cast<int>(env_int("LOCAL_RANK", 0, 4095, env.rank));
  env.master_port = static_cast<int>(env_int("MASTER_PORT", 1, 65535, 29500));
  if (const char* addr = std::getenv("MASTER_ADDR"); addr && *addr) env.master_addr = addr;
  return env;
}

std::unique_ptr<Communicator> make_gloo_communicator(const DistributedEnv& env, std::chrono::seconds timeout,
                                                     std::int64_t bucket_bytes) {
  TTT_CHECK(env.world_size >= 1 && env.rank >= 0 && env.rank < env.world_size, "[distributed] rank ", env.rank,
            " is not in 0..", env.world_size - 1);
#ifdef TTT_WITH_GLOO
  try {
    return std::make_unique<Gloo>(env, timeout, bucket_bytes);
  } catch (const c10::Error& e) {
    fail("[distributed] rank ", env.rank, " of ", env.world_size, " could not join the group at ", env.master_addr,
         ":", env.master_port, ": ", e.what_without_backtrace());
  }
#else
  (void)timeout;
  (void)bucket_bytes;
  fail("[distributed] this build has no Gloo backend (libtorch without USE_DISTRIBUTED, or gloo headers missing)");
#endif
}

}  // namespace ttt::train
