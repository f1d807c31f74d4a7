#pragma once
// Where the trainer and evaluator get their token windows from. A window is L+1 consecutive token ids
// of the packed corpus (documents concatenated with BOS/EOS): inputs are ids[0..L), targets ids[1..L].
// Implementations: memory-mapped token files (token_file.h) and in-memory vectors (tests, tiny runs).
#include <algorithm>
#include <cstdint>
#include <vector>

namespace ttt::data {

class WindowSource {
 public:
  virtual ~WindowSource() = default;
  virtual std::int64_t size() const = 0;           // number of windows
  virtual std::int64_t window_length() const = 0;  // L + 1
  // Writes window `index` (0 ≤ index < size()) into out[0..window_length()).
  virtual void read(std::int64_t index, std::int64_t* out) const = 0;

  // Sources whose windows hold padding or context that is not to be predicted (ARC sequences: loss on
  // outputs only) say so here and give a mask over the window's L targets: out[i] = 1 when the target
  // ids[i+1] counts in the loss. Plain corpora predict every token.
  virtual bool has_loss_mask() const { return false; }
  virtual void read_loss_mask(std::int64_t /*index*/, std::uint8_t* out) const {
    std::fill(out, out + window_length() - 1, std::uint8_t(1));
  }
};

// Non-overlapping L+1 windows over a token vector kept in memory (the tail that does not fill a
// window is dropped).
class VectorWindows : public WindowSource {
 public:
  VectorWindows(std::vector<std::int64_t> tokens, std::int64_t context);
  std::int64_t size() const override;
  std::int64_t window_length() const override { return context_ + 1; }
  void read(std::int64_t index, std::int64_t* out) const override;

 private:
  std::vector<std::int64_t> tokens_;
  std::int64_t context_;
};

}  // namespace ttt::data
