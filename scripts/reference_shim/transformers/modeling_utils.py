import torch.nn as nn


class PreTrainedModel(nn.Module):
    config_class = None
    base_model_prefix = ""

    def __init__(self, config, *args, **kwargs):
        super().__init__()
        self.config = config

    def _init_weights(self, module):
        pass

    def post_init(self):
        self.apply(self._init_weights)
        if getattr(self.config, "tie_word_embeddings", False) and hasattr(self, "lm_head") and hasattr(self, "model"):
            self.lm_head.weight = self.model.embed_tokens.weight
