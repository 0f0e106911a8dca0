"""The staff keying pages' stylesheet copies the respondent pages' question-block rules; a
change there must reach it too."""

import re

from survey import PROJECT_ROOT

KEYING = PROJECT_ROOT / "survey" / "paper" / "static" / "keying.css"
RESPONDENT = PROJECT_ROOT / "survey" / "static" / "wijkprofiel.css"


def rules(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip() not in ("", "}")]


def test_every_keying_rule_is_a_rule_of_the_respondent_pages():
    respondent = set(rules(RESPONDENT.read_text()))
    copied = rules(KEYING.read_text())
    assert len(copied) > 40
    assert [line for line in copied if line not in respondent] == []
