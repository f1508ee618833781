"""Walking the paths a user gave, without ever leaving them.

Symlinks are followed only while they stay inside the folder the user named: a link
out of it, a dangling link or a loop is reported as a rejection instead of being
read, so a hostile archive cannot make the program read ``/etc`` or spin forever.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..records import Rejection, SourceRef


@dataclass(frozen=True)
class FoundFile:
    path: Path
    explicit: bool  # named on the command line (unsupported types are then an error)


@dataclass(frozen=True)
class Skipped:
    path: Path
    why: str


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _loops(path: Path) -> bool:
    """A link whose chain of targets comes back on itself (ELOOP), not one to a missing file."""
    try:
        path.resolve(strict=True)
    except RuntimeError:  # older Pythons report a loop this way
        return True
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def iter_files(paths: list[str]) -> Iterator[FoundFile | Rejection | Skipped]:
    for given in paths:
        p = Path(given)
        ref = SourceRef(path=str(p))
        if not os.path.lexists(p):
            yield Rejection(ref, "not_found", f"{p}: no such file or folder; check the path")
            continue
        if p.is_symlink() and not p.exists():
            if _loops(p):
                yield Rejection(ref, "symlink_loop", f"{p}: symbolic links that lead back to themselves")
            else:
                yield Rejection(ref, "broken_symlink", f"{p}: symbolic link to a missing target")
            continue
        try:
            real = p.resolve(strict=True)
        except (OSError, RuntimeError) as exc:  # RuntimeError: symlink loop on older Pythons
            yield Rejection(ref, "unreadable", f"{p}: cannot resolve path ({exc})")
            continue
        if real.is_dir():
            yield from _walk_dir(p, real)
        elif real.is_file():
            yield FoundFile(p, explicit=True)
        else:
            yield Rejection(ref, "not_a_file", f"{p}: not a regular file or folder (device, socket or fifo)")


def _walk_dir(shown: Path, root: Path) -> Iterator[FoundFile | Rejection | Skipped]:
    visited: set[Path] = {root}
    stack: list[tuple[Path, Path]] = [(shown, root)]
    while stack:
        shown_dir, real_dir = stack.pop()
        try:
            entries = sorted(os.scandir(real_dir), key=lambda e: e.name)
        except OSError as exc:
            yield Rejection(
                SourceRef(path=str(shown_dir)), "unreadable", f"{shown_dir}: cannot list folder ({exc.strerror})"
            )
            continue
        subdirs: list[tuple[Path, Path]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue  # .git, editor swap files, macOS metadata
            shown_path = shown_dir / entry.name
            ref = SourceRef(path=str(shown_path))
            try:
                if entry.is_symlink():
                    target = Path(entry.path).resolve(strict=False)
                    if not target.exists():
                        yield Rejection(ref, "broken_symlink", f"{shown_path}: symbolic link to a missing target")
                        continue
                    if not _inside(target, root):
                        yield Rejection(
                            ref,
                            "outside_input",
                            f"{shown_path}: symbolic link leads outside {shown_dir} ({target}); not followed",
                        )
                        continue
                    real = target
                else:
                    real = Path(entry.path)
                if real.is_dir():
                    if real in visited:
                        yield Rejection(ref, "symlink_loop", f"{shown_path}: folder already visited (symlink loop)")
                        continue
                    visited.add(real)
                    subdirs.append((shown_path, real))
                elif real.is_file():
                    yield FoundFile(shown_path, explicit=False)
                else:
                    yield Skipped(shown_path, "not a regular file")
            except OSError as exc:
                yield Rejection(ref, "unreadable", f"{shown_path}: {exc.strerror or exc}")
            except RuntimeError as exc:
                yield Rejection(ref, "symlink_loop", f"{shown_path}: {exc}")
        stack.extend(reversed(subdirs))
