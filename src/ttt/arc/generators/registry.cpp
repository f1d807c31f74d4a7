#include "ttt/arc/generators/registry.h"

#include <set>

#include "ttt/arc/generators/groups.h"
#include "ttt/util/error.h"

namespace ttt::arc::gen {

namespace {

std::vector<Family> build_registry() {
  std::vector<Family> families;
  add_geometry_families(families);
  add_tiling_families(families);
  add_scaling_families(families);
  add_color_families(families);
  add_gravity_families(families);
  add_object_families(families);
  add_crop_families(families);
  add_outline_families(families);
  add_fill_families(families);
  add_line_families(families);
  add_counting_families(families);
  add_pattern_families(families);
  add_logic_families(families);
  std::set<std::string> names;
  for (const Family& f : families)
    TTT_CHECK(names.insert(f.name).second, "[arc generate] family '", f.name, "' is registered twice");
  return families;
}

std::string known_names() {
  std::string names;
  for (const Family& f : all_families()) names += (names.empty() ? "" : ", ") + f.name;
  return names;
}

}  // namespace

const std::vector<Family>& all_families() {
  static const std::vector<Family> families = build_registry();
  return families;
}

const Family& find_family(const std::string& name) {
  for (const Family& f : all_families())
    if (f.name == name) return f;
  fail("[arc generate] unknown family '", name, "'; known families: ", known_names());
}

std::vector<const Family*> select_families(const std::string& spec) {
  std::vector<const Family*> selected;
  if (spec == "all") {
    for (const Family& f : all_families()) selected.push_back(&f);
    return selected;
  }
  std::set<std::string> seen;
  std::size_t start = 0;
  while (start <= spec.size()) {
    const std::size_t comma = std::min(spec.find(',', start), spec.size());
    const std::string name = spec.substr(start, comma - start);
    TTT_CHECK(!name.empty(), "[arc generate] empty family name in '", spec, "' (use a,b,c or all)");
    TTT_CHECK(seen.insert(name).second, "[arc generate] family '", name, "' is listed twice");
    selected.push_back(&find_family(name));
    start = comma + 1;
  }
  return selected;
}

}  // namespace ttt::arc::gen
