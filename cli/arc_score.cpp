#include "commands.h"

namespace ttt::cli {

void register_arc_score(CLI::App& arc) { (void)arc; }

}  // namespace ttt::cli
