// Object families: separate shapes on a background are moved, filtered or recolored as wholes.
// Objects are 8-connected single-color components; inputs place them apart so each stays one object.
#include <algorithm>

#include "ttt/arc/generators/groups.h"
#include "ttt/arc/generators/grid_ops.h"
#include "ttt/arc/generators/sampling.h"

namespace ttt::arc::gen {

namespace {

// How many objects a height×width grid holds comfortably: between lo and hi, fewer in small grids.
int object_count(Rng& rng, int height, int width, int lo, int hi) {
  return rng.uniform(lo, std::max(lo, std::min(hi, height * width / 14)));
}

Grid grid_of_objects(Rng& rng, const SideRange& sides, const std::vector<int>& colors, int lo, int hi,
                     int min_size, int max_size) {
  const int height = draw_side(rng, sides, 3), width = draw_side(rng, sides, 3);
  return grid_with_objects(rng, height, width, object_count(rng, height, width, lo, hi), colors, min_size, max_size);
}

void paint_object(Grid& g, const Object& obj, int down, int right, int color) {
  for (const Cell& cell : obj.cells)
    if (in_bounds(g, cell.r + down, cell.c + right))
      g.at(cell.r + down, cell.c + right) = static_cast<std::uint8_t>(color);
}

int foreground_count(const Grid& g) {
  const auto counts = color_counts(g);
  return g.height() * g.width() - counts[0];
}

bool touches_border(const Grid& g, const Object& obj) {
  return obj.top == 0 || obj.left == 0 || obj.bottom == g.height() - 1 || obj.right == g.width() - 1;
}

Grid shift_all(const Grid& g, int down, int right) {
  Grid out(g.height(), g.width());
  for (const Object& obj : find_objects(g, 0, true)) paint_object(out, obj, down, right, obj.color);
  return out;
}

// Each object slides in `direction` (0 down, 1 up, 2 left, 3 right) until it touches the border.
Grid move_to_border(const Grid& g, int direction) {
  Grid out(g.height(), g.width());
  for (const Object& obj : find_objects(g, 0, true)) {
    const int down = direction == 0 ? g.height() - 1 - obj.bottom : direction == 1 ? -obj.top : 0;
    const int right = direction == 3 ? g.width() - 1 - obj.right : direction == 2 ? -obj.left : 0;
    paint_object(out, obj, down, right, obj.color);
  }
  return out;
}

}  // namespace

void add_object_families(std::vector<Family>& out) {
  out.push_back({"shift_objects", "every object moves by one per-task vector (up to 3 cells each way)",
                 [](Rng& rng, const SideRange& sides) {
                   int down = 0, right = 0;
                   while (down == 0 && right == 0) {
                     down = rng.uniform(-3, 3);
                     right = rng.uniform(-3, 3);
                   }
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(1, 3));
                   Rule rule;
                   rule.apply = [=](const Grid& g) { return shift_all(g, down, right); };
                   rule.draw_input = [=](Rng& r) {
                     Grid g = grid_of_objects(r, sides, colors, 1, 5, 1, 6);
                     redraw_if(foreground_count(shift_all(g, down, right)) != foreground_count(g),
                               "an object would leave the grid");
                     return g;
                   };
                   return rule;
                 }});
  out.push_back({"move_to_border", "every object slides to a per-task side until it touches the border",
                 [](Rng& rng, const SideRange& sides) {
                   const int direction = rng.uniform(0, 3);
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(1, 3));
                   Rule rule;
                   rule.apply = [direction](const Grid& g) { return move_to_border(g, direction); };
                   rule.draw_input = [=](Rng& r) {
                     Grid g = grid_of_objects(r, sides, colors, 1, 4, 1, 6);
                     // Objects in one lane would land on each other; such inputs have no clean answer.
                     redraw_if(foreground_count(move_to_border(g, direction)) != foreground_count(g),
                               "objects would collide");
                     return g;
                   };
                   return rule;
                 }});
  out.push_back({"keep_largest_object", "only the largest object stays", [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(1, 4));
                   Rule rule;
                   rule.apply = [](const Grid& g) {
                     const auto objects = find_objects(g, 0, true);
                     const int largest = largest_object_index(objects);
                     Grid out(g.height(), g.width());
                     if (largest >= 0) paint_object(out, objects[largest], 0, 0, objects[largest].color);
                     return out;
                   };
                   rule.draw_input = [=](Rng& r) {
                     Grid g = grid_of_objects(r, sides, colors, 2, 6, 1, 9);
                     redraw_if(largest_object_index(find_objects(g, 0, true)) < 0, "no unique largest object");
                     return g;
                   };
                   return rule;
                 }});
  out.push_back({"remove_border_objects", "objects touching the grid border disappear",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(1, 3));
                   Rule rule;
                   rule.apply = [](const Grid& g) {
                     Grid out(g.height(), g.width());
                     for (const Object& obj : find_objects(g, 0, true))
                       if (!touches_border(g, obj)) paint_object(out, obj, 0, 0, obj.color);
                     return out;
                   };
                   rule.draw_input = [=](Rng& r) {
                     const int height = draw_side(r, sides, 5), width = draw_side(r, sides, 5);
                     Grid g(height, width);
                     for (int i = r.uniform(1, 2); i > 0; --i)
                       place_apart_on_border(r, g, random_shape(r, 3, 3, r.uniform(1, 5)), r.pick(colors), 0);
                     for (int i = object_count(r, height, width, 1, 4); i > 0; --i)
                       place_apart(r, g, random_shape(r, 3, 3, r.uniform(1, 5)), r.pick(colors), 0);
                     bool inner = false;
                     for (const Object& obj : find_objects(g, 0, true)) inner = inner || !touches_border(g, obj);
                     redraw_if(!inner, "every object touches the border");
                     return g;
                   };
                   return rule;
                 }});
  out.push_back({"recolor_by_size", "objects of one color are recolored by their size (1..4 cells, per-task colors)",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(5);  // [0] objects, [1..4] by size
                   Rule rule;
                   rule.apply = [colors](const Grid& g) {
                     Grid out = g;
                     for (const Object& obj : find_objects(g, 0, true))
                       if (obj.size() <= 4) paint_object(out, obj, 0, 0, colors[obj.size()]);
                     return out;
                   };
                   rule.draw_input = [=](Rng& r) {
                     Grid g = grid_of_objects(r, sides, {colors[0]}, 2, 7, 1, 4);
                     std::vector<bool> seen(5, false);
                     int distinct = 0;
                     for (const Object& obj : find_objects(g, 0, true))
                       if (!seen[obj.size()]) seen[obj.size()] = true, ++distinct;
                     redraw_if(distinct < 2, "all objects have the same size");
                     return g;
                   };
                   return rule;
                 }});
  out.push_back({"recolor_largest_object", "the largest object takes a per-task color",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(2);  // objects, highlight
                   Rule rule;
                   rule.apply = [colors](const Grid& g) {
                     const auto objects = find_objects(g, 0, true);
                     const int largest = largest_object_index(objects);
                     Grid out = g;
                     if (largest >= 0) paint_object(out, objects[largest], 0, 0, colors[1]);
                     return out;
                   };
                   rule.draw_input = [=](Rng& r) {
                     Grid g = grid_of_objects(r, sides, {colors[0]}, 2, 6, 1, 9);
                     redraw_if(largest_object_index(find_objects(g, 0, true)) < 0, "no unique largest object");
                     return g;
                   };
                   return rule;
                 }});
  out.push_back({"denoise", "isolated pixels (no neighbour, diagonals included) are removed; solid shapes stay",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(1, 3));
                   Rule rule;
                   rule.apply = [](const Grid& g) {
                     Grid out = g;
                     for (const Object& obj : find_objects(g, 0, true)) {
                       bool alone = obj.size() == 1;
                       for (int dr = -1; alone && dr <= 1; ++dr)
                         for (int dc = -1; dc <= 1; ++dc)
                           if ((dr || dc) && in_bounds(g, obj.top + dr, obj.left + dc) &&
                               g.at(obj.top + dr, obj.left + dc) != 0)
                             alone = false;
                       if (alone) out.at(obj.top, obj.left) = 0;
                     }
                     return out;
                   };
                   rule.draw_input = [=](Rng& r) {
                     const int height = draw_side(r, sides, 5), width = draw_side(r, sides, 5);
                     Grid g(height, width);
                     for (int i = object_count(r, height, width, 1, 3); i > 0; --i) {
                       const int h = r.uniform(2, std::max(2, std::min(6, height / 2)));
                       const int w = r.uniform(2, std::max(2, std::min(6, width / 2)));
                       place_apart(r, g, rectangle_cells(h, w), r.pick(colors), 0);
                     }
                     for (int i = object_count(r, height, width, 1, 8); i > 0; --i)
                       place_apart(r, g, {{0, 0}}, r.pick(colors), 0);
                     return g;
                   };
                   return rule;
                 }});
}

}  // namespace ttt::arc::gen
