"""Claims about the stylesheets: the question blocks have their rules in one file,
survey/static/questions.css, which every page that shows questions links, and no other
stylesheet repeats them (the keying pages once carried a copy that drifted)."""

import re

import pytest

from survey.paths import PROJECT_ROOT

STATIC = PROJECT_ROOT / "survey" / "static"
TEMPLATES = PROJECT_ROOT / "survey" / "templates"
QUESTIONS_LINK = "url_for('static', filename='questions.css')"


def selectors(css: str) -> list[str]:
    """The selectors of every rule, one string per rule, at-rules' own rules included."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = []
    for head in re.findall(r"([^{}]+)\{", css):
        head = " ".join(head.split())
        if head.startswith("@"):
            continue
        found += [part.strip() for part in head.split(",")]
    return found


def test_questions_css_holds_the_question_blocks_and_the_tokens():
    shared = set(selectors((STATIC / "questions.css").read_text()))
    assert {":root", ".form-group", ".choice__input", ".form-group--grid .grid-row",
            ".error-message", ".input", ".button-group"} <= shared


@pytest.mark.parametrize("other", ["wijkprofiel.css", "staff.css"])
def test_no_other_stylesheet_repeats_a_question_rule(other):
    shared = set(selectors((STATIC / "questions.css").read_text()))
    # staff.css styles its own page layout; where it styles the same element (.hint, .button)
    # it does so on purpose and loads after questions.css, so only the question blocks count
    question_blocks = {s for s in shared if re.match(
        r"^(:root|\.(form-group|fieldset|legend|label|grid-row|input|textarea|number-input|"
        r"date-input|choice|choices|error-message|visually-hidden|required))", s)}
    repeated = question_blocks & set(selectors((STATIC / other).read_text()))
    assert repeated == set(), f"{other} repeats rules of questions.css: {sorted(repeated)}"


def test_every_page_with_question_blocks_links_questions_css_before_its_own_stylesheet():
    pages = [path for path in TEMPLATES.rglob("*.html")
             if '{% include "questions/' in path.read_text() and path.parent.name != "questions"]
    assert {p.name for p in pages} >= {"page.html", "paper_page.html", "phone_page.html"}
    base = (TEMPLATES / "base.html").read_text()
    assert base.index(QUESTIONS_LINK) < base.index("filename='wijkprofiel.css'")
    staff_base = (TEMPLATES / "staff" / "base.html").read_text()
    assert staff_base.index("{% block head %}") < staff_base.index("filename='staff.css'")
    for path in pages:
        text = path.read_text()
        if '{% extends "staff/base.html" %}' in text:
            assert QUESTIONS_LINK in text, path.name
        else:
            assert '{% extends "base.html" %}' in text, path.name
