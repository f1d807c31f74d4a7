import logging as _logging
from dataclasses import fields


class ModelOutput:
    """Dataclass outputs that index like the tuple of their non-None fields (HF behaviour)."""

    def to_tuple(self):
        return tuple(getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None)

    def __getitem__(self, key):
        if isinstance(key, str):
            return getattr(self, key)
        return self.to_tuple()[key]


class logging:  # noqa: N801 - mirrors transformers.utils.logging
    @staticmethod
    def get_logger(name):
        return _logging.getLogger(name)
