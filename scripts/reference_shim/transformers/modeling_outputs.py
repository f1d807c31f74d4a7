from .utils import ModelOutput  # noqa: F401

BaseModelOutputWithPast = ModelOutput
CausalLMOutputWithPast = ModelOutput
