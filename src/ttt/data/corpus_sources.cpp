#include "ttt/data/corpus_sources.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "ttt/data/books_text.h"
#include "ttt/data/subprocess.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace ttt::data {

namespace fs = std::filesystem;

namespace {

std::string under_root(const SourceOptions& options, const std::string& absolute) {
  return (fs::path(options.package_root) / fs::path(absolute).relative_path()).string();
}

void report(const SourceOptions& options, const std::string& line) {
  if (options.progress) options.progress(line);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Files in `directory` whose names start with `prefix` and contain `infix` (ignoring case), sorted
// (so the newest version comes last).
std::vector<std::string> glob(const std::string& directory, const std::string& prefix, const std::string& infix) {
  std::vector<std::string> found;
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) return found;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    std::string name = entry.path().filename().string();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (entry.is_regular_file(ec) && name.rfind(prefix, 0) == 0 && name.find(infix) != std::string::npos)
      found.push_back(entry.path().string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string version_of(const SourceOptions& options, const std::string& package) {
  return options.package_root == "/" ? installed_package_version(package) : "";
}

[[noreturn]] void missing_packages(const std::string& corpus, const std::vector<std::string>& problems,
                                   const std::vector<std::string>& packages) {
  std::string list, names;
  for (const auto& p : problems) list += "\n  " + p;
  for (const auto& n : packages) names += " " + n;
  fail("[data] corpus '", corpus, "' needs Debian package(s)", names, ":", list,
       "\n  install with: apt-get install", names, " (or scripts/install-deps.sh)");
}

}  // namespace

std::string default_package_root() {
  const char* root = std::getenv("TTT_PACKAGE_ROOT");
  return root != nullptr && *root != '\0' ? root : "/";
}

bool parse_tar_listing_line(const std::string& line, TarMember& member) {
  // "-rw-r--r-- 0/0   20420 2026-11-06 18:15 linux-source-6.1/.clang-format"
  if (line.empty() || line[0] != '-') return false;
  std::istringstream fields(line);
  std::string mode, owner, size, date, time;
  if (!(fields >> mode >> owner >> size >> date >> time)) return false;
  std::string path;
  std::getline(fields, path);
  const std::size_t start = path.find_first_not_of(' ');
  if (start == std::string::npos || size.empty() || size.find_first_not_of("0123456789") != std::string::npos) return false;
  member.path = path.substr(start);
  member.size = std::stoll(size);
  return true;
}

bool is_long_c_source(const TarMember& member, std::int64_t min_bytes) {
  if (member.size < min_bytes) return false;
  if (!ends_with(member.path, ".c") && !ends_with(member.path, ".h")) return false;
  // Machine-generated register maps (AMD's asic_reg/*_offset.h, *_sh_mask.h, Habana's asic_reg/): megabytes
  // of #defines with no long-range structure.
  if (member.path.find("/asic_reg/") != std::string::npos) return false;
  if (ends_with(member.path, "_sh_mask.h")) return false;
  return true;
}

CorpusSource code_corpus(const SourceOptions& options) {
  const std::string src = under_root(options, "/usr/src");
  const auto tarballs = glob(src, "linux-source-", ".tar");
  if (tarballs.empty())
    missing_packages("code", {"no " + src + "/linux-source-*.tar.* (the kernel source tarball, linux-source-6.1 on Debian 12)"},
                     {"linux-source"});
  const std::string tarball = tarballs.back();
  std::string package = fs::path(tarball).filename().string();
  package = package.substr(0, package.find(".tar"));

  report(options, "listing " + tarball);
  std::vector<TarMember> selected;
  std::int64_t members = 0;
  {
    CommandOutput listing("LC_ALL=C tar -tvf " + shell_quote(tarball), "listing " + tarball);
    std::string line;
    TarMember member;
    while (listing.read_line(line)) {
      if (!parse_tar_listing_line(line, member)) continue;
      ++members;
      if (is_long_c_source(member, options.min_code_bytes)) selected.push_back(member);
    }
    listing.close();
  }
  TTT_CHECK(!selected.empty(), "[data] ", tarball, ": no .c/.h files of at least ", options.min_code_bytes, " bytes among ",
            members, " files");

  // One pass extracts every selected file to stdout in archive order; the listed sizes cut it apart.
  char list_path[] = "/tmp/ttt_code_members_XXXXXX";
  const int fd = ::mkstemp(list_path);
  TTT_CHECK(fd >= 0, "[data] cannot create a temporary file list in /tmp");
  ::close(fd);
  std::string names;
  for (const auto& m : selected) names += m.path + "\n";
  CorpusSource corpus{"code", {}, {}, 0};
  try {
    write_file_atomic(list_path, names);
    report(options, "extracting " + std::to_string(selected.size()) + " files from " + tarball);
    CommandOutput contents("LC_ALL=C tar -xOf " + shell_quote(tarball) + " --no-recursion --verbatim-files-from -T " +
                               shell_quote(list_path),
                           "extracting from " + tarball);
    for (std::size_t i = 0; i < selected.size(); ++i) {
      const auto& m = selected[i];
      std::string text(static_cast<std::size_t>(m.size), '\0');
      const std::size_t got = contents.read(text.data(), text.size());
      TTT_CHECK(got == text.size(), "[data] ", tarball, ": '", m.path, "' should have ", m.size, " bytes, tar gave ", got);
      const std::size_t slash = m.path.find('/');  // drop "linux-source-6.1/" so names do not change with the version
      corpus.documents.push_back({slash == std::string::npos ? m.path : m.path.substr(slash + 1), std::move(text)});
      if ((i + 1) % 500 == 0) report(options, "extracted " + std::to_string(i + 1) + "/" + std::to_string(selected.size()));
    }
    char extra;
    TTT_CHECK(contents.read(&extra, 1) == 0, "[data] ", tarball, ": tar gave more bytes than the listed sizes");
    contents.close();
  } catch (...) {
    std::remove(list_path);
    throw;
  }
  std::remove(list_path);
  corpus.packages.push_back({package, version_of(options, package), tarball});
  return corpus;
}

CorpusSource books_corpus(const SourceOptions& options) {
  std::vector<std::string> problems, packages;
  const std::string kjv_data = under_root(options, "/usr/lib/bible.data");
  if (!fs::exists(kjv_data)) {
    problems.push_back("no " + kjv_data + " (the King James Bible text)");
    packages.push_back("bible-kjv-text");
  }
  if (!program_on_path("bible")) {
    problems.push_back("no 'bible' program on PATH (reads the King James Bible text)");
    packages.push_back("bible-kjv");
  }
  const auto web = glob(under_root(options, "/usr/share/sword/mods.d"), "engweb", ".conf");
  if (web.empty()) {
    problems.push_back("no " + under_root(options, "/usr/share/sword/mods.d") + "/engWEB*.conf (the World English Bible module)");
    packages.push_back("sword-text-web");
  }
  if (!program_on_path("diatheke")) {
    problems.push_back("no 'diatheke' program on PATH (reads SWORD Bible modules)");
    packages.push_back("diatheke");
  }
  const auto jargon = glob(under_root(options, "/usr/share/doc/jargon-text"), "jargon", ".txt");
  if (jargon.empty()) {
    problems.push_back("no " + under_root(options, "/usr/share/doc/jargon-text") + "/jargon*.txt* (the Jargon File)");
    packages.push_back("jargon-text");
  }
  if (!problems.empty()) missing_packages("books", problems, packages);

  CorpusSource corpus{"books", {}, {}, 0};
  auto add = [&corpus](std::vector<Document> documents) {
    for (auto& d : documents) corpus.documents.push_back(std::move(d));
  };
  report(options, "reading the King James Bible (bible)");
  add(kjv_books(run_and_capture("bible -p " + shell_quote(fs::path(kjv_data).parent_path().string()) +
                                    " -l 1000000 Gen1:1-Rev22:21",
                                "bible (bible-kjv)"),
                "kjv"));
  std::string module;
  {
    std::istringstream conf(read_file(web.back(), "data"));
    std::string line;
    while (std::getline(conf, line))
      if (line.size() > 2 && line.front() == '[' && line.back() == ']') {
        module = line.substr(1, line.size() - 2);
        break;
      }
    TTT_CHECK(!module.empty(), "[data] ", web.back(), ": no [module] line (sword-text-web damaged?)");
  }
  report(options, "reading the World English Bible (diatheke -b " + module + ", about 30 s)");
  add(diatheke_books(run_and_capture("SWORD_PATH=" + shell_quote(under_root(options, "/usr/share/sword")) +
                                         " diatheke -b " + shell_quote(module) +
                                         " -f plain -k 'Genesis 1:1-Revelation 22:21'",
                                     "diatheke (sword-text-web)"),
                     "web"));
  report(options, "reading the Jargon File");
  const std::string jargon_path = jargon.back();
  const std::string jargon_text = ends_with(jargon_path, ".gz")
                                      ? run_and_capture("gzip -dc " + shell_quote(jargon_path), "gzip -dc " + jargon_path)
                                      : read_file(jargon_path, "data");
  add(jargon_sections(jargon_text, "jargon"));
  corpus.packages = {{"bible-kjv-text", version_of(options, "bible-kjv-text"), kjv_data},
                     {"bible-kjv", version_of(options, "bible-kjv"), "bible"},
                     {"sword-text-web", version_of(options, "sword-text-web"), web.back()},
                     {"diatheke", version_of(options, "diatheke"), "diatheke"},
                     {"jargon-text", version_of(options, "jargon-text"), jargon_path}};
  return corpus;
}

CorpusSource folder_corpus(const std::string& directory) {
  std::error_code ec;
  TTT_CHECK(fs::is_directory(directory, ec), "[data] --from '", directory, "': not a folder");
  CorpusSource corpus{"folder", {}, {}, 0};
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(directory, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file(ec)) files.push_back(it->path());
  TTT_CHECK(!ec, "[data] --from '", directory, "': cannot list: ", ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::string text = read_file(file.string(), "data");
    if (text.find('\0') != std::string::npos) {
      ++corpus.skipped_binary;
      continue;
    }
    corpus.documents.push_back({fs::relative(file, directory).generic_string(), std::move(text)});
  }
  return corpus;
}

}  // namespace ttt::data
