"""A minimal stand-in for the parts of Hugging Face `transformers` that the official TTT reference
(ttt.py of test-time-training/ttt-lm-pytorch) imports, so it runs on Debian's python3-torch alone
(transformers is not packaged in Debian). Used only to time and check the reference; not part of ttt.cpp."""
from .configuration_utils import PretrainedConfig  # noqa: F401
