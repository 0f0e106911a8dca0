"""Files uploaded on the staff pages, kept between the preview and the import.

A register extract holds names and addresses, so an upload lives only in the instance folder
(`<instance>/sample_uploads/`, readable by the app's user alone), under a random token that
only the member of staff who uploaded it can use; it is deleted when it is imported or
discarded, and any upload older than `MAX_AGE` is deleted at the next upload.
"""

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

MAX_AGE = 24 * 3600
"""Seconds an upload is kept when it is neither imported nor discarded."""
MAX_BYTES = 200 * 1024 * 1024
"""Largest upload (a full register extract of 535,000 persons is about 60 MB as CSV)."""
_TOKEN = re.compile(r"^[0-9a-f]{32}$")

__all__ = ["MAX_AGE", "MAX_BYTES", "Upload", "save", "load", "save_mapping", "discard", "prune"]


@dataclass
class Upload:
    token: str
    filename: str
    kind: str
    edition: int
    username: str
    uploaded_at: float
    mapping: dict | None
    path: Path

    def content(self) -> bytes:
        return self.path.read_bytes()


def _folder(instance_path) -> Path:
    folder = Path(instance_path) / "sample_uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _safe_name(filename: str) -> str:
    name = Path(filename or "upload").name
    return re.sub(r"[^\w.\- ]", "_", name)[:120] or "upload"


def save(instance_path, content: bytes, filename: str, kind: str, edition: int,
         username: str) -> str:
    """Keep an upload; returns its token."""
    prune(instance_path)
    token = secrets.token_hex(16)
    folder = _folder(instance_path)
    data = folder / f"{token}.bin"
    fd = os.open(data, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    meta = {"filename": _safe_name(filename), "kind": kind, "edition": int(edition),
            "username": username, "uploaded_at": time.time(), "mapping": None}
    _write_meta(folder / f"{token}.json", meta)
    return token


def _write_meta(path: Path, meta: dict):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(meta, handle)


def load(instance_path, token: str, username: str) -> Upload | None:
    """The upload of `token` if `username` made it and it is still kept, else None."""
    if not _TOKEN.match(token or ""):
        return None
    folder = _folder(instance_path)
    try:
        meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("username") != username or not (folder / f"{token}.bin").exists():
        return None
    if time.time() - meta.get("uploaded_at", 0) > MAX_AGE:
        discard(instance_path, token)
        return None
    return Upload(token, meta["filename"], meta["kind"], meta["edition"], meta["username"],
                  meta["uploaded_at"], meta.get("mapping"), folder / f"{token}.bin")


def save_mapping(instance_path, upload: Upload, mapping: dict) -> None:
    folder = _folder(instance_path)
    meta = {"filename": upload.filename, "kind": upload.kind, "edition": upload.edition,
            "username": upload.username, "uploaded_at": upload.uploaded_at, "mapping": mapping}
    _write_meta(folder / f"{upload.token}.json", meta)
    upload.mapping = mapping


def discard(instance_path, token: str) -> None:
    if not _TOKEN.match(token or ""):
        return
    folder = _folder(instance_path)
    for suffix in (".bin", ".json"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)


def prune(instance_path, now: float | None = None) -> int:
    """Delete uploads older than MAX_AGE; returns how many."""
    now = time.time() if now is None else now
    removed = 0
    for meta_path in _folder(instance_path).glob("*.json"):
        if now - meta_path.stat().st_mtime > MAX_AGE:
            discard(instance_path, meta_path.stem)
            removed += 1
    return removed
