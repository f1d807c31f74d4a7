#include "ttt/arc/search/dsl.h"

#include <string>

#include "ttt/arc/grid_geometry.h"
#include "ttt/arc/search/objects.h"
#include "ttt/arc/search/primitives.h"

namespace ttt::arc::search {

TaskPalette task_palette(const Task& task) {
  TaskPalette palette;
  for (const Example& ex : task.train) {
    palette.input_colors |= color_set(ex.input);
    if (ex.output) palette.output_colors |= color_set(*ex.output);
  }
  for (const Example& ex : task.test) palette.input_colors |= color_set(ex.input);
  return palette;
}

std::optional<Grid> within_limits(std::optional<Grid> g) {
  if (!g || g->height() < 1 || g->width() < 1 || g->height() > kMaxGridSide || g->width() > kMaxGridSide)
    return std::nullopt;
  return g;
}

namespace {

using Fn = std::function<std::optional<Grid>(const Grid&)>;

std::vector<std::uint8_t> colors_of(std::uint16_t set, std::uint8_t bg) {
  std::vector<std::uint8_t> colors;
  for (int c = 0; c < kNumColors; ++c)
    if ((set >> c & 1) && c != bg) colors.push_back(static_cast<std::uint8_t>(c));
  return colors;
}

// Laid over its own mirror image: restores a picture symmetric under `mirror` wherever cells are bg.
Fn symmetrize(std::function<Grid(const Grid&)> mirror, std::uint8_t bg) {
  return [mirror, bg](const Grid& g) -> std::optional<Grid> { return overlay(g, mirror(g), bg); };
}

// By name prefix: every transform of these families keeps (or only grows) the grid's shape. The unit
// tests check the claim against the transforms themselves.
ShapeEffect shape_effect_of(const std::string& name) {
  static const char* keeps[] = {"rot180", "flip_", "gravity_", "symmetrize_", "shift_", "remove_isolated", "hollow",
                                "fill_majority_foreground", "keep(", "erase(", "erase_border_touching", "extend_rays",
                                "connect_pairs", "invert_binary", "draw_border", "fill_enclosed", "outline_objects",
                                "paint(", "remove_color", "keep_color", "repair_periodic", "fill_by_symmetry"};
  static const char* grows[] = {"scale_up", "stretch_", "tile(", "mirror_extend", "self_tile"};
  for (const char* prefix : keeps)
    if (name.rfind(prefix, 0) == 0) return ShapeEffect::kKeeps;
  for (const char* prefix : grows)
    if (name.rfind(prefix, 0) == 0) return ShapeEffect::kGrows;
  return ShapeEffect::kOther;
}

}  // namespace

std::vector<Transform> build_transforms(const TaskPalette& palette) {
  const std::uint8_t bg = palette.bg;
  std::vector<Transform> t;
  auto add = [&t](std::string name, int cost, Fn fn) {
    t.push_back({std::move(name), cost, false, std::move(fn), shape_effect_of(name)});
  };
  auto add_first = [&t](std::string name, int cost, Fn fn) {
    t.push_back({std::move(name), cost, true, std::move(fn), shape_effect_of(name)});
  };

  // Cost 1: rigid motions, cropping to content, gravity, mirror symmetry.
  add("rot90", 1, [](const Grid& g) { return rot90(g, 1); });
  add("rot180", 1, [](const Grid& g) { return rot90(g, 2); });
  add("rot270", 1, [](const Grid& g) { return rot90(g, 3); });
  add("flip_rows", 1, [](const Grid& g) { return flip(g, 0); });
  add("flip_columns", 1, [](const Grid& g) { return flip(g, 1); });
  add("transpose", 1, [](const Grid& g) { return transposed(g); });
  add("antitranspose", 1, [](const Grid& g) { return rot90(transposed(g), 2); });
  add("crop_to_content", 1, [bg](const Grid& g) { return crop_to_content(g, bg); });
  const char* side_names[] = {"up", "down", "left", "right"};
  const Side sides[] = {Side::kUp, Side::kDown, Side::kLeft, Side::kRight};
  for (int i = 0; i < 4; ++i)
    add(std::string("gravity_") + side_names[i], 1, [bg, s = sides[i]](const Grid& g) { return gravity(g, s, bg); });
  add("symmetrize_rows", 1, symmetrize([](const Grid& g) { return flip(g, 0); }, bg));
  add("symmetrize_columns", 1, symmetrize([](const Grid& g) { return flip(g, 1); }, bg));
  add("symmetrize_rot180", 1, symmetrize([](const Grid& g) { return rot90(g, 2); }, bg));
  add("symmetrize_transpose", 1, [bg](const Grid& g) -> std::optional<Grid> {
    if (g.height() != g.width()) return std::nullopt;
    return overlay(g, transposed(g), bg);
  });
  add("symmetrize_rot90", 1, [bg](const Grid& g) -> std::optional<Grid> {
    if (g.height() != g.width()) return std::nullopt;
    Grid out = g;
    for (int k = 1; k < 4; ++k) out = *overlay(out, rot90(g, k), bg);
    return out;
  });

  // Cost 2: resizing, repetition, cleanup, objects, halves.
  for (int f = 2; f <= 4; ++f) {
    add("scale_up(" + std::to_string(f) + ")", 2, [f](const Grid& g) { return scaled(g, f, f); });
    add("scale_down(" + std::to_string(f) + ")", 2, [f](const Grid& g) { return scale_down(g, f, f); });
  }
  for (int f = 2; f <= 3; ++f) {
    add("stretch_rows(" + std::to_string(f) + ")", 2, [f](const Grid& g) { return scaled(g, f, 1); });
    add("stretch_columns(" + std::to_string(f) + ")", 2, [f](const Grid& g) { return scaled(g, 1, f); });
    add("shrink_rows(" + std::to_string(f) + ")", 2, [f](const Grid& g) { return scale_down(g, f, 1); });
    add("shrink_columns(" + std::to_string(f) + ")", 2, [f](const Grid& g) { return scale_down(g, 1, f); });
  }
  const int tiles[][2] = {{1, 2}, {2, 1}, {2, 2}, {1, 3}, {3, 1}, {3, 3}};
  for (const auto& n : tiles)
    add("tile(" + std::to_string(n[0]) + "x" + std::to_string(n[1]) + ")", 2,
        [a = n[0], b = n[1]](const Grid& g) { return tiled(g, a, b); });
  for (int axis = 0; axis < 2; ++axis)
    for (int reverse = 0; reverse < 2; ++reverse)
      add(std::string("mirror_extend_") + (axis == 0 ? "down" : "right") + (reverse ? "_reversed" : ""), 2,
          [axis, reverse](const Grid& g) { return reflected(g, axis, reverse != 0); });
  add("crop_to_content(majority_bg)", 2, [](const Grid& g) { return crop_to_content(g, majority_color(g)); });
  add("dedupe_rows_columns", 2, [](const Grid& g) { return dedupe_rows_columns(g); });
  add("self_tile", 2, [bg](const Grid& g) { return self_tile(g, bg); });
  const int shifts[][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
  for (int i = 0; i < 4; ++i)
    add(std::string("shift_") + side_names[i], 2,
        [bg, dr = shifts[i][0], dc = shifts[i][1]](const Grid& g) { return shifted(g, dr, dc, bg); });
  add("remove_isolated", 2, [bg](const Grid& g) { return remove_isolated(g, bg); });
  add("hollow", 2, [bg](const Grid& g) { return hollow(g, bg); });
  add("fill_majority_foreground", 2, [bg](const Grid& g) { return fill_majority_foreground(g, bg); });

  const Extractor extractors[] = {Extractor::kSameColor4, Extractor::kSameColor8, Extractor::kMultiColor8,
                                  Extractor::kLatticeCells};
  for (Extractor e : extractors)
    for (Selector s : kAllSelectors) {
      const std::string args = std::string("(") + extractor_name(e) + "," + selector_name(s) + ")";
      // The selected piece of g, or nullptr; valid until the next extraction on this thread.
      auto pick = [e, s, bg](const Grid& g) -> const Piece* {
        const std::vector<Piece>& pieces = extract_cached(g, e, bg);
        const auto index = select_piece(pieces, s);
        return index ? &pieces[*index] : nullptr;
      };
      add("crop" + args, 2, [pick](const Grid& g) -> std::optional<Grid> {
        const Piece* p = pick(g);
        if (!p) return std::nullopt;
        return p->grid;
      });
      if (e == Extractor::kLatticeCells) continue;
      add("keep" + args, 2, [pick, bg](const Grid& g) -> std::optional<Grid> {
        const Piece* p = pick(g);
        if (!p) return std::nullopt;
        return keep_piece(g, *p, bg);
      });
      add("erase" + args, 2, [pick, bg](const Grid& g) -> std::optional<Grid> {
        const Piece* p = pick(g);
        if (!p) return std::nullopt;
        return erase_piece(g, *p, bg);
      });
    }
  for (Extractor e : {Extractor::kSameColor4, Extractor::kSameColor8, Extractor::kMultiColor8})
    add(std::string("erase_border_touching(") + extractor_name(e) + ")", 2, [e, bg](const Grid& g) -> std::optional<Grid> {
      return erase_border_pieces(g, extract_cached(g, e, bg), bg);
    });

  const char* logic_names[] = {"and", "or", "xor", "nor", "left_only"};
  const Logic logics[] = {Logic::kAnd, Logic::kOr, Logic::kXor, Logic::kNor, Logic::kLeftOnly};
  for (int axis = 0; axis < 2; ++axis) {
    const std::string halves = axis == 0 ? "halves_rows" : "halves_columns";
    for (int i = 0; i < 5; ++i)
      add(std::string(logic_names[i]) + "(" + halves + ")", 2,
          [axis, bg, op = logics[i]](const Grid& g) -> std::optional<Grid> {
            auto parts = split_in_two(g, axis);
            if (!parts) return std::nullopt;
            return combine(parts->first, parts->second, op, bg);
          });
    add("overlay_first_on_second(" + halves + ")", 2, [axis, bg](const Grid& g) -> std::optional<Grid> {
      auto parts = split_in_two(g, axis);
      if (!parts) return std::nullopt;
      return overlay(parts->first, parts->second, bg);
    });
    add("overlay_second_on_first(" + halves + ")", 2, [axis, bg](const Grid& g) -> std::optional<Grid> {
      auto parts = split_in_two(g, axis);
      if (!parts) return std::nullopt;
      return overlay(parts->second, parts->first, bg);
    });
  }

  for (int axis = 0; axis < 2; ++axis)
    for (int part = 0; part < 2; ++part)
      add(std::string(axis == 0 ? (part == 0 ? "top" : "bottom") : (part == 0 ? "left" : "right")) + "_half", 2,
          [axis, part](const Grid& g) -> std::optional<Grid> {
            auto parts = split_in_two(g, axis);
            if (!parts) return std::nullopt;
            return part == 0 ? parts->first : parts->second;
          });
  for (int i = 0; i < 4; ++i)
    add(std::string("lattice_") + logic_names[i], 2,
        [bg, op = logics[i]](const Grid& g) { return reduce_lattice(g, op, bg); });
  for (int i = 0; i < 4; ++i)
    add(std::string("extend_rays_") + side_names[i], 2, [bg, s = sides[i]](const Grid& g) { return extend_rays(g, s, bg); });
  add("extend_rays_horizontal", 2, [bg](const Grid& g) {
    return *overlay(extend_rays(g, Side::kLeft, bg), extend_rays(g, Side::kRight, bg), bg);
  });
  add("extend_rays_vertical", 2, [bg](const Grid& g) {
    return *overlay(extend_rays(g, Side::kUp, bg), extend_rays(g, Side::kDown, bg), bg);
  });
  add("connect_pairs_rows", 2, [bg](const Grid& g) { return connect_pairs(g, true, bg); });
  add("connect_pairs_columns", 2, [bg](const Grid& g) { return connect_pairs(g, false, bg); });
  add("invert_binary", 2, [bg](const Grid& g) -> std::optional<Grid> {
    const std::uint16_t fg = static_cast<std::uint16_t>(color_set(g) & ~(1u << bg));
    if (fg == 0 || (fg & (fg - 1)) != 0) return std::nullopt;  // exactly one foreground color
    std::uint8_t c = 0;
    while (!(fg >> c & 1)) ++c;
    Grid out = g;
    for (int r = 0; r < g.height(); ++r)
      for (int k = 0; k < g.width(); ++k) out.at(r, k) = g.at(r, k) == bg ? c : bg;
    return out;
  });
  add("majority_foreground_1x1", 2, [bg](const Grid& g) -> std::optional<Grid> {
    const auto filled = fill_majority_foreground(g, bg);
    if (!filled) return std::nullopt;
    for (auto v : filled->cells())
      if (v != bg) return Grid(1, 1, v);
    return std::nullopt;
  });

  // Cost 3: primitives with a color parameter, one transform per color the task uses.
  for (std::uint8_t c : colors_of(palette.output_colors, bg)) {
    const std::string arg = "(" + std::to_string(c) + ")";
    add("draw_border" + arg, 3, [c](const Grid& g) { return with_border(g, c); });
    add("fill_enclosed" + arg, 3, [c, bg](const Grid& g) { return fill_enclosed(g, c, bg); });
    add("outline_objects" + arg, 3, [c, bg](const Grid& g) { return outline_objects(g, c, bg); });
    for (Extractor e : {Extractor::kSameColor4, Extractor::kSameColor8, Extractor::kMultiColor8})
      for (Selector s : {Selector::kLargest, Selector::kSmallest})
        add(std::string("paint(") + extractor_name(e) + "," + selector_name(s) + "," + std::to_string(c) + ")", 3,
            [e, s, c, bg](const Grid& g) -> std::optional<Grid> {
              const std::vector<Piece>& pieces = extract_cached(g, e, bg);
              const auto index = select_piece(pieces, s);
              if (!index) return std::nullopt;
              return paint_piece(g, pieces[*index], c);
            });
  }
  // Holes may be any input color, the background included.
  const char* symmetry_names[] = {"rows", "columns", "both", "rot180", "transpose"};
  const Symmetry symmetries[] = {Symmetry::kFlipRows, Symmetry::kFlipColumns, Symmetry::kBothFlips,
                                 Symmetry::kRot180, Symmetry::kTranspose};
  for (int c = 0; c < kNumColors; ++c) {
    if (!(palette.input_colors >> c & 1)) continue;
    const auto hole = static_cast<std::uint8_t>(c);
    const std::string arg = "(" + std::to_string(c) + ")";
    add_first("repair_periodic" + arg, 3, [hole](const Grid& g) { return repair_periodic(g, hole); });
    for (int i = 0; i < 5; ++i)
      add_first(std::string("fill_by_symmetry_") + symmetry_names[i] + arg, 3,
                [hole, s = symmetries[i]](const Grid& g) { return fill_by_symmetry(g, s, hole); });
  }
  for (std::uint8_t c : colors_of(palette.input_colors, bg)) {
    const std::string arg = "(" + std::to_string(c) + ")";
    add("remove_color" + arg, 3, [c, bg](const Grid& g) { return remove_color(g, c, bg); });
    add("keep_color" + arg, 3, [c, bg](const Grid& g) { return keep_color(g, c, bg); });
  }
  return t;
}

}  // namespace ttt::arc::search
