#include "commands.h"

namespace ttt::cli {

void register_arc_report(CLI::App& arc) { (void)arc; }

}  // namespace ttt::cli
