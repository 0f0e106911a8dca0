"""Claims about the paper and phone pages: the keying stylesheet copies the respondent pages'
question-block rules (a change there must reach it too), and every audit action they write is
documented with the others."""

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


def test_every_audit_action_of_paper_and_phone_is_documented():
    from survey.staff import audit

    for module in ("paper", "phone"):
        source = (PROJECT_ROOT / "survey" / "routes" / f"{module}.py").read_text()
        actions = set(re.findall(r'audit\.record\("([a-z_]+)"', source))
        assert actions and all(f"`{action}`" in audit.__doc__ for action in actions), actions
