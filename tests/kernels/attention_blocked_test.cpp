// Blocked causal attention against the textbook formula (full score matrix, mask, softmax), with and
// without past keys, at block sizes that do and do not divide the length; and the attention layer's
// growing KV cache: prefill in chunks + decode steps == one pass, with the buffer growing by doubling.
#include <gtest/gtest.h>

#include "ttt/nn/attention.h"

using namespace ttt;

namespace {

torch::Tensor naive_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v) {
  const auto t = q.size(2), total = k.size(2), past = total - t;
  auto mask = torch::ones({t, total}, torch::kBool).tril(past);
  auto scores = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(double(q.size(3)));
  scores = scores.masked_fill(mask.logical_not(), -std::numeric_limits<double>::infinity());
  return torch::matmul(torch::softmax(scores, -1), v).transpose(1, 2);  // [B,T,H,d]
}

}  // namespace

TEST(BlockedAttention, MatchesTheFullScoreMatrix) {
  torch::manual_seed(2);
  for (int64_t past : {0, 5}) {
    for (int64_t block : {1, 3, 8, 64, 0}) {
      auto q = torch::randn({2, 3, 17, 8}, torch::kDouble);
      auto k = torch::randn({2, 3, past + 17, 8}, torch::kDouble);
      auto v = torch::randn({2, 3, past + 17, 8}, torch::kDouble);
      auto got = nn::causal_attention(q, k, v, block);
      EXPECT_LE((got - naive_attention(q, k, v)).abs().max().item<double>(), 1e-12) << "past " << past << " block " << block;
    }
  }
}

TEST(BlockedAttention, CacheGrowsInPlaceAndChunksMatchOnePass) {
  torch::manual_seed(4);
  nn::CausalSelfAttention attn(32, 4, 10000.0, 0.2);
  torch::NoGradGuard no_grad;
  auto x = torch::randn({2, 23, 32});
  auto full = attn->forward(x);
  nn::LayerCache cache;
  std::vector<torch::Tensor> pieces;
  int64_t t = 0;
  std::vector<int64_t> capacities;
  for (int64_t n : {7, 1, 1, 5, 1, 1, 1, 6}) {
    pieces.push_back(attn->forward(x.narrow(1, t, n), t, &cache));
    t += n;
    capacities.push_back(cache.keys.size(2));
    EXPECT_EQ(cache.kv_length, t);
  }
  EXPECT_LE((torch::cat(pieces, 1) - full).abs().max().item<double>(), 1e-5);
  // The first chunk sizes the buffer exactly (7); after that a full buffer doubles (14, 28).
  EXPECT_EQ(capacities, (std::vector<int64_t>{7, 14, 14, 14, 28, 28, 28, 28}));
}
