// The DSL's transform list: unique names, and each transform's declared shape effect (which lets the
// search skip transforms at the last step) holds on real grids.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "ttt/arc/search/dsl.h"

using namespace ttt::arc;
using namespace ttt::arc::search;

TEST(SearchDsl, NamesAreUniqueAndCostsPositive) {
  TaskPalette palette;
  palette.input_colors = palette.output_colors = 0x3ff;
  const auto transforms = build_transforms(palette);
  std::set<std::string> names;
  for (const Transform& t : transforms) {
    EXPECT_TRUE(names.insert(t.name).second) << t.name;
    EXPECT_GE(t.cost, 1) << t.name;
  }
  EXPECT_GT(transforms.size(), 150u);
  // Cheapest first, so breadth-first order meets cheap programs first.
  for (std::size_t i = 1; i < transforms.size(); ++i) EXPECT_LE(transforms[i - 1].cost, transforms[i].cost);
}

TEST(SearchDsl, DeclaredShapeEffectsHold) {
  TaskPalette palette;
  palette.input_colors = palette.output_colors = 0x3f;  // colors 0-5
  const auto transforms = build_transforms(palette);
  std::mt19937 rng(3);
  std::vector<Grid> grids;
  for (int i = 0; i < 12; ++i) {
    Grid g(2 + static_cast<int>(rng() % 6), 2 + static_cast<int>(rng() % 6), 0);
    for (int r = 0; r < g.height(); ++r)
      for (int c = 0; c < g.width(); ++c)
        if (rng() % 100 < 45) g.at(r, c) = static_cast<std::uint8_t>(1 + rng() % 5);
    grids.push_back(g);
  }
  grids.push_back(Grid(4, 4, 3));
  for (const Transform& t : transforms) {
    if (t.shape == ShapeEffect::kOther) continue;
    for (const Grid& g : grids) {
      const auto out = t.apply(g);
      if (!out) continue;
      if (t.shape == ShapeEffect::kKeeps) {
        EXPECT_TRUE(out->height() == g.height() && out->width() == g.width()) << t.name;
      } else {
        EXPECT_TRUE(out->height() >= g.height() && out->width() >= g.width() &&
                    (out->height() > g.height() || out->width() > g.width()))
            << t.name;
      }
    }
  }
}
