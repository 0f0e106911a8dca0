"""Chromium in tests: a phone-sized page, logging in, filling a real questionnaire page with
valid answers, the page checks (reflow at 320 px, axe-core) and what a unit has stored."""

import os
from pathlib import Path

from sqlalchemy import select

from survey import storage
from survey.models import Answer
from tests.support.respondent import valid_form


PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0 Mobile Safari/537.36")


NEXT = "main button[value=next]"


def answer_page(page, questionnaire):
    """Fill in a valid answer to every question shown on the current page of a real
    questionnaire (`valid_form`) and go on; the page must be accepted."""
    shown = page.url.rsplit("/", 1)[1]
    page_id = shown.split("?")[0]  # a page with a long grid comes in parts: ?deel=2
    page.evaluate(FILL, valid_form(questionnaire.page(page_id)))
    # wait for the next document itself: a bare wait_for_load_state can return on the old one
    # while the POST is in flight, and the caller then reads a page without a document
    with page.expect_navigation():
        page.click(NEXT)
    page.wait_for_load_state()
    assert not page.url.endswith("/pagina/" + shown), page.locator(".error-summary").inner_text()


FILL = """form => {
  for (const [name, value] of Object.entries(form)) {
    for (const input of document.querySelectorAll(`[name="${name}"]`)) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.value === value) input.checked = true;
      } else {
        input.value = value;
      }
    }
  }
}"""


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def new_page(chromium, width=360, javascript=True):
    context = chromium.new_context(viewport={"width": width, "height": 780},
                                   java_script_enabled=javascript, user_agent=PHONE_UA,
                                   device_scale_factor=2, is_mobile=True, has_touch=True)
    return context.new_page()


def stored(server, unit_id):
    with storage.transaction(server.database_url) as db:
        return {a.variable: a.value for a in db.scalars(
            select(Answer).where(Answer.sample_unit_id == unit_id))}


def log_in(page, server, code, language=None):
    if language:
        page.goto(f"{server.url}/start?lang={language}")
    page.goto(f"{server.url}/start")
    page.fill("#code", code)
    page.click("form.start-form button[type=submit]")


def assert_page(page, page_id):
    page.wait_for_url(f"**/vragenlijst/pagina/{page_id}", timeout=5000)


def no_horizontal_scroll(page):
    """WCAG 1.4.10 reflow: nothing wider than the screen (checked without JavaScript too, by
    the screenshot's width)."""
    page.wait_for_load_state("load")  # measure the styled page, as axe_violations does
    width = page.viewport_size["width"]
    box = page.locator("body").bounding_box()
    assert box["width"] <= width + 1, f"{page.url}: body is {box['width']} px wide on {width} px"
    for selector in ("main", ".site-header", "form"):
        for element in page.locator(selector).all():
            right = element.bounding_box()
            assert right is None or right["x"] + right["width"] <= width + 1, (page.url, selector)


def axe_violations(page, axe_source):
    # after a click the page's DOM can be there before its stylesheets: axe on an unstyled page
    # measures other targets (the staff menu as a bare list failed target-size under load)
    page.wait_for_load_state("load")
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


CHROMIUM = "/usr/bin/chromium"


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]


# one unit per test that logs in: the server (and its database) is shared by the module
CODES = {f"u{i}": code for i, code in enumerate(
    ["HJSY36UY9B", "VFAUAFNK42", "2345678ABC", "BCDEFGH234", "CDEFGHJ345", "DEFGHJK456",
     "EFGHJKL567", "FGHJKLM678", "GHJKLMN789", "HJKLMNP892", "JKLMNPQ923", "KLMNPQR234",
     "LMNPQRS345", "MNPQRST456", "NPQRSTU567", "PQRSTUV678"], start=1)}


SCREENSHOTS = Path(os.environ.get("WIJKPROFIEL_SCREENSHOTS", "/tmp/wijkprofiel-screenshots"))
