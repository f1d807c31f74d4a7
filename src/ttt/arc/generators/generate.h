#pragma once
// Draws whole ARC tasks from a family: per-task parameters, demonstrations and one test pair, with
// degenerate examples rejected and redrawn a bounded number of times.
#include <cstdint>
#include <string>

#include "ttt/arc/generators/family.h"
#include "ttt/arc/task.h"

namespace ttt::arc::gen {

struct GenerateOptions {
  SideRange sides;
  int min_demos = 3;
  int max_demos = 5;
};

// Throws ttt::Error for sides outside 1..30, min_side > max_side, or demos outside 1..10 / min > max.
void check_options(const GenerateOptions& options);

// The seed of task `index` of `family`, derived from the run's seed by hashing, so a task depends only
// on (seed, family, index): generating more families or more tasks never changes the others.
std::uint64_t task_seed(std::uint64_t seed, const std::string& family, int index);

// A generated task and the rule (with its drawn parameters) that produced it; tests use the rule to
// check every pair.
struct GeneratedTask {
  Task task;
  Rule rule;
};

// Every example satisfies: input sides within options.sides, output sides in 1..max_side, the input
// has a non-background cell, the output differs from the input, output == rule.apply(input) when the
// rule has an apply, inputs pairwise distinct, and not every output is the same grid. Throws
// ttt::Error naming the family, the side range and the last reason when no valid task came out of the
// bounded number of tries.
GeneratedTask generate_task(const Family& family, const GenerateOptions& options, std::uint64_t seed,
                            const std::string& id);

}  // namespace ttt::arc::gen
