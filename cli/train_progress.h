#pragma once
// The trainer's progress, shared by `ttt lm train` and `ttt arc pretrain`: with --json one "step" object per
// line on stdout; otherwise a line on stderr (redrawn in place on a terminal, every 10 steps in a log file).
#include "ttt/train/trainer.h"

namespace ttt::cli {

void print_train_step(const train::StepReport& r, bool json, bool tty);

}  // namespace ttt::cli
