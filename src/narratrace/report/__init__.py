"""The self-contained HTML report of a store (one file an analyst can mail or archive)."""

from .html import render_report, write_report

__all__ = ["render_report", "write_report"]
