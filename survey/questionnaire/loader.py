"""Read a questionnaire file into frozen dataclasses: the one way the app sees a questionnaire.

The YAML is parsed with the start line of every mapping and list item kept
(`weighting.yaml_lines`), checked against `questionnaires/schema.json`
(`survey.questionnaire.schema`), then built into the `Questionnaire` / `Section` / `Page` /
`Question` objects of `survey.questionnaire.model`. Conditions stay plain dicts (see
`survey.questionnaire.rules`). References between parts (scales, goto targets, variables named
in conditions and indicators) are checked by `survey.questionnaire.references`, which
`parse` and `load_questionnaire` run too, so what they return is sound.

Parsing and checking the two questionnaires takes about half a second, on every command that
needs them (the report, each worker of the web app). `load_questionnaire` therefore keeps what
it built from a file in `questionnaires/` in `instance/cache/questionnaires/`, under a digest
of the file's bytes, its path, the schema and the source of every module that reads, checks or
builds it (`_code_digest`): a changed questionnaire, schema or loader misses the cache and is
checked again, so the cache is never stale; a cache that cannot be read or written is ignored.

>>> q = load_questionnaire("questionnaires/veiligheidsmonitor.yaml")   # doctest: +SKIP
>>> q.page("buurt-oordeel").questions[0].variable                     # doctest: +SKIP
'buurt_cijfer'
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from survey.errors import InputError, QuestionnaireError
from survey.paths import PROJECT_ROOT, QUESTIONNAIRES_DIR
from survey.questionnaire.model import (GridRow, HistoryChange, HistoryEntry, Indicator,
                                        Option, Page, Question, Questionnaire, RoutingRule,
                                        Scale, Section)
from survey.questionnaire.references import reference_problems
from survey.questionnaire.schema import SCHEMA_PATH, schema_problems
from weighting.yaml_lines import LineDict, plain, read_yaml

__all__ = [
    "build",
    "load_all",
    "load_questionnaire",
    "parse",
    "questionnaire_files",
]


# --------------------------------------------------------------------------- building


def _text(value) -> str:
    return value if isinstance(value, str) else str(value)


def _options(raw_options) -> tuple[Option, ...]:
    return tuple(Option(_text(o["value"]), o["label"], getattr(o, "line", None))
                 for o in raw_options or ())


def _question(raw, scales, page_id, section_id) -> Question:
    kind = raw["type"]
    scale_name = raw.get("scale")
    if "options" in raw:
        options = _options(raw["options"])
    elif scale_name is not None:
        scale = scales.get(scale_name)
        options = scale.options if scale else ()
    else:
        options = ()
    missing_name = raw.get("missing")
    missing = scales.get(missing_name).options if missing_name in scales else ()
    return Question(
        id=raw["id"],
        # a grid stores one variable per row; its own variable only names the group
        variable=raw.get("variable") or raw["id"].replace("-", "_"),
        type=kind,
        text=raw["text"],
        help=raw.get("help"),
        options=options,
        missing_options=missing,
        rows=tuple(GridRow(r["id"], r["variable"], r["text"], getattr(r, "line", None))
                   for r in raw.get("rows", ())),
        min=raw.get("min"),
        max=raw.get("max"),
        decimals=raw.get("decimals", 0),
        unit=raw.get("unit"),
        max_length=raw.get("max_length", 2000) if kind == "text" else None,
        exclusive=tuple(_text(v) for v in raw.get("exclusive", ())),
        required=raw.get("required", False),
        when=plain(raw["when"]) if "when" in raw else None,
        line=getattr(raw, "line", None),
        scale=scale_name,
        missing=missing_name,
        page_id=page_id,
        section_id=section_id,
        estimate=bool(raw.get("estimate", False)),
    )


def build(data, path) -> Questionnaire:
    """Turn parsed, schema-valid data into a Questionnaire. References are not checked here
    (an unknown scale gives a question without options); `references.reference_problems` does."""
    scales = {name: Scale(name, _options(raw["options"]), data["scales"].key_lines.get(name)
                          if isinstance(data["scales"], LineDict) else None)
              for name, raw in data["scales"].items()}
    sections = []
    for raw_section in data["sections"]:
        pages = []
        for raw_page in raw_section["pages"]:
            pages.append(Page(
                id=raw_page["id"],
                title=raw_page.get("title"),
                when=plain(raw_page["when"]) if "when" in raw_page else None,
                questions=tuple(_question(q, scales, raw_page["id"], raw_section["id"])
                                for q in raw_page["questions"]),
                routing=tuple(RoutingRule(plain(r["when"]), r["goto"], getattr(r, "line", None))
                              for r in raw_page.get("routing", ())),
                section_id=raw_section["id"],
                module=raw_section["module"],
                line=getattr(raw_page, "line", None),
            ))
        sections.append(Section(raw_section["id"], raw_section["title"], raw_section["module"],
                                tuple(pages), getattr(raw_section, "line", None)))
    indicators = []
    for raw in data.get("indicators", ()):
        variables = raw["variables"] if "variables" in raw else [raw["variable"]]
        indicators.append(Indicator(
            id=raw["id"],
            label=raw["label"],
            kind=raw["kind"],
            variables=tuple(variables),
            index=raw["index"],
            theme=raw["theme"],
            direction=raw["direction"],
            combine=raw.get("combine", "any"),
            base=raw.get("base", "asked"),
            values=tuple(_text(v) for v in raw.get("values", ())),
            minimum=raw.get("min"),
            scores=plain(raw["scores"]) if "scores" in raw else None,
            reversed=tuple(raw.get("reversed", ())),
            items_needed=raw.get("items_needed", "half"),
            rescale=tuple(raw["rescale"]) if "rescale" in raw else None,
            denominator=raw.get("denominator"),
            multiplier=float(raw.get("multiplier", 1.0)),
            line=getattr(raw, "line", None),
        ))
    history = tuple(
        HistoryEntry(
            version=raw["version"], date=raw["date"],
            changes=tuple(HistoryChange(
                change=c["change"], series=c["series"], note=c["note"],
                variables=tuple(c.get("variables", ())), indicators=tuple(c.get("indicators", ())),
                line=getattr(c, "line", None)) for c in raw["changes"]),
            line=getattr(raw, "line", None))
        for raw in data.get("history", ()))
    return Questionnaire(
        id=data["id"],
        version=data["version"],
        edition=data["edition"],
        title=data["title"],
        intro=data.get("intro"),
        scales=scales,
        sections=tuple(sections),
        indicators=tuple(indicators),
        path=Path(path),
        line=data.key_lines.get("id") if isinstance(data, LineDict) else None,
        history=history,
    )


def parse(path) -> tuple[Questionnaire | None, list[QuestionnaireError]]:
    """Read, validate and build one file, collecting every problem found.

    Returns (questionnaire, problems); the questionnaire is None when the file could not be
    built (YAML or schema errors). Raises nothing for bad input."""
    try:
        data = read_yaml(path, QuestionnaireError)
    except QuestionnaireError as exc:
        return None, [exc]
    problems = schema_problems(data, path)
    if problems:
        return None, problems
    questionnaire = build(data, path)
    return questionnaire, reference_problems(questionnaire)


_cache: dict = {}

CACHE_DIR = PROJECT_ROOT / "instance" / "cache" / "questionnaires"
"""Where `load_questionnaire` keeps the questionnaires it built from files in `CACHED_FROM`."""
CACHED_FROM = QUESTIONNAIRES_DIR
_CACHE_FORMAT = 1
# everything that decides what `parse` makes of a file; a change to any of them is a miss
_BUILT_BY = (
    *sorted(Path(__file__).parent.glob("*.py")),
    PROJECT_ROOT / "weighting" / "yaml_lines.py",
    PROJECT_ROOT / "weighting" / "yaml_schema.py",
    PROJECT_ROOT / "weighting" / "safe_read.py",
)


def _code_digest() -> bytes:
    """A digest of the schema and the loader's code (read each time: a few milliseconds)."""
    digest = hashlib.sha256(f"{_CACHE_FORMAT} {sys.version_info[:2]}".encode())
    for file in (SCHEMA_PATH, *_BUILT_BY):
        digest.update(str(file.name).encode() + b"\0" + file.read_bytes())
    return digest.digest()


