#include "ttt/data/corpus_builder.h"

#include <filesystem>

#include "ttt/data/documents.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace ttt::data {

std::string split_path(const std::string& corpus_dir, const std::string& split) {
  return (std::filesystem::path(corpus_dir) / (split + ".txt")).string();
}

nlohmann::json build_corpus(CorpusSource source, const SplitOptions& options, const std::string& out_dir) {
  nlohmann::json skipped_names = nlohmann::json::array();
  std::int64_t skipped_empty = 0;
  std::vector<Document> documents;
  documents.reserve(source.documents.size());
  for (auto& d : source.documents) {
    if (is_blank(d.text)) {
      if (skipped_empty++ < 20) skipped_names.push_back(d.name);
      continue;
    }
    documents.push_back(std::move(d));
  }
  TTT_CHECK(!documents.empty(), "[data] corpus '", source.name, "': no documents with text (", skipped_empty,
            " empty, ", source.skipped_binary, " binary skipped)");
  SplitCorpus split = split_documents(std::move(documents), options);

  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  TTT_CHECK(!ec, "[data] cannot create '", out_dir, "': ", ec.message());
  nlohmann::json splits = nlohmann::json::object();
  const std::vector<Document>* parts[] = {&split.train, &split.val, &split.test};
  for (int i = 0; i < 3; ++i) {
    std::int64_t bytes = 0;
    for (const auto& d : *parts[i]) bytes += static_cast<std::int64_t>(d.text.size());
    write_documents(split_path(out_dir, kSplitNames[i]), *parts[i]);
    splits[kSplitNames[i]] = {{"documents", parts[i]->size()}, {"bytes", bytes}};
  }
  nlohmann::json packages = nlohmann::json::array();
  for (const auto& p : source.packages) packages.push_back({{"package", p.package}, {"version", p.version}, {"path", p.path}});
  nlohmann::json manifest = {
      {"format", "ttt-corpus-1"},
      {"source", source.name},
      {"packages", packages},
      {"seed", options.seed},
      {"val_fraction", options.val_fraction},
      {"test_fraction", options.test_fraction},
      {"max_docs", options.max_documents},
      {"max_bytes", options.max_bytes},
      {"skipped_empty", {{"count", skipped_empty}, {"names", skipped_names}}},
      {"skipped_binary", source.skipped_binary},
      {"left_out_by_limits", split.left_out_by_limits},
      {"splits", splits},
  };
  write_file_atomic((std::filesystem::path(out_dir) / "manifest.json").string(), manifest.dump(2) + "\n");
  return manifest;
}

}  // namespace ttt::data
