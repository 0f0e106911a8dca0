"""Write a group of output files only when what they are made of changed.

A report run again on the same data (the statistician's loop: a changed text, a new chart)
need not write its Excel and SPSS tables again. Each group of files keeps a stamp beside them
(`.<name>.made-of`): a digest of its input, and each file's size and modification time as
written, so that a file deleted, replaced or edited by hand is written again too.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["table_digest", "unchanged", "record"]


def table_digest(*parts) -> str:
    """A digest of tables (column names, dtypes and every value) and plain values (text)."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, pd.DataFrame):
            digest.update(json.dumps([[str(c), str(t)] for c, t in part.dtypes.items()]).encode())
            digest.update(np.ascontiguousarray(
                pd.util.hash_pandas_object(part, index=False).to_numpy()).tobytes())
        else:
            digest.update(f"\x1e{part!r}".encode())
    return digest.hexdigest()


def _stamp_path(directory: Path, name: str) -> Path:
    return Path(directory) / f".{name}.made-of"


def _state(paths) -> dict:
    return {path.name: [path.stat().st_size, path.stat().st_mtime_ns] for path in paths}


def unchanged(directory: Path, name: str, digest: str, paths: list[Path]) -> bool:
    """True when every file of the group is there as last written from input `digest`; else
    the stamp is removed (files interrupted halfway never match)."""
    stamp = _stamp_path(directory, name)
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
        if recorded.get("digest") == digest and recorded.get("files") == _state(paths):
            return True
    except (OSError, ValueError, AttributeError):
        pass
    stamp.unlink(missing_ok=True)
    return False


def record(directory: Path, name: str, digest: str, paths: list[Path]) -> None:
    """After writing the group's files: remember their input and their state."""
    _stamp_path(directory, name).write_text(
        json.dumps({"digest": digest, "files": _state(paths)}), encoding="utf-8")
