#pragma once
// The paper's ensemble of program search and test-time training (Akyürek et al. 2024, §ARC results),
// per test input, over two Kaggle submissions:
//   1. if the two agree — some attempt of the search equals some attempt of TTT — that grid is
//      attempt 1;
//   2. else, if the search found a program consistent with every demonstration (the sidecar's
//      "consistent", solver.h), the search's attempts are trusted first;
//   3. else TTT's attempts are trusted first.
// The remaining slot is filled from the trusted side's attempts, then the other side's, skipping
// repeats. A task only one side answered takes that side's attempts.
#include "ttt/arc/search/solver.h"
#include "ttt/arc/submission.h"

namespace ttt::arc::search {

struct EnsembleCounts {
  std::size_t agreed = 0;        // test inputs decided by agreement
  std::size_t search_first = 0;  // by a consistent program
  std::size_t ttt_first = 0;     // by falling back to TTT
  std::size_t one_sided = 0;     // only one submission had the task/entry
};

Submission ensemble(const Submission& search, const ProgramRecords& search_programs, const Submission& ttt,
                    EnsembleCounts* counts = nullptr);

}  // namespace ttt::arc::search
