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

import yaml

from survey.errors import QuestionnaireError

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


def _scalar(node):
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _walk(node, owner, out):
    """Yield (line, text, comment) for the translatable texts under a node. `owner` describes
    the closest thing with an id ("question 'buurt-rapportcijfer'"), or "" at the top."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if key in TRANSLATABLE_KEYS and isinstance(value_node, yaml.ScalarNode):
                if value_node.tag == "tag:yaml.org,2002:str" and value_node.value.strip():
                    where = f"{owner} {key}" if owner else key
                    out.append((value_node.start_mark.line + 1, value_node.value, where))
            elif key in _REPORT_ONLY_KEYS:
                continue
            elif key == "scales" and isinstance(value_node, yaml.MappingNode):
                for name_node, scale_node in value_node.value:
                    _walk(scale_node, f"scale '{_scalar(name_node)}'", out)
            elif key in _ITEM_KINDS and isinstance(value_node, yaml.SequenceNode):
                kind = _ITEM_KINDS[key]
                for item in value_node.value:
                    ident = None
                    if isinstance(item, yaml.MappingNode):
                        item_keys = {_scalar(k): v for k, v in item.value}
                        ident = _scalar(item_keys.get("id") or item_keys.get("value"))
                    label = f"{kind} '{ident}'" if ident is not None else kind
                    if kind in ("option", "row") and owner:
                        label = f"{owner} {label}"
                    _walk(item, label, out)
            elif isinstance(value_node, (yaml.MappingNode, yaml.SequenceNode)):
                _walk(value_node, owner, out)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _walk(item, owner, out)


def extract_questionnaire(fileobj, keywords, comment_tags, options):
    """The Babel extraction method (see Babel's "Writing Extraction Methods").

    Args:
        fileobj: the questionnaire file, opened in binary mode.
        keywords, comment_tags, options: unused (the texts are found by key, not by call).
    Yields: (line number, None, Dutch text, [comment]) per translatable text, in file order.
    Raises QuestionnaireError (file, line) for a file that is not YAML.
    """
    name = getattr(fileobj, "name", "<questionnaire>")
    data = fileobj.read()
    text = data.decode(options.get("encoding", "utf-8")) if isinstance(data, bytes) else data
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise QuestionnaireError(name, f"YAML syntax: {exc.problem}",
                                 line=mark.line + 1 if mark else None) from None
    if root is None:
        return
    questionnaire_id = None
    if isinstance(root, yaml.MappingNode):
        questionnaire_id = next((_scalar(v) for k, v in root.value if _scalar(k) == "id"), None)
    prefix = questionnaire_id or Path(str(name)).stem
    found = []
    _walk(root, "", found)
    for line, message, where in sorted(found, key=lambda item: item[0]):
        yield line, None, message, [f"{prefix}: {where}"]
