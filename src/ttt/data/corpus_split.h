#pragma once
// The deterministic document-level train/validation/test split. Every document gets a rank from a hash
// of (seed, name); documents are ordered by rank (a shuffle that depends only on names, never on the
// order a folder was listed in). The optional limits keep a prefix of that order, then the first
// ceil(val_fraction·n) documents go to validation, the next ceil(test_fraction·n) to test, the rest to
// train. So a document's split depends on its name, the seed, the fractions and how many are kept.
#include <cstdint>
#include <string>
#include <vector>

#include "ttt/data/documents.h"

namespace ttt::data {

struct SplitOptions {
  double val_fraction = 0.01;
  double test_fraction = 0.01;
  std::uint64_t seed = 0;
  std::int64_t max_documents = 0;  // 0: no limit
  std::int64_t max_bytes = 0;      // 0: no limit; otherwise stop at the first document that would exceed it
};

std::uint64_t document_rank(const std::string& name, std::uint64_t seed);

struct SplitCorpus {
  std::vector<Document> train, val, test;  // each in rank order (the order they are packed in)
  std::int64_t left_out_by_limits = 0;     // documents beyond --max-docs / --max-bytes
};

// Throws ttt::Error on duplicate names, fractions outside [0, 1), or too few documents for a
// non-empty train split.
SplitCorpus split_documents(std::vector<Document> documents, const SplitOptions& options);

}  // namespace ttt::data
