#include "ttt/arc/report.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace ttt::arc {

namespace {

constexpr int kGridBoxPixels = 180;  // the longer side of a rendered grid, so big grids stay on screen

const char* kStyle = R"(
body{font-family:sans-serif;margin:16px;background:#fff;color:#222}
table.summary{border-collapse:collapse;margin-bottom:24px}
table.summary td,table.summary th{border:1px solid #bbb;padding:2px 8px;text-align:right}
table.summary td:first-child,table.summary th:first-child{text-align:left}
section.task{border-top:2px solid #444;margin-top:24px;padding-top:8px}
.row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start;margin:8px 0}
.pair{display:flex;gap:6px;align-items:center;border:1px solid #ddd;padding:6px}
figure{margin:0;text-align:center}
figcaption{font-size:12px;margin-top:2px}
table.grid{border-collapse:collapse;border:1px solid #888;table-layout:fixed}
table.grid td{padding:0;border:1px solid #555}
.right{color:#0a7a0a;font-weight:bold}
.wrong{color:#c00;font-weight:bold}
.unknown{color:#777}
)";

std::string grid_html(const Grid& g) {
  const int longest = std::max(g.height(), g.width());
  const int cell = std::max(4, std::min(24, kGridBoxPixels / std::max(1, longest)));
  std::ostringstream out;
  out << "<table class=\"grid\" style=\"width:" << cell * g.width() << "px;height:" << cell * g.height()
      << "px\">";
  for (int r = 0; r < g.height(); ++r) {
    out << "<tr>";
    for (int c = 0; c < g.width(); ++c) out << "<td class=\"c" << static_cast<int>(g.at(r, c)) << "\"></td>";
    out << "</tr>";
  }
  out << "</table>";
  return out.str();
}

std::string figure(const Grid& g, const std::string& caption_html) {
  return "<figure>" + grid_html(g) + "<figcaption>" + caption_html + "</figcaption></figure>";
}

std::string mark(bool right) {
  return right ? "<span class=\"right\" data-result=\"right\">&#10003; right</span>"
               : "<span class=\"wrong\" data-result=\"wrong\">&#10007; wrong</span>";
}

std::string size_text(const Grid& g) { return str(g.height(), "&times;", g.width()); }

}  // namespace

const std::vector<std::string>& arc_palette() {
  static const std::vector<std::string> palette = {"#000000", "#0074D9", "#FF4136", "#2ECC40", "#FFDC00",
                                                   "#AAAAAA", "#F012BE", "#FF851B", "#7FDBFF", "#870C25"};
  return palette;
}

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string render_report_html(const ReportInput& input) {
  // Score only the tasks on the page that have a truth; the rest are shown as unknown.
  Solutions truths;
  for (const Task& task : input.tasks) {
    auto it = input.solutions.find(task.id);
    if (it != input.solutions.end()) truths[task.id] = it->second;
  }
  std::map<std::string, TaskScore> scores;
  ScoreReport report;
  if (!truths.empty()) {
    report = score_submission(input.submission, truths);
    for (const TaskScore& s : report.tasks) scores[s.task_id] = s;
  }

  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << html_escape(input.title)
      << "</title>\n<style>" << kStyle;
  for (int c = 0; c < kNumColors; ++c) out << "td.c" << c << "{background:" << arc_palette()[c] << "}\n";
  out << "</style></head><body>\n<h1>" << html_escape(input.title) << "</h1>\n";

  if (truths.empty()) {
    out << "<p class=\"unknown\">No true outputs given: attempts are shown without a score.</p>\n";
  } else {
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.1f", 100.0 * report.score());
    out << "<p id=\"score\">Score: " << report.correct_tasks() << " / " << report.task_count() << " tasks (" << pct
        << " %); test inputs " << report.correct_inputs() << " / " << report.input_count() << "</p>\n";
  }

  const bool with_programs = !input.programs.empty();
  out << "<table class=\"summary\"><thead><tr><th>task</th><th>inputs</th><th>correct</th><th>score</th>"
      << (with_programs ? "<th>program</th>" : "") << "</tr></thead><tbody>\n";
  for (std::size_t i = 0; i < input.tasks.size(); ++i) {
    const Task& task = input.tasks[i];
    out << "<tr><td><a href=\"#task-" << i << "\">" << html_escape(task.id) << "</a></td><td>" << task.test.size()
        << "</td>";
    auto s = scores.find(task.id);
    if (s == scores.end()) {
      out << "<td class=\"unknown\">?</td><td class=\"unknown\">?</td>";
    } else {
      out << "<td>" << s->second.correct_inputs() << "</td><td class=\"" << (s->second.correct() ? "right" : "wrong")
          << "\">" << (s->second.correct() ? 1 : 0) << "</td>";
    }
    if (with_programs) {
      const auto program = input.programs.find(task.id);
      const bool none = program == input.programs.end() || program->second.empty();
      out << "<td class=\"program\">" << (none ? "no program" : html_escape(program->second)) << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody></table>\n";

  for (std::size_t i = 0; i < input.tasks.size(); ++i) {
    const Task& task = input.tasks[i];
    out << "<section class=\"task\" id=\"task-" << i << "\"><h2>" << html_escape(task.id) << "</h2>\n";
    if (!input.programs.empty()) {
      const auto program = input.programs.find(task.id);
      if (program == input.programs.end() || program->second.empty()) {
        out << "<p class=\"program unknown\">no program</p>\n";
      } else {
        out << "<p class=\"program\">program: <code>" << html_escape(program->second) << "</code></p>\n";
      }
    }
    out << "<h3>Demonstrations</h3><div class=\"row\">";
    for (std::size_t d = 0; d < task.train.size(); ++d) {
      const Example& ex = task.train[d];
      out << "<div class=\"pair\">" << figure(ex.input, str("in ", d, " (", size_text(ex.input), ")"));
      if (ex.output) out << "&rarr;" << figure(*ex.output, str("out ", d, " (", size_text(*ex.output), ")"));
      out << "</div>";
    }
    out << "</div>\n";

    auto sub = input.submission.find(task.id);
    auto truth = truths.find(task.id);
    for (std::size_t t = 0; t < task.test.size(); ++t) {
      out << "<h3>Test " << t;
      const bool has_truth = truth != truths.end() && t < truth->second.size();
      if (has_truth) out << " " << mark(scores[task.id].input_correct.at(t));
      out << "</h3><div class=\"row\">" << figure(task.test[t].input, str("input (", size_text(task.test[t].input), ")"));
      if (sub == input.submission.end() || t >= sub->second.size()) {
        out << "<p class=\"wrong\" data-result=\"missing\">no prediction</p>";
      } else {
        const Attempts& a = sub->second[t];
        for (int k = 1; k <= 2; ++k) {
          const Grid& g = k == 1 ? a.attempt_1 : a.attempt_2;
          std::string caption = str("attempt ", k, " (", size_text(g), ")");
          if (has_truth) caption += " " + mark(g == truth->second[t]);
          out << figure(g, caption);
        }
      }
      if (has_truth) out << figure(truth->second[t], str("truth (", size_text(truth->second[t]), ")"));
      out << "</div>\n";
    }
    out << "</section>\n";
  }
  out << "</body></html>\n";
  return out.str();
}

void write_report(const std::string& path, const ReportInput& input) {
  write_file_atomic(path, render_report_html(input));
}

}  // namespace ttt::arc
