"""Check an index configuration (`indices/*.yaml`): every problem, each with file and line.

An index configuration says how indicator values become theme, part and index scores
(`weighting.scores`). The checker reads the YAML keeping the line of every key and list item
(`weighting.yaml_lines`), validates it against `indices/schema.json` (`weighting.yaml_schema`)
and then checks what a schema cannot: that every part's themes exist and every theme belongs
to exactly one part, that no indicator, theme or register count appears twice, that a register
indicator's denominator is declared, that a baseline lies in its transform's domain, and that
definition changes fall after the baseline edition. `weighting.scores.load_score_config` refuses a file with any problem;
`wijkprofiel index check` lists them all.

Plain PyYAML and jsonschema: no Flask, no `survey`.
"""

from pathlib import Path

from weighting.errors import InputError
from weighting.yaml_lines import line_of, plain, read_yaml
from weighting.yaml_schema import Schema

INDICES_DIR = Path(__file__).resolve().parent.parent / "indices"
SCHEMA_PATH = INDICES_DIR / "schema.json"

_SCHEMA = Schema(SCHEMA_PATH)


def check_data(data, source):
    """Every problem of a parsed configuration, as InputErrors with lines, in line order."""
    if not isinstance(data, dict):
        return [InputError(source, "expected a mapping with kind, id, index, baseline_edition, "
                                   "method, parts and themes", line=1)]
    problems = _SCHEMA.problems(data, source)
    if not problems:
        problems = _reference_problems(data, source)
    return sorted(problems, key=lambda problem: problem.line or 0)


def _reference_problems(data, source):
    problems = []

    def add(path, message):
        problems.append(InputError(source, message, line=line_of(data, path)))

    clip = (data.get("method") or {}).get("clip")
    if isinstance(clip, list) and clip[0] >= clip[1]:
        add(("method", "clip"), f"method.clip: low {clip[0]:g} must be below high {clip[1]:g}")
    denominators = set((data.get("register") or {}).get("denominators") or {})
    for name in denominators:
        if not str(name).strip() or name == "wijknr":
            add(("register", "denominators", name),
                f"register.denominators: {name!r} is not a usable column name")
    baseline_edition = data["baseline_edition"]

    theme_names, indicator_first, survey_first, count_first = {}, {}, {}, {}
    for t, theme in enumerate(data["themes"]):
        name = theme["column"]
        if name in theme_names:
            add(("themes", t, "column"), f"theme {name!r} appears twice (first on line "
                                         f"{line_of(data, ('themes', theme_names[name], 'column'))})")
        else:
            theme_names[name] = t
        for i, indicator in enumerate(theme["indicators"]):
            at = ("themes", t, "indicators", i)
            where = f"theme {name!r}, indicator {indicator['column']!r}"
            if indicator["column"] in indicator_first:
                add(at + ("column",), f"{where}: appears twice (first on line "
                                      f"{indicator_first[indicator['column']]})")
            else:
                indicator_first[indicator["column"]] = line_of(data, at + ("column",))
            survey = indicator.get("survey")
            if survey is not None:
                if survey in survey_first:
                    add(at + ("survey",), f"{where}: survey indicator {survey!r} is used twice "
                                          f"(first on line {survey_first[survey]})")
                survey_first.setdefault(survey, line_of(data, at + ("survey",)))
            transform = indicator.get("transform", "linear")
            baseline = indicator["baseline"]
            if transform == "sqrt" and baseline < 0 or transform == "log" and baseline <= 0:
                add(at + ("baseline",), f"{where}: baseline {baseline:g} is outside the domain "
                                        f"of {transform}")
            register = indicator.get("register")
            if register is not None:
                if survey is not None:
                    add(at + ("register",), f"{where}: has both 'survey' and 'register'; an "
                                            "indicator comes from one source")
                if register["per"] not in denominators:
                    shown = ", ".join(sorted(denominators)) or "none: add register.denominators"
                    add(at + ("register", "per"), f"{where}: register.per {register['per']!r} is "
                                                  f"not one of the denominators ({shown})")
                count = register["count"]
                if count in count_first:
                    add(at + ("register", "count"), f"{where}: register count column {count!r} is "
                                                    f"also used on line {count_first[count]}")
                count_first.setdefault(count, line_of(data, at + ("register", "count")))
                if count in denominators or count == "wijknr":
                    add(at + ("register", "count"), f"{where}: register count column {count!r} "
                                                    "is also a denominator or the key")
            since = indicator.get("since", baseline_edition)
            if since < baseline_edition:
                add(at + ("since",), f"{where}: since {since} is before the baseline edition "
                                     f"{baseline_edition}")
            previous = since
            for c, change in enumerate(indicator.get("changes") or []):
                if change["edition"] <= previous:
                    add(at + ("changes", c, "edition"),
                        f"{where}: definition change in {change['edition']} must come after "
                        f"{previous} (the baseline or the change before)")
                previous = max(previous, change["edition"])

    for k, column in enumerate((data.get("baselines") or {}).get("from_scores") or []):
        if column not in indicator_first:
            add(("baselines", "from_scores", k), f"baselines.from_scores: {column!r} is not one of "
                                                 "the indicators")

    in_part = {}
    columns = {data["index"]: ("index",)}
    for p, part in enumerate(data["parts"]):
        if part["column"] in columns or part["column"] in theme_names:
            add(("parts", p, "column"), f"part {part['column']!r}: column name is already used "
                                        "by the index, another part or a theme")
        columns[part["column"]] = ("parts", p)
        for k, name in enumerate(part["themes"]):
            if name not in theme_names:
                add(("parts", p, "themes", k), f"part {part['column']!r}: theme {name!r} is not "
                                               f"one of the themes ({', '.join(theme_names)})")
            elif name in in_part:
                add(("parts", p, "themes", k), f"part {part['column']!r}: theme {name!r} is "
                                               f"already in part {in_part[name]!r}")
            else:
                in_part[name] = part["column"]
    for name, t in theme_names.items():
        if name not in in_part:
            add(("themes", t, "column"), f"theme {name!r} belongs to no part")
    return problems


def check_index_file(path):
    """Every problem of the index configuration at `path` (an empty list: the file is good).

    >>> check_index_file(INDICES_DIR / "veiligheidsindex.yaml")
    []
    """
    try:
        data = read_yaml(path)
    except InputError as exc:
        return [exc]
    return check_data(data, Path(path))


def load_checked(path):
    """The parsed configuration at `path`; raises the first problem (naming the count of the
    others) when it has any."""
    data = read_yaml(path)
    problems = check_data(data, Path(path))
    if problems:
        first = problems[0]
        more = (f" (and {len(problems) - 1} more problem(s); run `wijkprofiel index check {path}`)"
                if len(problems) > 1 else "")
        raise InputError(first.source, first.detail + more, line=first.line)
    return plain(data)


def index_files(directory=INDICES_DIR):
    """The index configurations in `directory` (files saying `kind: index_scores`; the bands and
    targets beside them are not), by name."""
    def is_index(path):
        try:
            data = read_yaml(path)
        except InputError:
            return True  # a broken file is checked, so that its error is reported
        return not isinstance(data, dict) or "bands" not in data and "targets" not in data

    return sorted(p for p in Path(directory).glob("*.yaml") if is_index(p))
