#include "ttt/arc/search/ensemble.h"

#include <algorithm>

namespace ttt::arc::search {

namespace {
Attempts merge(const Attempts& search, bool trust_search, const Attempts& ttt, EnsembleCounts& counts) {
  std::vector<Grid> order;
  auto push = [&order](const Grid& g) {
    if (std::find(order.begin(), order.end(), g) == order.end()) order.push_back(g);
  };
  bool agreed = false;
  for (const Grid& s : {search.attempt_1, search.attempt_2})
    if (!agreed && (s == ttt.attempt_1 || s == ttt.attempt_2)) push(s), agreed = true;
  if (agreed) {
    ++counts.agreed;
  } else {
    ++(trust_search ? counts.search_first : counts.ttt_first);
  }
  const Attempts& first = trust_search ? search : ttt;
  const Attempts& second = trust_search ? ttt : search;
  for (const Grid& g : {first.attempt_1, first.attempt_2, second.attempt_1, second.attempt_2}) push(g);
  return {order[0], order.size() > 1 ? order[1] : order[0]};
}
}  // namespace

Submission ensemble(const Submission& search, const ProgramRecords& programs, const Submission& ttt,
                    EnsembleCounts* counts_out) {
  EnsembleCounts counts;
  Submission out;
  for (const auto& [id, entries] : search) {
    const auto other = ttt.find(id);
    const auto record = programs.find(id);
    const bool trust_search = record != programs.end() && record->second.consistent;
    std::vector<Attempts> merged;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (other == ttt.end() || i >= other->second.size()) {
        merged.push_back(entries[i]);
        ++counts.one_sided;
      } else {
        merged.push_back(merge(entries[i], trust_search, other->second[i], counts));
      }
    }
    if (other != ttt.end())
      for (std::size_t i = entries.size(); i < other->second.size(); ++i) {
        merged.push_back(other->second[i]);
        ++counts.one_sided;
      }
    out[id] = std::move(merged);
  }
  for (const auto& [id, entries] : ttt)
    if (!out.count(id)) {
      out[id] = entries;
      counts.one_sided += entries.size();
    }
  if (counts_out) *counts_out = counts;
  return out;
}

}  // namespace ttt::arc::search
