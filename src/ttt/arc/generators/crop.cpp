// Cropping families: the output is a rectangle cut out of the input.
#include <algorithm>

#include "ttt/arc/generators/groups.h"
#include "ttt/arc/generators/grid_ops.h"
#include "ttt/arc/generators/sampling.h"

namespace ttt::arc::gen {

namespace {

Grid crop_box(const Grid& g, const Object& obj) { return crop(g, obj.top, obj.left, obj.height(), obj.width()); }

// Index of the only object whose color no other object has, or -1 when there is not exactly one.
int odd_color_object(const std::vector<Object>& objects) {
  int found = -1;
  for (int i = 0; i < static_cast<int>(objects.size()); ++i) {
    const auto same = std::count_if(objects.begin(), objects.end(),
                                    [&](const Object& o) { return o.color == objects[i].color; });
    if (same != 1) continue;
    if (found >= 0) return -1;
    found = i;
  }
  return found;
}

}  // namespace

void add_crop_families(std::vector<Family>& out) {
  out.push_back({"crop_to_content", "cut the bounding box of all non-background cells",
                 [](Rng& rng, const SideRange& sides) {
                   const NoiseStyle style = draw_noise_style(rng, 1, 4, 55, 85);
                   Rule rule;
                   rule.apply = [](const Grid& g) {
                     int top, left, bottom, right;
                     if (!content_box(g, 0, top, left, bottom, right)) return g;
                     return crop(g, top, left, bottom - top + 1, right - left + 1);
                   };
                   rule.draw_input = [=](Rng& r) {
                     const int height = draw_side(r, sides, 3), width = draw_side(r, sides, 3);
                     const int h = r.uniform(1, std::min(8, height - 1)), w = r.uniform(1, std::min(8, width - 1));
                     Grid g(height, width);
                     const int top = r.uniform(0, height - h), left = r.uniform(0, width - w);
                     const Grid patch = noise_grid(r, h, w, 0, style.colors, style.percent);
                     for (int i = 0; i < h; ++i)
                       for (int j = 0; j < w; ++j) g.at(top + i, left + j) = patch.at(i, j);
                     return g;
                   };
                   return rule;
                 }});
  out.push_back({"crop_largest_object", "cut the bounding box of the largest object",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(1, 4));
                   Rule rule;
                   rule.apply = [](const Grid& g) {
                     const auto objects = find_objects(g, 0, true);
                     const int largest = largest_object_index(objects);
                     return largest < 0 ? g : crop_box(g, objects[largest]);
                   };
                   rule.draw_input = [=](Rng& r) {
                     const int height = draw_side(r, sides, 4), width = draw_side(r, sides, 4);
                     const int count = r.uniform(2, std::max(2, std::min(6, height * width / 16)));
                     Grid g = grid_with_objects(r, height, width, count, colors, 1, 12, 5);
                     redraw_if(largest_object_index(find_objects(g, 0, true)) < 0, "no unique largest object");
                     return g;
                   };
                   return rule;
                 }});
  out.push_back({"crop_odd_color_object", "cut the bounding box of the one object whose color no other has",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(2);  // common, odd
                   Rule rule;
                   rule.apply = [](const Grid& g) {
                     const auto objects = find_objects(g, 0, true);
                     const int odd = odd_color_object(objects);
                     return odd < 0 ? g : crop_box(g, objects[odd]);
                   };
                   rule.draw_input = [=](Rng& r) {
                     const int height = draw_side(r, sides, 5), width = draw_side(r, sides, 5);
                     Grid g(height, width);
                     place_apart(r, g, random_shape(r, 4, 4, r.uniform(2, 10)), colors[1], 0);
                     for (int i = r.uniform(2, std::max(2, std::min(5, height * width / 14))); i > 0; --i)
                       place_apart(r, g, random_shape(r, 4, 4, r.uniform(2, 10)), colors[0], 0);
                     return g;
                   };
                   return rule;
                 }});
}

}  // namespace ttt::arc::gen
