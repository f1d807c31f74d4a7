#pragma once
// Every generator family, by name. The list is built once, in a fixed order (group by group), so
// "all" means the same families in the same order on every run.
#include <string>
#include <vector>

#include "ttt/arc/generators/family.h"

namespace ttt::arc::gen {

const std::vector<Family>& all_families();

// Throws ttt::Error naming the unknown family and listing the known ones.
const Family& find_family(const std::string& name);

// "all" → every family; otherwise a comma-separated list of names (duplicates rejected).
std::vector<const Family*> select_families(const std::string& spec);

}  // namespace ttt::arc::gen
