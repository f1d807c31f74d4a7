#include "arc_augmenter_names.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "ttt/arc/deterministic_rng.h"
#include "ttt/arc/ttt_data.h"
#include "ttt/util/error.h"

namespace ttt::cli {
namespace {

// Splits at commas that are not inside (...) or [...].
std::vector<std::string> split_top_level(const std::string& text) {
  std::vector<std::string> parts(1);
  int depth = 0;
  for (char ch : text) {
    if (ch == '(' || ch == '[') ++depth;
    if (ch == ')' || ch == ']') --depth;
    if (ch == ',' && depth == 0) {
      parts.emplace_back();
      continue;
    }
    parts.back().push_back(ch);
  }
  return parts;
}

// "RandomTranslateXY" → "random-translate-xy": a dash before each capital that follows a lowercase letter.
std::string kebab_case(const std::string& word) {
  std::string out;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const unsigned char ch = static_cast<unsigned char>(word[i]);
    if (std::isupper(ch) && i > 0 && std::islower(static_cast<unsigned char>(word[i - 1]))) out.push_back('-');
    out.push_back(static_cast<char>(std::tolower(ch)));
  }
  return out;
}

// Lowercase without spaces: how typed names are compared with library names.
std::string folded(const std::string& text) {
  std::string out;
  for (char ch : text)
    if (!std::isspace(static_cast<unsigned char>(ch))) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return out;
}

std::string trimmed(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char ch : text) h = (h ^ ch) * 1099511628211ULL;
  return h;
}

void add_unique(std::vector<NamedAugmenter>& selected, const NamedAugmenter& entry) {
  const bool present = std::any_of(selected.begin(), selected.end(), [&](const NamedAugmenter& s) {
    return s.augmenter == entry.augmenter;
  });
  if (!present) selected.push_back(entry);
}

}  // namespace

std::string augmenter_alias(const std::string& library_name) {
  const std::string chain_prefix = "Chain[";
  if (library_name.rfind(chain_prefix, 0) == 0 && library_name.back() == ']') {
    const std::string members = library_name.substr(chain_prefix.size(), library_name.size() - chain_prefix.size() - 1);
    std::string alias;
    for (const std::string& member : split_top_level(members)) alias += (alias.empty() ? "" : "+") + augmenter_alias(member);
    return alias;
  }
  const std::size_t open = library_name.find('(');
  if (open == std::string::npos) return kebab_case(library_name);
  std::string alias = kebab_case(library_name.substr(0, open));
  for (const std::string& parameter : split_top_level(library_name.substr(open + 1, library_name.size() - open - 2)))
    alias += "-" + folded(parameter);
  return alias;
}

const std::vector<NamedAugmenter>& augmenter_catalogue() {
  static const std::vector<NamedAugmenter> catalogue = [] {
    std::vector<NamedAugmenter> list;
    for (const arc::Augmenter& a : arc::ttt_augmenters()) list.push_back({a, augmenter_alias(a.name()), false});
    const arc::Augmenter colors = arc::Augmenter::permute_colors();
    const arc::Augmenter examples = arc::Augmenter::permute_examples();
    const arc::Augmenter both = arc::Augmenter::chain({colors, examples});
    list.push_back({colors, augmenter_alias(colors.name()), false});
    list.push_back({examples, augmenter_alias(examples.name()), true});
    list.push_back({both, augmenter_alias(both.name()), true});
    return list;
  }();
  return catalogue;
}

std::vector<NamedAugmenter> select_augmenters(const std::string& selection, const std::string& flag) {
  const std::vector<NamedAugmenter>& catalogue = augmenter_catalogue();
  std::vector<NamedAugmenter> selected;
  for (const std::string& raw : split_top_level(selection)) {
    const std::string name = trimmed(raw);
    TTT_CHECK(!name.empty(), "[arc] ", flag, " has an empty name in '", selection,
              "' (give names separated by commas, or all, or ttt)");
    if (name == "all") {
      for (const NamedAugmenter& entry : catalogue) add_unique(selected, entry);
      continue;
    }
    if (name == "ttt") {
      for (const arc::Augmenter& a : arc::ttt_augmenters())
        for (const NamedAugmenter& entry : catalogue)
          if (entry.augmenter == a) add_unique(selected, entry);
      continue;
    }
    const auto found = std::find_if(catalogue.begin(), catalogue.end(), [&](const NamedAugmenter& entry) {
      return entry.alias == name || folded(entry.augmenter.name()) == folded(name);
    });
    TTT_CHECK(found != catalogue.end(), "[arc] ", flag, ": unknown augmenter '", name,
              "' (`ttt arc augment --list` shows the names and aliases)");
    add_unique(selected, *found);
  }
  return selected;
}

std::string augmenter_listing() {
  std::string text;
  for (const NamedAugmenter& entry : augmenter_catalogue()) {
    std::string traits;
    if (entry.augmenter.is_invertible()) traits += "invertible";
    if (entry.augmenter.is_random()) traits += std::string(traits.empty() ? "" : ", ") + "random";
    char line[256];
    std::snprintf(line, sizeof line, "%-42s %-32s %s", entry.augmenter.name().c_str(), entry.alias.c_str(),
                  traits.c_str());
    text += trimmed(line) + "\n";
  }
  return text;
}

std::uint64_t augment_seed(std::uint64_t seed, const std::string& task_id, const std::string& augmenter_name) {
  return arc::derive_seed(arc::derive_seed(seed, fnv1a(task_id)), fnv1a(augmenter_name));
}

void check_task_id_for_file_name(const std::string& task_id, const std::string& source) {
  const bool safe = !task_id.empty() && task_id != "." && task_id != ".." &&
                    task_id.find_first_of("/\\") == std::string::npos && task_id.find('\0') == std::string::npos;
  TTT_CHECK(safe, "[arc] ", source, ": task id '", task_id, "' cannot name a file (it is empty or holds a path separator)");
}

}  // namespace ttt::cli
