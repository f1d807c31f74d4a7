def is_causal_conv1d_available():
    return False
