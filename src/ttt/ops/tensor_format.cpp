#include "ttt/ops/tensor_format.h"

#include <sstream>

namespace ttt {

std::string shape_str(const torch::Tensor& t) {
  if (!t.defined()) return "[undefined]";
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

}  // namespace ttt
