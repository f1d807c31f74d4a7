#include "ttt/arc/search/output_size.h"

#include <array>
#include <map>

#include "ttt/arc/search/color_map.h"
#include "ttt/arc/search/primitives.h"
#include "ttt/util/error.h"

namespace ttt::arc::search {

std::string SizeRule::name() const {
  switch (kind) {
    case Kind::kSameAsInput: return "same_as_input";
    case Kind::kFixed: return str("fixed(", height, "x", width, ")");
    case Kind::kScaled: return str("scaled(", rows_num, "/", rows_den, ",", columns_num, "/", columns_den, ")");
    case Kind::kContentBox: return "content_box";
  }
  return "?";
}

namespace {
bool obeys(const SizeRule& rule, const Task& task) {
  for (const Example& ex : task.train) {
    const auto size = predict_size(rule, ex.input);
    if (!size || size->first != ex.output->height() || size->second != ex.output->width()) return false;
  }
  return true;
}

int gcd(int a, int b) { return b == 0 ? a : gcd(b, a % b); }
}  // namespace

std::optional<std::pair<int, int>> predict_size(const SizeRule& rule, const Grid& input) {
  std::pair<int, int> size{0, 0};
  switch (rule.kind) {
    case SizeRule::Kind::kSameAsInput: size = {input.height(), input.width()}; break;
    case SizeRule::Kind::kFixed: size = {rule.height, rule.width}; break;
    case SizeRule::Kind::kScaled:
      if (input.height() * rule.rows_num % rule.rows_den || input.width() * rule.columns_num % rule.columns_den)
        return std::nullopt;
      size = {input.height() * rule.rows_num / rule.rows_den, input.width() * rule.columns_num / rule.columns_den};
      break;
    case SizeRule::Kind::kContentBox: {
      const auto box = crop_to_content(input, 0);
      if (!box) return std::nullopt;
      size = {box->height(), box->width()};
      break;
    }
  }
  if (size.first < 1 || size.second < 1 || size.first > kMaxGridSide || size.second > kMaxGridSide) return std::nullopt;
  return size;
}

std::optional<SizeRule> infer_size_rule(const Task& task) {
  if (task.train.empty()) return std::nullopt;
  SizeRule same{SizeRule::Kind::kSameAsInput};
  if (obeys(same, task)) return same;
  SizeRule fixed{SizeRule::Kind::kFixed};
  fixed.height = task.train[0].output->height(), fixed.width = task.train[0].output->width();
  if (obeys(fixed, task)) return fixed;
  const Grid& in = task.train[0].input;
  const Grid& out = *task.train[0].output;
  SizeRule scaled{SizeRule::Kind::kScaled};
  const int gr = gcd(out.height(), in.height()), gc = gcd(out.width(), in.width());
  scaled.rows_num = out.height() / gr, scaled.rows_den = in.height() / gr;
  scaled.columns_num = out.width() / gc, scaled.columns_den = in.width() / gc;
  if (obeys(scaled, task)) return scaled;
  SizeRule box{SizeRule::Kind::kContentBox};
  if (obeys(box, task)) return box;
  return std::nullopt;
}

std::pair<Grid, Grid> fallback_guesses(const Task& task, const Grid& test_input) {
  const auto rule = infer_size_rule(task);
  if (rule && rule->kind == SizeRule::Kind::kSameAsInput) {
    std::vector<Grid> inputs, outputs;
    for (const Example& ex : task.train) inputs.push_back(ex.input), outputs.push_back(*ex.output);
    // A color map holding for every demonstration cell would have been found by the search; this
    // keeps the fallback sensible when the search was cut short by its budget.
    if (const auto map = learn_color_map(inputs, outputs)) return {apply_color_map(test_input, *map), test_input};
    return {test_input, test_input};
  }
  std::array<int, kNumColors> counts{};
  std::map<std::pair<int, int>, int> shapes;
  for (const Example& ex : task.train) {
    for (auto v : ex.output->cells()) ++counts[v];
    ++shapes[{ex.output->height(), ex.output->width()}];
  }
  std::uint8_t fill = 0;
  for (int c = 1; c < kNumColors; ++c)
    if (counts[c] > counts[fill]) fill = static_cast<std::uint8_t>(c);
  std::pair<int, int> shape = shapes.begin()->first;
  for (const auto& [s, n] : shapes)
    if (n > shapes[shape]) shape = s;
  if (rule)
    if (const auto predicted = predict_size(*rule, test_input)) shape = *predicted;
  Grid first(shape.first, shape.second, fill);
  if (rule && rule->kind == SizeRule::Kind::kContentBox)
    if (auto box = crop_to_content(test_input, 0)) first = *box;
  return {first, test_input};
}

}  // namespace ttt::arc::search
