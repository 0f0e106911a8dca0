"""The loader's cache of built questionnaires (`instance/cache/questionnaires/`): a second
process gets the same questionnaire without parsing, and never a stale one: a changed file
(even with its old modification time), schema or loader code misses; a damaged or unwritable
cache is ignored."""

import os
import pickle
import shutil

import pytest

from survey.errors import QuestionnaireError
from survey.paths import QUESTIONNAIRES_DIR
from survey.questionnaire import loader


@pytest.fixture
def cached(tmp_path, monkeypatch):
    """A questionnaires folder and a cache folder of its own; the process cache emptied, as in
    a new process."""
    folder, cache = tmp_path / "questionnaires", tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setattr(loader, "CACHED_FROM", folder)
    monkeypatch.setattr(loader, "CACHE_DIR", cache)
    monkeypatch.setattr(loader, "_cache", {})
    monkeypatch.setattr(loader, "_kind_cache", {})
    return folder, cache


def new_process(monkeypatch):
    monkeypatch.setattr(loader, "_cache", {})
    monkeypatch.setattr(loader, "_kind_cache", {})


def no_parsing(monkeypatch):
    def refuse(path):
        raise AssertionError(f"{path} was parsed again")
    monkeypatch.setattr(loader, "parse", refuse)
    monkeypatch.setattr(loader, "read_yaml", refuse)


def test_a_second_process_gets_the_same_questionnaire_without_parsing(cached, monkeypatch):
    folder, cache = cached
    path = folder / "wijkonderzoek.yaml"
    shutil.copy(QUESTIONNAIRES_DIR / "wijkonderzoek.yaml", path)
    built = loader.load_questionnaire(path)
    [entry] = cache.iterdir()
    assert entry.name.startswith("wijkonderzoek-") and entry.suffix == ".pickle"
    new_process(monkeypatch)
    no_parsing(monkeypatch)
    again = loader.load_all(folder)["wijkonderzoek"]
    assert again is not built
    assert pickle.dumps(again) == pickle.dumps(built)
    assert again.variables() == built.variables() and again.path == path
    assert [i.id for i in again.indicators] == [i.id for i in built.indicators]


def test_a_changed_file_is_read_again_even_with_its_old_time(cached, monkeypatch, minimal_path):
    folder, cache = cached
    path = folder / "minimal.yaml"
    shutil.copy(minimal_path, path)
    stamp = path.stat().st_mtime_ns
    assert loader.load_questionnaire(path).title == "Kleine testvragenlijst"
    path.write_text(path.read_text().replace("title: Kleine testvragenlijst", "title: Nieuwe titel"))
    os.utime(path, ns=(stamp, stamp))
    new_process(monkeypatch)
    assert loader.load_questionnaire(path).title == "Nieuwe titel"
    # the entry of the old content is gone, the new one is there
    assert len(list(cache.glob("minimal-*.pickle"))) == 1
    new_process(monkeypatch)
    no_parsing(monkeypatch)
    assert loader.load_questionnaire(path).title == "Nieuwe titel"


def test_a_changed_schema_or_loader_misses(cached, monkeypatch, minimal_path, tmp_path):
    folder, _ = cached
    path = folder / "minimal.yaml"
    shutil.copy(minimal_path, path)
    loader.load_questionnaire(path)
    before = loader._cache_file(path, path.read_bytes())
    schema = tmp_path / "schema.json"
    schema.write_text(loader.SCHEMA_PATH.read_text() + "\n")
    with monkeypatch.context() as patched:
        patched.setattr(loader, "SCHEMA_PATH", schema)
        assert loader._cache_file(path, path.read_bytes()) != before
    assert loader._cache_file(path, path.read_bytes()) == before
    changed_code = tmp_path / "rules.py"
    changed_code.write_text("# another version of the loader's code\n")
    monkeypatch.setattr(loader, "_BUILT_BY", (*loader._BUILT_BY, changed_code))
    assert loader._cache_file(path, path.read_bytes()) != before
    new_process(monkeypatch)
    parsed = []
    real_parse = loader.parse
    monkeypatch.setattr(loader, "parse", lambda p: parsed.append(p) or real_parse(p))
    loader.load_questionnaire(path)
    assert parsed == [path]


def test_a_damaged_entry_is_built_again(cached, monkeypatch, minimal_path):
    folder, cache = cached
    path = folder / "minimal.yaml"
    shutil.copy(minimal_path, path)
    loader.load_questionnaire(path)
    [entry] = cache.glob("minimal-*.pickle")
    entry.write_bytes(b"not a pickle")
    new_process(monkeypatch)
    assert loader.load_questionnaire(path).id == "minimal"
    assert pickle.loads(entry.read_bytes()).id == "minimal"  # written whole again


def test_a_questionnaire_with_problems_is_not_cached(cached, fixtures):
    folder, cache = cached
    path = folder / "broken_routing.yaml"
    shutil.copy(fixtures / "broken_routing.yaml", path)
    for _ in range(2):
        with pytest.raises(QuestionnaireError, match="more problem"):
            loader.load_questionnaire(path)
    assert not list(cache.glob("*.pickle"))


def test_an_unwritable_cache_is_no_cache(cached, monkeypatch, minimal_path):
    folder, cache = cached
    cache.write_text("a file where the folder should be")
    path = folder / "minimal.yaml"
    shutil.copy(minimal_path, path)
    assert loader.load_questionnaire(path).id == "minimal"
    new_process(monkeypatch)
    assert loader.load_questionnaire(path).id == "minimal"
    assert not list(folder.parent.glob("**/*.tmp"))


def test_files_elsewhere_or_by_relative_path_are_not_cached(cached, minimal_path, tmp_path):
    _, cache = cached
    elsewhere = tmp_path / "minimal.yaml"
    shutil.copy(minimal_path, elsewhere)
    loader.load_questionnaire(elsewhere)
    assert not cache.exists()
    assert loader._cache_file(loader.Path("questionnaires/minimal.yaml"), b"") is None
