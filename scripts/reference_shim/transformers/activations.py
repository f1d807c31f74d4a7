import torch.nn as nn

ACT2FN = {
    "silu": nn.SiLU(),
    "swish": nn.SiLU(),
    "gelu": nn.GELU(),
    "gelu_new": nn.GELU(approximate="tanh"),
    "gelu_pytorch_tanh": nn.GELU(approximate="tanh"),
    "relu": nn.ReLU(),
}
