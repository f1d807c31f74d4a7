// HTML report content: ids (escaped), palette, grids, and right/wrong marks that agree with scoring.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "ttt/arc/report.h"
#include "ttt/util/atomic_file.h"

using ttt::arc::Attempts;
using ttt::arc::Grid;
using ttt::arc::ReportInput;
using ttt::arc::Task;

namespace {

Grid G(const std::vector<std::vector<int>>& rows) { return Grid::from_rows(rows); }

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

Task task(const std::string& id, std::vector<Grid> test_inputs) {
  Task t;
  t.id = id;
  t.train.push_back({G({{1, 2}, {3, 4}}), G({{4, 3}, {2, 1}})});
  for (auto& g : test_inputs) t.test.push_back({g, std::nullopt});
  return t;
}

// Task "two": input 0 right by attempt_2, input 1 wrong → task wrong. Task "one": right by attempt_1.
// Task "missing": no submission entry → wrong. Task "nosol": no truth → unscored.
ReportInput sample() {
  ReportInput in;
  in.title = "sample";
  in.tasks = {task("two", {G({{1}}), G({{2}})}), task("one", {G({{3}})}), task("missing", {G({{5}})}),
              task("nosol", {G({{6}})})};
  in.submission["two"] = {Attempts{G({{7}}), G({{8, 8}})}, Attempts{G({{0}}), G({{9}})}};
  in.submission["one"] = {Attempts{G({{6, 6}, {6, 6}}), G({{0}})}};
  in.submission["nosol"] = {Attempts{G({{1}}), G({{2}})}};
  in.solutions["two"] = {G({{8, 8}}), G({{4}})};
  in.solutions["one"] = {G({{6, 6}, {6, 6}})};
  in.solutions["missing"] = {G({{5, 5}})};
  return in;
}

}  // namespace

TEST(Report, EscapesHtmlSpecials) {
  EXPECT_EQ(ttt::arc::html_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(ttt::arc::html_escape("plain-id_1"), "plain-id_1");
}

TEST(Report, ShowsEveryTaskIdEscapedAndNeverRaw) {
  ReportInput in = sample();
  in.tasks.push_back(task("<script>alert('x')</script>", {G({{1}})}));
  const std::string html = ttt::arc::render_report_html(in);
  for (const char* id : {"two", "one", "missing", "nosol"}) EXPECT_NE(html.find(std::string(">") + id + "<"), std::string::npos) << id;
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
}

TEST(Report, IsSelfContainedWithTheArcPalette) {
  const std::string html = ttt::arc::render_report_html(sample());
  for (const std::string& color : ttt::arc::arc_palette()) EXPECT_NE(html.find(color), std::string::npos) << color;
  EXPECT_EQ(ttt::arc::arc_palette()[1], "#0074D9");
  EXPECT_EQ(ttt::arc::arc_palette()[9], "#870C25");
  for (const char* external : {"http:", "https:", "src=", "<script", "<link", "@import", "url("})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(Report, RightAndWrongMarksFollowScoring) {
  const std::string html = ttt::arc::render_report_html(sample());
  // Right: "two" input 0 and its attempt_2, "one" input 0 and its attempt_1.
  EXPECT_EQ(count(html, "data-result=\"right\""), 4u);
  // Wrong: "two" input 0 attempt_1, input 1 and both its attempts, "one" attempt_2, "missing" input 0.
  EXPECT_EQ(count(html, "data-result=\"wrong\""), 6u);
  // "missing" has a truth but no entry: shown as no prediction, and scored wrong.
  EXPECT_EQ(count(html, "data-result=\"missing\""), 1u);
  EXPECT_NE(html.find("Score: 1 / 3 tasks (33.3 %); test inputs 2 / 4"), std::string::npos);
  // Summary rows: task, inputs, correct inputs, score ("nosol" unscored).
  EXPECT_NE(html.find(">two</a></td><td>2</td><td>1</td><td class=\"wrong\">0</td>"), std::string::npos);
  EXPECT_NE(html.find(">one</a></td><td>1</td><td>1</td><td class=\"right\">1</td>"), std::string::npos);
  EXPECT_NE(html.find(">missing</a></td><td>1</td><td>0</td><td class=\"wrong\">0</td>"), std::string::npos);
  EXPECT_NE(html.find(">nosol</a></td><td>1</td><td class=\"unknown\">?</td>"), std::string::npos);
}

TEST(Report, DrawsEveryCellOfEveryGrid) {
  ReportInput in;
  in.tasks = {task("t", {G({{0, 1, 2}, {3, 4, 5}})})};
  in.submission["t"] = {Attempts{G({{6, 7, 8}, {9, 9, 9}}), G({{1}})}};
  const std::string html = ttt::arc::render_report_html(in);
  // Cells: demo 4 + 4, test input 6, attempts 6 + 1; no truth given.
  EXPECT_EQ(count(html, "<td class=\"c"), 21u);
  EXPECT_EQ(count(html, "<td class=\"c9\">"), 3u);
  EXPECT_NE(html.find("No true outputs given"), std::string::npos);
  EXPECT_EQ(count(html, "data-result="), 0u);
}

TEST(Report, WritesTheFileAtomically) {
  const auto dir = std::filesystem::temp_directory_path() / "ttt_report_unit";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "r.html").string();
  ttt::arc::write_report(path, sample());
  EXPECT_EQ(ttt::read_file(path), ttt::arc::render_report_html(sample()));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()), 1);
  std::filesystem::remove_all(dir);
}
