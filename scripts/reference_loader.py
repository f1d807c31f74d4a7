"""Loads the official ttt.py (test-time-training/ttt-lm-pytorch) for the timing scripts next to this file.
ttt.py is not part of ttt.cpp: the user fetches it. It imports `transformers`, which Debian does not package;
scripts/reference_shim provides the few names it uses."""
import importlib.util
import os
import sys

import torch


def load_ttt_py(path, threads=0):
    if threads > 0:
        torch.set_num_threads(threads)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference_shim"))
    spec = importlib.util.spec_from_file_location("ttt_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
