#pragma once
// Where corpus documents come from: Debian packages (nothing is downloaded) or a user's folder.
//   code  — C sources ≥ 40 KB from the linux-source-* tarball under <root>/usr/src (generated register
//           headers excluded): long real documents where identifiers are defined far above their use.
//   books — King James Bible (bible-kjv-text, read by `bible` from bible-kjv), World English Bible
//           (sword-text-web, read by `diatheke`), the Jargon File (jargon-text).
//   --from DIR — every regular file under DIR, named by its relative path.
// Package files are looked up under a configurable root ("/" normally) so tests can point at a fake one.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ttt/data/documents.h"

namespace ttt::data {

struct PackageUse {
  std::string package;  // Debian package name
  std::string version;  // from dpkg-query; "" when unknown (e.g. a fake package root)
  std::string path;     // the file or program read
};

struct CorpusSource {
  std::string name;  // "code", "books" or "folder"
  std::vector<Document> documents;
  std::vector<PackageUse> packages;
  std::int64_t skipped_binary = 0;  // --from files with NUL bytes
};

struct SourceOptions {
  std::string package_root = "/";
  std::int64_t min_code_bytes = 40 * 1024;
  std::function<void(const std::string&)> progress;  // optional: one line of progress at a time
};

// The package root: $TTT_PACKAGE_ROOT when set, "/" otherwise.
std::string default_package_root();

CorpusSource code_corpus(const SourceOptions& options);
CorpusSource books_corpus(const SourceOptions& options);
CorpusSource folder_corpus(const std::string& directory);

// A tar member (regular file) as `tar -tv` lists it.
struct TarMember {
  std::string path;
  std::int64_t size = 0;
};
// Parses one line of `LC_ALL=C tar -tvf` output; nullopt-like false for anything but a regular file.
bool parse_tar_listing_line(const std::string& line, TarMember& member);
// The code corpus filter: .c/.h, at least min_bytes, not a generated register header.
bool is_long_c_source(const TarMember& member, std::int64_t min_bytes);

}  // namespace ttt::data
