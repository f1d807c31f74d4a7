// `ttt data corpus --name code|books | --from DIR --out DIR`: documents from installed packages or a
// folder, blank ones skipped, split deterministically into DIR/{train,val,test}.txt + DIR/manifest.json.
#include <chrono>
#include <cstdio>
#include <memory>

#include "commands.h"
#include "ttt/data/corpus_builder.h"
#include "ttt/util/error.h"

namespace ttt::cli {
namespace {

struct CorpusFlags {
  std::string name, from, out, package_root;
  std::int64_t max_docs = 0, max_bytes = -1;
  double val_fraction = 0.01, test_fraction = 0.01;
  std::uint64_t seed = 0;
  bool json = false;
};

// The default experiment uses ~60 MB of kernel source; the full ≥ 40 KB set is about 365 MB.
constexpr std::int64_t kDefaultCodeBytes = 60'000'000;

void run_corpus(const CorpusFlags& flags) {
  const auto start = std::chrono::steady_clock::now();
  data::SourceOptions source_options;
  source_options.package_root = flags.package_root.empty() ? data::default_package_root() : flags.package_root;
  source_options.progress = [](const std::string& line) { std::fprintf(stderr, "[data] %s\n", line.c_str()); };
  data::CorpusSource source;
  if (!flags.from.empty()) {
    source = data::folder_corpus(flags.from);
  } else if (flags.name == "code") {
    source = data::code_corpus(source_options);
  } else if (flags.name == "books") {
    source = data::books_corpus(source_options);
  } else {
    fail("[data] corpus: give --name code|books or --from DIR");
  }
  data::SplitOptions split;
  split.val_fraction = flags.val_fraction;
  split.test_fraction = flags.test_fraction;
  split.seed = flags.seed;
  split.max_documents = flags.max_docs;
  split.max_bytes = flags.max_bytes >= 0 ? flags.max_bytes : flags.name == "code" ? kDefaultCodeBytes : 0;
  std::fprintf(stderr, "[data] splitting %zu documents and writing %s\n", source.documents.size(), flags.out.c_str());
  auto manifest = data::build_corpus(std::move(source), split, flags.out);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  manifest["seconds"] = seconds;
  if (flags.json) {
    std::printf("%s\n", manifest.dump().c_str());
    return;
  }
  std::printf("corpus '%s' in %s (%.1f s)\n", manifest["source"].get<std::string>().c_str(), flags.out.c_str(), seconds);
  for (const char* s : data::kSplitNames)
    std::printf("  %-5s %8lld documents %12lld bytes\n", s, manifest["splits"][s]["documents"].get<long long>(),
                manifest["splits"][s]["bytes"].get<long long>());
  const auto empty = manifest["skipped_empty"]["count"].get<long long>();
  if (empty > 0) std::printf("  skipped %lld empty document(s), e.g. '%s'\n", empty,
                             manifest["skipped_empty"]["names"][0].get<std::string>().c_str());
  if (manifest["skipped_binary"].get<long long>() > 0)
    std::printf("  skipped %lld binary file(s)\n", manifest["skipped_binary"].get<long long>());
  if (manifest["left_out_by_limits"].get<long long>() > 0)
    std::printf("  left out %lld document(s) beyond --max-docs/--max-bytes\n", manifest["left_out_by_limits"].get<long long>());
}

}  // namespace

void register_data_corpus(CLI::App& data) {
  auto flags = std::make_shared<CorpusFlags>();
  auto* cmd = data.add_subcommand("corpus", "Build a corpus: documents split into DIR/{train,val,test}.txt + manifest.json");
  auto* name = cmd->add_option("--name", flags->name,
                               "Packaged corpus: code (linux-source-* C files >= 40 KB) or books (KJV, WEB, Jargon File)")
                   ->check(CLI::IsMember({"code", "books"}));
  auto* from = cmd->add_option("--from", flags->from, "Use every file under this folder instead (one document each)");
  name->excludes(from);
  cmd->add_option("--out", flags->out, "Output folder")->required();
  cmd->add_option("--max-docs", flags->max_docs, "Keep at most this many documents (0: all)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-bytes", flags->max_bytes,
                  "Keep documents (in split order) up to this many bytes; default 60000000 for code, no limit otherwise")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--val-fraction", flags->val_fraction, "Fraction of documents for validation")
      ->capture_default_str()->check(CLI::Range(0.0, 0.99));
  cmd->add_option("--test-fraction", flags->test_fraction, "Fraction of documents for test")
      ->capture_default_str()->check(CLI::Range(0.0, 0.99));
  cmd->add_option("--seed", flags->seed, "Seed of the document shuffle/split")->capture_default_str();
  cmd->add_option("--package-root", flags->package_root,
                  "Where installed packages are looked up (default $TTT_PACKAGE_ROOT or /)");
  cmd->add_flag("--json", flags->json, "Print the manifest as one JSON object");
  cmd->callback([flags] { run_corpus(*flags); });
}

}  // namespace ttt::cli
