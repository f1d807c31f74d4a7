#include "ttt/util/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "ttt/util/error.h"

namespace ttt {
namespace {

// Colour-blind-friendly palette (Okabe–Ito), cycled.
const char* const kColors[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};

std::string escape_xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') out += c;
    }
  }
  return out;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string coord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (hi <= lo) return {lo};
  const double raw = (hi - lo) / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  std::vector<double> ticks;
  // Integer multiples of the step (not a running sum, which drifts).
  for (auto i = static_cast<long long>(std::ceil(lo / step - 1e-9)); i * step <= hi + step * 1e-9; ++i)
    ticks.push_back(static_cast<double>(i) * step);
  return ticks;
}

std::string render_line_plot_svg(const std::vector<PlotSeries>& series, const PlotOptions& o) {
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  auto tx = [&](double x) { return o.log_x ? std::log10(x) : x; };
  auto usable = [&](double x, double y) { return std::isfinite(x) && std::isfinite(y) && (!o.log_x || x > 0); };
  for (const auto& s : series) {
    TTT_CHECK(s.x.size() == s.y.size(), "[plot] series '", s.name, "' has ", s.x.size(), " x values and ",
              s.y.size(), " y values");
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!usable(s.x[i], s.y[i])) continue;
      xlo = std::min(xlo, tx(s.x[i]));
      xhi = std::max(xhi, tx(s.x[i]));
      ylo = std::min(ylo, s.y[i]);
      yhi = std::max(yhi, s.y[i]);
    }
  }
  const bool empty = !(xlo <= xhi);
  if (empty) xlo = 0, xhi = 1, ylo = 0, yhi = 1;
  if (xhi == xlo) xhi = xlo + 1;
  if (yhi == ylo) yhi = ylo + 1;
  const double pad = 0.04 * (yhi - ylo);
  ylo -= pad;
  yhi += pad;

  const double left = 70, right = 20 + 170, top = 40, bottom = 55;
  const double pw = o.width - left - right, ph = o.height - top - bottom;
  auto px = [&](double x) { return left + (tx(x) - xlo) / (xhi - xlo) * pw; };
  auto py = [&](double y) { return top + (1.0 - (y - ylo) / (yhi - ylo)) * ph; };

  std::string svg;
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(o.width) + "\" height=\"" +
         std::to_string(o.height) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"" + coord(o.width / 2.0) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" +
         escape_xml(o.title) + "</text>\n";
  // Grid and ticks.
  for (double t : nice_ticks(ylo, yhi)) {
    svg += "<line x1=\"" + coord(left) + "\" x2=\"" + coord(left + pw) + "\" y1=\"" + coord(py(t)) + "\" y2=\"" +
           coord(py(t)) + "\" stroke=\"#ddd\"/>\n";
    svg += "<text x=\"" + coord(left - 6) + "\" y=\"" + coord(py(t) + 4) + "\" text-anchor=\"end\">" + number(t) +
           "</text>\n";
  }
  std::vector<double> xticks;
  if (o.log_x) {
    for (double e = std::floor(xlo); e <= std::ceil(xhi); e += 1)
      if (e >= xlo - 1e-9 && e <= xhi + 1e-9) xticks.push_back(std::pow(10.0, e));
  } else {
    xticks = nice_ticks(xlo, xhi);
  }
  for (double t : xticks) {
    svg += "<line y1=\"" + coord(top) + "\" y2=\"" + coord(top + ph) + "\" x1=\"" + coord(px(t)) + "\" x2=\"" +
           coord(px(t)) + "\" stroke=\"#ddd\"/>\n";
    svg += "<text y=\"" + coord(top + ph + 16) + "\" x=\"" + coord(px(t)) + "\" text-anchor=\"middle\">" +
           number(t) + "</text>\n";
  }
  svg += "<rect x=\"" + coord(left) + "\" y=\"" + coord(top) + "\" width=\"" + coord(pw) + "\" height=\"" + coord(ph) +
         "\" fill=\"none\" stroke=\"#333\"/>\n";
  svg += "<text x=\"" + coord(left + pw / 2) + "\" y=\"" + coord(o.height - 12.0) + "\" text-anchor=\"middle\">" +
         escape_xml(o.x_label) + (o.log_x ? " (log scale)" : "") + "</text>\n";
  svg += "<text transform=\"translate(16," + coord(top + ph / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
         escape_xml(o.y_label) + "</text>\n";
  if (empty)
    svg += "<text x=\"" + coord(left + pw / 2) + "\" y=\"" + coord(top + ph / 2) +
           "\" text-anchor=\"middle\" fill=\"#888\">no data</text>\n";

  // Lines (a non-finite point breaks the line) and the legend.
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    const char* color = kColors[k % (sizeof kColors / sizeof *kColors)];
    std::string path;
    bool pen_down = false;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!usable(s.x[i], s.y[i])) {
        pen_down = false;
        continue;
      }
      path += (pen_down ? " L" : " M") + coord(px(s.x[i])) + " " + coord(py(s.y[i]));
      pen_down = true;
    }
    if (!path.empty())
      svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.8\"/>\n";
    const double ly = top + 14 + 20.0 * k;
    svg += "<line x1=\"" + coord(left + pw + 12) + "\" x2=\"" + coord(left + pw + 34) + "\" y1=\"" + coord(ly) +
           "\" y2=\"" + coord(ly) + "\" stroke=\"" + color + "\" stroke-width=\"3\"/>\n";
    svg += "<text x=\"" + coord(left + pw + 40) + "\" y=\"" + coord(ly + 4) + "\">" + escape_xml(s.name) + "</text>\n";
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace ttt
