#pragma once
// Data-parallel plumbing on PyTorch's own distributed engine (c10d): ProcessGroupGloo on CPU (NCCL would
// slot in behind the same interface on CUDA builds). Ranks meet through a c10d TCPStore at
// MASTER_ADDR:MASTER_PORT — the torchrun environment — so one command runs on one machine or many.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace ttt::train {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int world_size() const = 0;
  // Every tensor becomes the mean of its values over all ranks (in place). Tensors are packed into flat
  // buckets of at most `bucket_bytes` so a model with hundreds of parameters costs a few collectives.
  virtual void allreduce_mean(const std::vector<torch::Tensor>& tensors) = 0;
  // Every tensor takes rank `root`'s values (in place).
  virtual void broadcast(const std::vector<torch::Tensor>& tensors, int root) = 0;
  virtual void barrier() = 0;
};

// One process: collectives are identities.
std::unique_ptr<Communicator> make_single_process_communicator();

struct DistributedEnv {
  int rank = 0, world_size = 1, local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
};

// Reads RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT. Returns nothing when WORLD_SIZE is unset;
// throws ttt::Error naming the variable when one is malformed or out of range.
std::optional<DistributedEnv> distributed_env_from_environment();

// Joins the process group (blocks until all ranks arrive or `timeout` passes). Throws ttt::Error when
// this build has no Gloo backend.
std::unique_ptr<Communicator> make_gloo_communicator(const DistributedEnv& env, std::chrono::seconds timeout,
                                                     std::int64_t bucket_bytes = 25 << 20);

}  // namespace ttt::train
