#pragma once
// Generates a data set of tasks into a folder: "<family>-<index>.json" per task, in ARC task-file
// format, task id "<family>-<index>". Deterministic: a file's content depends only on (seed, family,
// index, options), not on which other families or how many tasks were asked for.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ttt/arc/generators/family.h"
#include "ttt/arc/generators/generate.h"

namespace ttt::arc::gen {

struct DatasetRequest {
  std::vector<const Family*> families;
  int per_family = 10;
  GenerateOptions options;
  std::uint64_t seed = 0;
  std::string out_dir;
};

// Called after each family with (family name, tasks written for it, families done, families total).
using DatasetProgress = std::function<void(const std::string&, int, int, int)>;

// Checks the request, then tries the first task of every family before writing anything, so a family
// that cannot fit the side range fails the run up front; creates out_dir when missing and writes each
// task atomically. Returns the number of files written.
int write_generated_tasks(const DatasetRequest& request, const DatasetProgress& progress = {});

}  // namespace ttt::arc::gen
