"""Reading inputs: files and folders walked safely, each format read by a registered reader."""

from .readers import Reader, read_inputs, supported_suffixes

__all__ = ["Reader", "read_inputs", "supported_suffixes"]
