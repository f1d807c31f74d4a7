#pragma once
// A learned per-object recoloring, a final step like the color map: every object (connected
// component) of the produced grid takes a color chosen by one of its properties — size, whether it is
// the largest/smallest, its shape, whether it touches the border, has a hole, its box — with the
// property → color table read off the demonstrations. Cells outside objects must stay unchanged.
//
// Guards against memorizing, as for local rules: one color per property value over all
// demonstrations, every object of a demonstration uniformly recolored (or left as is), and every
// property value the test objects show must have been seen. Properties are tried coarsest first.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ttt/arc/grid.h"
#include "ttt/arc/search/objects.h"

namespace ttt::arc::search {

struct ObjectRecolor {
  Extractor extractor = Extractor::kSameColor4;
  int property = 0;  // index into the property list (object_recolor.cpp)
  std::map<std::vector<int>, std::uint8_t> table;
  std::string name() const;  // "recolor_objects(objects4,by=size)"
};

std::optional<ObjectRecolor> learn_object_recolor(const std::vector<Grid>& produced, const std::vector<Grid>& truths,
                                                  const std::vector<Grid>& tests, std::uint8_t bg);
Grid apply_object_recolor(const ObjectRecolor& rule, const Grid& g, std::uint8_t bg);

}  // namespace ttt::arc::search
