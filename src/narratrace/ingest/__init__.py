"""Ingest: files and folders in, ``RawItem``s (or ``Rejection``s with reasons) out."""

from .readers import SUPPORTED_SUFFIXES, read_inputs

__all__ = ["SUPPORTED_SUFFIXES", "read_inputs"]
