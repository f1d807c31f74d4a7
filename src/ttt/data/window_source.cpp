#include "ttt/data/window_source.h"

#include <algorithm>

#include "ttt/util/error.h"

namespace ttt::data {

VectorWindows::VectorWindows(std::vector<std::int64_t> tokens, std::int64_t context)
    : tokens_(std::move(tokens)), context_(context) {
  TTT_CHECK(context_ > 0, "[data] window context must be positive, got ", context_);
}

std::int64_t VectorWindows::size() const {
  // Windows overlap by one token: window i covers [i·L, i·L + L], so targets tile the stream exactly.
  const auto n = static_cast<std::int64_t>(tokens_.size());
  return n > context_ ? (n - 1) / context_ : 0;
}

void VectorWindows::read(std::int64_t index, std::int64_t* out) const {
  TTT_CHECK(index >= 0 && index < size(), "[data] window ", index, " out of range 0..", size() - 1);
  const auto begin = tokens_.begin() + index * context_;
  std::copy(begin, begin + context_ + 1, out);
}

}  // namespace ttt::data
