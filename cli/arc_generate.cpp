#include "commands.h"

namespace ttt::cli {

void register_arc_generate(CLI::App& arc) { (void)arc; }

}  // namespace ttt::cli
