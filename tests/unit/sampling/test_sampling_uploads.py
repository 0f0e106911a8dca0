"""Uploads kept between the check and the import: private to their owner, short-lived."""

import os
import stat
import time

from survey.sampling import uploads


def test_an_upload_is_private_to_whoever_made_it(tmp_path):
    token = uploads.save(tmp_path, b"a;b\n1;2\n", "../../etc/brp extract.csv", "register", 2024,
                         "coordinator")
    kept = uploads.load(tmp_path, token, "coordinator")
    assert kept.content() == b"a;b\n1;2\n" and kept.filename == "brp extract.csv"
    assert stat.S_IMODE(os.stat(kept.path).st_mode) == 0o600
    assert uploads.load(tmp_path, token, "admin") is None
    assert uploads.load(tmp_path, "../" + token, "coordinator") is None
    uploads.save_mapping(tmp_path, kept, {"birth_date": "gd"})
    assert uploads.load(tmp_path, token, "coordinator").mapping == {"birth_date": "gd"}
    uploads.discard(tmp_path, token)
    assert uploads.load(tmp_path, token, "coordinator") is None
    assert list((tmp_path / "sample_uploads").iterdir()) == []


def test_old_uploads_are_deleted(tmp_path):
    token = uploads.save(tmp_path, b"x", "x.csv", "register", 2024, "coordinator")
    assert uploads.prune(tmp_path, now=time.time() + uploads.MAX_AGE + 60) == 1
    assert uploads.load(tmp_path, token, "coordinator") is None
