#include "ttt/data/corpus_split.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "ttt/data/hashing.h"
#include "ttt/util/error.h"

namespace ttt::data {

std::uint64_t document_rank(const std::string& name, std::uint64_t seed) {
  return mix64(fnv1a64(name) ^ mix64(seed));
}

namespace {

std::int64_t count_for(double fraction, std::int64_t n) {
  return fraction > 0 ? static_cast<std::int64_t>(std::ceil(fraction * static_cast<double>(n) - 1e-9)) : 0;
}

}  // namespace

SplitCorpus split_documents(std::vector<Document> documents, const SplitOptions& options) {
  TTT_CHECK(options.val_fraction >= 0 && options.val_fraction < 1 && options.test_fraction >= 0 &&
                options.test_fraction < 1 && options.val_fraction + options.test_fraction < 1,
            "[data] split fractions must be in [0, 1) with val + test < 1, got val ", options.val_fraction, ", test ",
            options.test_fraction);
  TTT_CHECK(options.max_documents >= 0 && options.max_bytes >= 0, "[data] --max-docs and --max-bytes must be ≥ 0");
  std::vector<std::pair<std::uint64_t, std::size_t>> order;
  order.reserve(documents.size());
  for (std::size_t i = 0; i < documents.size(); ++i) order.emplace_back(document_rank(documents[i].name, options.seed), i);
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : documents[a.second].name < documents[b.second].name;
  });
  for (std::size_t i = 1; i < order.size(); ++i)
    TTT_CHECK(documents[order[i].second].name != documents[order[i - 1].second].name,
              "[data] two documents are named '", documents[order[i].second].name, "'");

  std::vector<Document> kept;
  std::int64_t bytes = 0;
  for (const auto& [rank, index] : order) {
    const auto size = static_cast<std::int64_t>(documents[index].text.size());
    if (options.max_documents > 0 && static_cast<std::int64_t>(kept.size()) >= options.max_documents) break;
    if (options.max_bytes > 0 && bytes + size > options.max_bytes) break;
    bytes += size;
    kept.push_back(std::move(documents[index]));
  }
  SplitCorpus split;
  split.left_out_by_limits = static_cast<std::int64_t>(documents.size() - kept.size());
  const auto n = static_cast<std::int64_t>(kept.size());
  const std::int64_t n_val = count_for(options.val_fraction, n);
  const std::int64_t n_test = count_for(options.test_fraction, n);
  TTT_CHECK(n - n_val - n_test >= 1, "[data] ", n, " document(s) kept", (split.left_out_by_limits ? " (after --max-docs/--max-bytes)" : ""),
            ": too few for ", n_val, " validation + ", n_test, " test documents and a non-empty train split");
  for (std::int64_t i = 0; i < n; ++i) {
    auto& target = i < n_val ? split.val : i < n_val + n_test ? split.test : split.train;
    target.push_back(std::move(kept[static_cast<std::size_t>(i)]));
  }
  return split;
}

}  // namespace ttt::data
