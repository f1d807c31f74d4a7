#pragma once
// Augmenters by name on the command line (`ttt arc augment`, `ttt arc ttt-data`).
//
// The catalogue is the spec's test-time-training list (arc::ttt_augmenters(), 23 augmenters) followed by
// PermuteColors, PermuteExamples and their chain (the permuted copies of the TTT data). Each augmenter is
// known by the library's name ("Rotate(90)", "Chain[Flip(0),IncreaseResolution(2)]") and by an alias
// derived from it that needs no shell quoting and is also its file-name part:
//   CamelCase words become lowercase words joined by '-', parameters follow with '-', chain members are
//   joined by '+':  Rotate(90) → rotate-90, Reflect(0,reverse) → reflect-0-reverse,
//   RandomTranslateXY → random-translate-xy, Chain[Flip(0),IncreaseResolution(2)] → flip-0+increase-resolution-2.
#include <cstdint>
#include <string>
#include <vector>

#include "ttt/arc/augment.h"
#include "ttt/arc/task.h"

namespace ttt::cli {

struct NamedAugmenter {
  arc::Augmenter augmenter;
  std::string alias;
  bool reorders_demonstrations = false;  // PermuteExamples and chains with it
};

// Help of --all-augmenters, the same for every command that builds TTT data (arc ttt|predict|eval|ttt-data).
inline constexpr const char* kAllAugmentersHelp =
    "Use every augmenter of the spec even where it changes a task's fixed answer shape (by default such "
    "augmenters are left out of that task's TTT data: every answer has one shape, the test's answers will too)";

// Every augmenter the commands know, in catalogue order.
const std::vector<NamedAugmenter>& augmenter_catalogue();

// The alias of a library augmenter name (see above).
std::string augmenter_alias(const std::string& library_name);

// A selection: "all" (the catalogue), "ttt" (the spec's TTT list), or a comma-separated list of library
// names (any case, spaces ignored; commas inside (...) and [...] belong to the name) and aliases, in the
// order given, repeats dropped. Throws ttt::Error naming `flag` and the unknown name.
std::vector<NamedAugmenter> select_augmenters(const std::string& selection, const std::string& flag);

// One line per catalogue entry: library name, alias, and "invertible"/"random" where they apply.
std::string augmenter_listing();

// The random stream an augmenter uses on one task: fixed by the seed, the task id and the augmenter's
// name, so a result never depends on which other tasks or augmenters were selected.
std::uint64_t augment_seed(std::uint64_t seed, const std::string& task_id, const std::string& augmenter_name);

// Output files are named after task ids; a Kaggle challenges file may hold any key. Throws ttt::Error
// naming `source` when the id is empty, "." or "..", or holds a path separator.
void check_task_id_for_file_name(const std::string& task_id, const std::string& source);

}  // namespace ttt::cli
