#pragma once
// A small, dependency-free SVG line-plot writer: loss curves of training runs and loss-by-position curves
// of evaluations. The output is a self-contained .svg any browser opens.
#include <string>
#include <vector>

namespace ttt {

struct PlotSeries {
  std::string name;
  std::vector<double> x, y;  // same length; non-finite points are skipped (they break the line)
};

struct PlotOptions {
  std::string title, x_label, y_label;
  bool log_x = false;  // e.g. token position
  int width = 820, height = 500;
};

// Throws ttt::Error when a series' x and y lengths differ.
std::string render_line_plot_svg(const std::vector<PlotSeries>& series, const PlotOptions& options);

// "Nice" axis ticks covering [lo, hi]: steps of 1, 2 or 5 × 10^k, about `target` of them.
std::vector<double> nice_ticks(double lo, double hi, int target = 6);

}  // namespace ttt
