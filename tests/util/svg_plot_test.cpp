// The SVG plot writer: nice ticks by hand, and a rendered plot that holds every series, its legend, its
// escaped labels, and breaks lines at non-finite points.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ttt/util/error.h"
#include "ttt/util/svg_plot.h"

namespace ttt {
namespace {

int count(const std::string& text, const std::string& part) {
  int n = 0;
  for (auto pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) ++n;
  return n;
}

void expect_ticks(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << i;
}

TEST(NiceTicks, StepsOfOneTwoOrFive) {
  expect_ticks(nice_ticks(0, 10, 5), {0, 2, 4, 6, 8, 10});
  expect_ticks(nice_ticks(0.3, 1.1, 4), {0.4, 0.6, 0.8, 1.0});
  expect_ticks(nice_ticks(-7, 7, 3), {-5, 0, 5});
  expect_ticks(nice_ticks(3, 3), {3});
}

TEST(SvgPlot, DrawsEverySeriesWithLegendAndBreaksAtNaN) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  PlotSeries a{"train <loss>", {1, 2, 3, 4}, {4.0, 3.0, nan, 2.0}};
  PlotSeries b{"val", {2, 4}, {3.5, 2.5}};
  PlotOptions o;
  o.title = "run & co";
  const auto svg = render_line_plot_svg({a, b}, o);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_EQ(count(svg, "<path"), 2);
  EXPECT_NE(svg.find("train &lt;loss&gt;"), std::string::npos);
  EXPECT_NE(svg.find("run &amp; co"), std::string::npos);
  // Series a: M (1) L (2), then the NaN breaks the line: M (4).
  const auto path = svg.substr(svg.find("<path d=\""), 200);
  EXPECT_EQ(count(path.substr(0, path.find('"', 9)), " M"), 2);
  EXPECT_EQ(count(path.substr(0, path.find('"', 9)), " L"), 1);
}

TEST(SvgPlot, EmptyDataStillRendersAndMismatchedSeriesIsAnError) {
  EXPECT_NE(render_line_plot_svg({}, {}).find("no data"), std::string::npos);
  PlotOptions log;
  log.log_x = true;
  EXPECT_NE(render_line_plot_svg({{"s", {1, 10, 100}, {3, 2, 1}}}, log).find("(log scale)"), std::string::npos);
  EXPECT_THROW(render_line_plot_svg({{"bad", {1, 2}, {1}}}, {}), Error);
}

}  // namespace
}  // namespace ttt
