#pragma once
// One function per source file of families; registry.cpp calls them in this order. Registration is
// explicit rather than by static initialisers because the families live in a static library, where
// the linker would drop an object file nothing refers to.
#include <vector>

#include "ttt/arc/generators/family.h"

namespace ttt::arc::gen {

void add_geometry_families(std::vector<Family>& out);
void add_tiling_families(std::vector<Family>& out);
void add_scaling_families(std::vector<Family>& out);
void add_color_families(std::vector<Family>& out);
void add_gravity_families(std::vector<Family>& out);
void add_object_families(std::vector<Family>& out);
void add_crop_families(std::vector<Family>& out);
void add_outline_families(std::vector<Family>& out);
void add_fill_families(std::vector<Family>& out);
void add_line_families(std::vector<Family>& out);
void add_counting_families(std::vector<Family>& out);
void add_pattern_families(std::vector<Family>& out);
void add_logic_families(std::vector<Family>& out);

}  // namespace ttt::arc::gen
