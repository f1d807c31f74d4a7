#pragma once
// One exception type for every user-facing failure. Messages name the operation, the file and the
// shapes, e.g. "[safetensors] model.safetensors: tensor 'x' needs 4096 bytes, file has 100".
#include <sstream>
#include <stdexcept>
#include <string>

namespace ttt {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Concatenates anything that streams: str("shape ", 3, "x", 4) == "shape 3x4".
template <typename... Parts>
std::string str(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

template <typename... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  throw Error(::ttt::str(parts...));
}

}  // namespace ttt

// TTT_CHECK(cond, "message parts", ...) throws ttt::Error with the concatenated parts when cond is false.
#define TTT_CHECK(cond, ...)                 \
  do {                                       \
    if (!(cond)) ::ttt::fail(__VA_ARGS__);   \
  } while (false)