def _cache_file(path: Path, content: bytes) -> Path | None:
    """The cache entry of a questionnaire file with this content, or None if it is not cached:
    a file outside `CACHED_FROM` (tests' questionnaires in temporary folders), or named by a
    relative path (the entry keeps the path it was loaded by)."""
    if not path.is_relative_to(CACHED_FROM):
        return None
    digest = hashlib.sha256(_code_digest())
    digest.update(str(path).encode() + b"\0" + content)
    return CACHE_DIR / f"{path.stem}-{digest.hexdigest()[:40]}.pickle"


def _from_cache(entry: Path | None) -> Questionnaire | None:
    if entry is None:
        return None
    try:
        with entry.open("rb") as file:
            found = pickle.load(file)
    except Exception:  # missing, unreadable, or written by other code: build it again
        return None
    return found if isinstance(found, Questionnaire) else None


def _to_cache(entry: Path | None, questionnaire: Questionnaire) -> None:
    """Write the entry whole or not at all (a temporary file renamed), and drop the entries
    of the file's earlier contents."""
    if entry is None:
        return
    written = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=entry.parent, suffix=".tmp", delete=False) as file:
            written = Path(file.name)
            pickle.dump(questionnaire, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(written, entry)
        written = None
        for old in entry.parent.glob(f"{entry.stem.rsplit('-', 1)[0]}-*.pickle"):
            if old != entry:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only instance folder: no cache, the same questionnaires
        return
    finally:
        if written is not None:
            written.unlink(missing_ok=True)


def load_questionnaire(path) -> Questionnaire:
    """Load one questionnaire file, checked; cached by (path, modification time) in this
    process and by content in `CACHE_DIR`.

    Raises QuestionnaireError (file, line, what is wrong) for the first problem, mentioning how
    many more there are; `wijkprofiel questionnaire check` lists them all.

    >>> load_questionnaire("questionnaires/veiligheidsmonitor.yaml").id   # doctest: +SKIP
    'veiligheidsmonitor'
    """
    path = Path(path)
    try:
        key = (str(path.resolve()), path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise QuestionnaireError(path, "file not found") from None
    if key in _cache:
        return _cache[key]
    try:
        content = path.read_bytes()
        entry = _cache_file(path, content)
    except OSError:
        content, entry = None, None
    questionnaire = _from_cache(entry)
    if questionnaire is not None:
        _cache[key] = questionnaire
        return questionnaire
    questionnaire, problems = parse(path)
    if problems:
        first = problems[0]
        if len(problems) > 1:
            raise QuestionnaireError(
                first.source, f"{first.detail} (and {len(problems) - 1} more problem(s); "
                              f"run `wijkprofiel questionnaire check {path}`)",
                line=first.line)
        raise first
    _cache[key] = questionnaire
    if entry is not None and _unchanged(path, content):  # not edited while it was read
        _to_cache(entry, questionnaire)
    return questionnaire


def _unchanged(path: Path, content: bytes) -> bool:
    try:
        return path.read_bytes() == content
    except OSError:
        return False


_kind_cache: dict = {}


def is_questionnaire_file(path) -> bool:
    """Whether a YAML file in questionnaires/ is a questionnaire. Other configuration lives
    there too: a file whose top level has neither
    `schema_version` nor `sections` is not one. A file that does not parse counts as a
    questionnaire, so that its error is reported rather than the file skipped."""
    path = Path(path)
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _kind_cache:
        entry = _cache_file(path, path.read_bytes())
        if entry is not None and entry.is_file():
            # built from this very content before (entries are written whole, only after a
            # build): a questionnaire; `load_questionnaire` reads the entry, once
            _kind_cache[key] = True
    if key not in _kind_cache:
        try:
            data = read_yaml(path)
        except InputError:
            data = None
        _kind_cache[key] = not (isinstance(data, dict)
                                and "schema_version" not in data and "sections" not in data)
    return _kind_cache[key]


def questionnaire_files(directory=QUESTIONNAIRES_DIR) -> list[Path]:
    """The questionnaire files in a directory (see `is_questionnaire_file`), by name."""
    return sorted(p for p in Path(directory).glob("*.yaml") if is_questionnaire_file(p))


def load_all(directory=QUESTIONNAIRES_DIR) -> dict[str, Questionnaire]:
    """Every questionnaire in `directory`, by id, in file-name order.

    >>> sorted(load_all())                          # doctest: +SKIP
    ['veiligheidsmonitor', 'wijkonderzoek']
    """
    result = {}
    for file in questionnaire_files(directory):
        questionnaire = load_questionnaire(file)
        result[questionnaire.id] = questionnaire
    return result

