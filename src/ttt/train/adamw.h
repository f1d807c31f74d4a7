#pragma once
// AdamW over named parameters (decoupled weight decay, Loshchilov & Hutter), with a state that is plain
// named tensors so checkpoints hold it exactly and a resumed run continues bit for bit.
// Weight decay applies to matrices and higher (weights, embeddings, inner-model W1/W2, lr-gate weights),
// not to vectors (norm scales, biases, the learnable token index) — the usual GPT/Llama convention —
// nor to Mamba's A_log (its state decay rates, excluded as in mamba_simple.py).
#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace ttt::train {

struct AdamWOptions {
  double beta1 = 0.9, beta2 = 0.95, eps = 1e-8, weight_decay = 0.1;
};

class AdamW {
 public:
  AdamW(std::vector<std::pair<std::string, torch::Tensor>> params, AdamWOptions options);

  // One update at learning rate `lr` with the gradients currently in .grad() (missing grads count as 0).
  void step(double lr);
  std::int64_t steps_taken() const { return steps_; }
  bool decays(const std::string& name) const;

  // exp_avg / exp_avg_sq of every parameter as "<name>.exp_avg" / "<name>.exp_avg_sq".
  std::map<std::string, torch::Tensor> state_tensors() const;
  // Throws ttt::Error naming the missing or mis-shaped entry.
  void load_state(const std::map<std::string, torch::Tensor>& tensors, std::int64_t steps_taken);

 private:
  struct Slot {
    std::string name;
    torch::Tensor param, exp_avg, exp_avg_sq;
    bool decay;
  };
  std::vector<Slot> slots_;
  AdamWOptions options_;
  std::int64_t steps_ = 0;
};

}  // namespace ttt::train
