#pragma once
// Agreement of our model with a fixture written by the official reference model: the fixture holds the
// weights plus `fixture.input_ids`, `fixture.logits`, `fixture.hidden_states`, `fixture.prefill_logits`,
// `fixture.decode_logits` and metadata `prefill_tokens` / `decode_tokens` (see tests/data/ttt-reference).
#include <string>
#include <vector>

namespace ttt::eval {

struct ReferenceAgreement {
  std::string name;
  long long batch = 0, length = 0, prefill = 0, decode = 0;
  double reference_logits_abs_max = 0;  // scale of the fixture's logits: a small diff must mean something
  double logits_max_diff = 0;
  std::vector<double> hidden_max_diff;  // per block output, then the final norm
  double prefill_max_diff = 0;
  double decode_max_diff = 0;
  double worst() const;
};

// <dir>/<name>.safetensors + <dir>/<name>.config.json
ReferenceAgreement check_reference_fixture(const std::string& dir, const std::string& name);
// Every such pair in `dir`, sorted by name.
std::vector<std::string> list_reference_fixtures(const std::string& dir);

}  // namespace ttt::eval
