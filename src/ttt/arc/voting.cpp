#include "ttt/arc/voting.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>

#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

struct Counted {
  std::size_t first_index;  // position of the first occurrence in the input
  int count;
};

// Distinct values, most common first; equal counts keep order of first appearance.
template <typename T>
std::vector<T> rank_by_count(const std::vector<T>& values) {
  std::map<T, Counted> counts;
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto [it, inserted] = counts.try_emplace(values[i], Counted{i, 0});
    (void)inserted;
    ++it->second.count;
  }
  std::vector<std::pair<T, Counted>> ranked(counts.begin(), counts.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (a.second.count != b.second.count) return a.second.count > b.second.count;
    return a.second.first_index < b.second.first_index;
  });
  std::vector<T> out;
  out.reserve(ranked.size());
  for (auto& entry : ranked) out.push_back(std::move(entry.first));
  return out;
}

template <typename T>
T most_common(const std::vector<T>& values) {
  return rank_by_count(values).front();
}

using Line = std::vector<std::uint8_t>;

Line row_of(const Grid& g, int r) {
  Line line(g.width());
  for (int c = 0; c < g.width(); ++c) line[c] = g.at(r, c);
  return line;
}

Line column_of(const Grid& g, int c) {
  Line line(g.height());
  for (int r = 0; r < g.height(); ++r) line[r] = g.at(r, c);
  return line;
}

// The outputs that have the most common shape (first-appearing shape on ties), in input order.
std::vector<const Grid*> outputs_of_majority_shape(const std::vector<Grid>& outputs) {
  std::vector<std::pair<int, int>> shapes;
  shapes.reserve(outputs.size());
  for (const Grid& g : outputs) shapes.emplace_back(g.height(), g.width());
  const std::pair<int, int> shape = most_common(shapes);
  std::vector<const Grid*> same;
  for (const Grid& g : outputs)
    if (g.height() == shape.first && g.width() == shape.second) same.push_back(&g);
  return same;
}

std::size_t count_of(const std::vector<Grid>& grids, const Grid& g) {
  return static_cast<std::size_t>(std::count(grids.begin(), grids.end(), g));
}

std::size_t count_identity(const std::vector<Prediction>& predictions, const Grid& g) {
  std::size_t n = 0;
  for (const Prediction& p : predictions)
    if (p.transform == kIdentityTransform && p.output == g) ++n;
  return n;
}

}  // namespace

std::optional<Grid> row_majority_grid(const std::vector<Grid>& outputs) {
  if (outputs.empty()) return std::nullopt;
  const std::vector<const Grid*> same = outputs_of_majority_shape(outputs);
  Grid result(same.front()->height(), same.front()->width());
  for (int r = 0; r < result.height(); ++r) {
    std::vector<Line> rows;
    for (const Grid* g : same) rows.push_back(row_of(*g, r));
    const Line best = most_common(rows);
    for (int c = 0; c < result.width(); ++c) result.at(r, c) = best[c];
  }
  return result;
}

std::optional<Grid> column_majority_grid(const std::vector<Grid>& outputs) {
  if (outputs.empty()) return std::nullopt;
  const std::vector<const Grid*> same = outputs_of_majority_shape(outputs);
  Grid result(same.front()->height(), same.front()->width());
  for (int c = 0; c < result.width(); ++c) {
    std::vector<Line> columns;
    for (const Grid* g : same) columns.push_back(column_of(*g, c));
    const Line best = most_common(columns);
    for (int r = 0; r < result.height(); ++r) result.at(r, c) = best[r];
  }
  return result;
}

std::vector<Grid> distinct_by_count(const std::vector<Grid>& outputs) { return rank_by_count(outputs); }

std::vector<Grid> top_three_with_fill(const std::vector<Grid>& outputs) {
  if (outputs.empty()) return {};
  std::vector<Grid> nominated = rank_by_count(outputs);
  if (nominated.size() > 3) nominated.resize(3);
  if (nominated.size() < 3) {
    const Grid by_rows = *row_majority_grid(outputs);
    const Grid by_columns = *column_majority_grid(outputs);
    while (nominated.size() < 3) {
      const bool rows_are_new = std::find(nominated.begin(), nominated.end(), by_rows) == nominated.end();
      nominated.push_back(rows_are_new ? by_rows : by_columns);
    }
  }
  return nominated;
}

VoteResult vote(const std::vector<Prediction>& predictions) {
  VoteResult result;
  if (predictions.empty()) {
    result.attempt_1 = Grid(1, 1, 0);
    result.attempt_2 = Grid(1, 1, 0);
    return result;
  }

  // Groups in pool order: "all", "identity", then the other transforms as they first appear.
  std::vector<std::string> order{std::string(kAllGroup), std::string(kIdentityTransform)};
  std::map<std::string, std::vector<Grid>> outputs_by_group;
  for (const Prediction& p : predictions) {
    TTT_CHECK(p.transform != kAllGroup, "[arc] voting: a prediction is tagged with the reserved transform name '",
              kAllGroup, "'");
    outputs_by_group[std::string(kAllGroup)].push_back(p.output);
    auto [it, inserted] = outputs_by_group.try_emplace(p.transform);
    if (inserted && p.transform != kIdentityTransform) order.push_back(p.transform);
    it->second.push_back(p.output);
  }

  std::vector<Grid> pool;
  for (const std::string& group : order) {
    auto it = outputs_by_group.find(group);
    if (it == outputs_by_group.end()) continue;  // no identity predictions
    GroupNominations nominations{group, top_three_with_fill(it->second)};
    pool.insert(pool.end(), nominations.nominated.begin(), nominations.nominated.end());
    result.groups.push_back(std::move(nominations));
  }

  std::vector<Grid> finalists = top_three_with_fill(pool);
  Grid& c2 = finalists[1];
  Grid& c3 = finalists[2];
  if (c2 != c3 && count_of(pool, c2) == count_of(pool, c3) &&
      count_identity(predictions, c3) > count_identity(predictions, c2))
    std::swap(c2, c3);

  result.attempt_1 = finalists[0];
  result.attempt_2 = finalists[1];
  result.finalists = std::move(finalists);
  return result;
}

}  // namespace ttt::arc
