#pragma once
// A static, self-contained HTML page for looking at a submission: a summary table (task, test inputs,
// correct inputs, score) and, per task, its demonstrations, test inputs, both attempts and the truth
// with right/wrong marks. Inline CSS only, no scripts or external resources, grids in the standard ARC
// palette. Right/wrong comes from score_submission, so the page agrees with `ttt arc score`.
#include <map>
#include <string>
#include <vector>

#include "ttt/arc/scoring.h"
#include "ttt/arc/submission.h"
#include "ttt/arc/task.h"

namespace ttt::arc {

// The standard ARC colors, "#RRGGBB", index = color.
const std::vector<std::string>& arc_palette();

// &, <, >, " and ' as entities.
std::string html_escape(const std::string& text);

struct ReportInput {
  std::string title = "ARC report";
  std::vector<Task> tasks;  // in page order
  Submission submission;    // tasks it lacks are shown as "no prediction"
  // True test outputs by task id; a task without one is shown without right/wrong and left out of
  // the score.
  Solutions solutions;
  // Program found by `ttt arc solve` per task id (its programs record); when non-empty, each task shows
  // its program, or "no program" for tasks without one.
  std::map<std::string, std::string> programs;
};

std::string render_report_html(const ReportInput& input);

// Renders and writes atomically.
void write_report(const std::string& path, const ReportInput& input);

}  // namespace ttt::arc
