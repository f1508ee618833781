"""Cleaning: article body apart from web debris, reader comments kept, removals recorded."""

from .pipeline import RuleCleaner
from .text import CleanText, TextCleaner

__all__ = ["CleanText", "RuleCleaner", "TextCleaner"]
