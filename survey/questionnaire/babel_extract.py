"""Babel extractor for questionnaire YAML: every `title`, `intro`, `text`, `help`, `label` and
`unit` a respondent reads becomes a message whose msgid is the Dutch text itself.

The `indicators` are left out: their labels are the report's Dutch column names (equal to the
published 2014 export's, typos and all, because the index matches on them), never shown to a
respondent, and many start with "% ", which Babel takes for a Python format placeholder.

Registered in setup.cfg as the Babel extraction method `questionnaire_yaml` and mapped in
babel.cfg to `questionnaires/**.yaml`, so `pybabel extract -F babel.cfg -o
translations/messages.pot .` takes these texts along with those of the code and templates.
Each message carries its line, and a comment naming the questionnaire and the part it belongs
to, for the translator: `veiligheidsmonitor: question 'buurt-rapportcijfer' help`.

>>> import io
>>> source = io.BytesIO(b"id: demo\\ntitle: Buurt\\nscales:\\n  ja_nee:\\n    options:\\n"
...                     b"      - {value: ja, label: Ja}\\n")
>>> list(extract_questionnaire(source, [], [], {}))
[(2, None, 'Buurt', ['demo: title']), (6, None, 'Ja', ["demo: scale 'ja_nee' option 'ja' label"])]
"""

from __future__ import annotations

from pathlib import Path

from survey.errors import QuestionnaireError
from weighting.yaml_lines import LineDict, LineList, parse_yaml

TRANSLATABLE_KEYS = ("title", "intro", "text", "help", "label", "unit")

# list key -> the kind of thing its items are, for the comment
_ITEM_KINDS = {
    "sections": "section",
    "pages": "page",
    "questions": "question",
    "rows": "row",
    "options": "option",
}

# top-level keys whose texts are for the report, not the respondent (see above)
_REPORT_ONLY_KEYS = ("indicators",)


def _walk(node, owner, out):
    """Collect (line, text, comment) for the translatable texts under a node. `owner` describes
    the closest thing with an id ("question 'buurt-rapportcijfer'"), or "" at the top."""
    if isinstance(node, LineDict):
        for key, value in node.items():
            if key in TRANSLATABLE_KEYS and isinstance(value, str):
                if value.strip():
                    where = f"{owner} {key}" if owner else key
                    out.append((node.key_lines[key], value, where))
            elif key in _REPORT_ONLY_KEYS:
                continue
            elif key == "scales" and isinstance(value, LineDict):
                for name, scale in value.items():
                    _walk(scale, f"scale '{name}'", out)
            elif key in _ITEM_KINDS and isinstance(value, LineList):
                kind = _ITEM_KINDS[key]
                for item in value:
                    ident = None
                    if isinstance(item, LineDict):
                        ident = item.get("id") or item.get("value")
                    label = f"{kind} '{ident}'" if ident is not None else kind
                    if kind in ("option", "row") and owner:
                        label = f"{owner} {label}"
                    _walk(item, label, out)
            elif isinstance(value, (LineDict, LineList)):
                _walk(value, owner, out)
    elif isinstance(node, LineList):
        for item in node:
            _walk(item, owner, out)


def extract_questionnaire(fileobj, keywords, comment_tags, options):
    """The Babel extraction method (see Babel's "Writing Extraction Methods").

    Args:
        fileobj: the questionnaire file, opened in binary mode.
        keywords, comment_tags, options: unused (the texts are found by key, not by call).
    Yields: (line number, None, Dutch text, [comment]) per translatable text, in file order.
    Raises QuestionnaireError (file, line) for a file that is not YAML, or that the
    questionnaire checker would refuse as YAML (`weighting.yaml_lines`).
    """
    name = getattr(fileobj, "name", "<questionnaire>")
    root = parse_yaml(fileobj.read(), name, QuestionnaireError)
    if root is None:
        return
    questionnaire_id = root.get("id") if isinstance(root, LineDict) else None
    prefix = questionnaire_id or Path(str(name)).stem
    found = []
    _walk(root, "", found)
    for line, message, where in sorted(found, key=lambda item: item[0]):
        yield line, None, message, [f"{prefix}: {where}"]
