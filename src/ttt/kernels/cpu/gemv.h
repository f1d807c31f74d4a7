#pragma once
// Matrix-vector products for batch-1 decoding, inference only: y_i = M_i·x for one input row x and several
// weight matrices M_i ([N_i, K] row-major, as nn::Linear stores them), all in ONE pass over libtorch's OpenMP
// pool. Decoding one token is memory-bound: every weight is streamed once. OpenBLAS's GEMV does that well on
// one thread, but each call forks and joins the pool, and a block issues 7 of them per token (q, v, gate,
// o, the lr gate, SwiGLU's three), so on 2 threads decoding reached only 43–52 % of the memory roofline.
// Here the rows of all matrices form one range whose 64-row blocks the threads claim in turn; each thread
// streams its rows 16 at a time (8 on AVX2 and generic x86-64). Slow twin: torch::mv per matrix (tests/kernels/gemv_test.cpp).
#include <torch/torch.h>

#include <vector>

namespace ttt::kernels::cpu {

// x: K values (any shape with numel K, contiguous); weights: [N_i, K] contiguous, same dtype as x (float32 or
// float64), on the CPU. Returns one [N_i] tensor per matrix.
std::vector<torch::Tensor> gemv_many(const std::vector<torch::Tensor>& weights, const torch::Tensor& x);

// The same for one matrix.
torch::Tensor gemv(const torch::Tensor& weight, const torch::Tensor& x);

}  // namespace ttt::kernels::cpu
