#pragma once
// `ttt data corpus`: documents from a source, blank ones skipped, split deterministically, written as
// <out>/train.txt, val.txt, test.txt (documents.h format) and <out>/manifest.json, each file atomically
// (the manifest last, so a folder with a manifest is a complete corpus).
#include <string>

#include <nlohmann/json.hpp>

#include "ttt/data/corpus_sources.h"
#include "ttt/data/corpus_split.h"

namespace ttt::data {

inline const char* const kSplitNames[] = {"train", "val", "test"};

// Returns the manifest: {"source", "packages":[{package,version,path}], "seed", "val_fraction",
// "test_fraction", "max_docs", "max_bytes", "skipped_empty":{count,names[≤20]}, "skipped_binary",
// "left_out_by_limits", "splits":{"train":{"documents","bytes"}, ...}}.
nlohmann::json build_corpus(CorpusSource source, const SplitOptions& options, const std::string& out_dir);

std::string split_path(const std::string& corpus_dir, const std::string& split);  // <dir>/<split>.txt

}  // namespace ttt::data
