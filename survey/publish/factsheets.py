"""A factsheet per wijk for its meeting with the wijkraad, partners and residents: two A4
pages, PDF, in plain (B1) Dutch: the three indices with their change, what rose and fell
significantly, and the five shares that moved most.

The factsheets are Dutch only by design (the meetings are held in Dutch), so their sentences
are written here and in `templates/factsheet.html` rather than in the catalogues.

Speed: chromium (survey.pdf_engine) lays out all factsheets of a worker as one document and
each wijk's two pages are cut from it into its own PDF; the wijken are split over `workers`
threads, each with a browser of its own.
"""

import concurrent.futures
from pathlib import Path

import jinja2

from survey import pdf_engine
from survey.errors import WijkprofielError
from survey.publish import charts, numbers
from survey.publish.inputs import SiteData
from survey.publish.pages import Page, slug
from survey.publish.texts import INDEX_NAMES, KEY_INDICATORS, band, band_label

PAGES_PER_SHEET = 2
MOVERS = 5
# what fits on two pages: rises and falls listed together, and the chart on the first page;
# a factsheet that still runs over is laid out again more compactly (fewer listed changes, no
# chart: its numbers are in the table above it)
LAYOUTS = ({"max_changes": 6, "chart": True}, {"max_changes": 4, "chart": True},
           {"max_changes": 2, "chart": False})

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("survey.publish", "templates"),
    autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)

BAND_SENTENCE = {
    "ver-onder": "ver onder het Rotterdamse gemiddelde",
    "onder": "onder het Rotterdamse gemiddelde",
    "rond": "rond het Rotterdamse gemiddelde",
    "boven": "boven het Rotterdamse gemiddelde",
    "ver-boven": "ver boven het Rotterdamse gemiddelde",
}


def plain_label(row, public: dict) -> str:
    """A label a resident understands: the site's own for key indicators, else the report's
    label without its statistician's wording."""
    if row["indicator"] in public:
        return public[row["indicator"]]
    from survey.report.build import _short_label

    text = _short_label(str(row["label"])).strip()
    text = text.removeprefix("% ").removesuffix(" (%)").strip()
    return text[:1].upper() + text[1:]


def _dutch_points(value) -> str:
    points = abs(round(value))
    return f"{points} punt" if points == 1 else f"{points} punten"


def index_sentences(page: Page, wijk: str) -> list:
    """Per index: name, score, band, the previous score and a B1 sentence about the change."""
    data, rows = page.data, []
    for spec in data.indices:
        column = spec.column if spec.column in data.scores and not numbers.is_missing(
            data.score("wijk", wijk, spec.column)) else spec.subjective
        value = data.score("wijk", wijk, column)
        name = INDEX_NAMES[spec.column] + ("" if column == spec.column else " (ervaring van bewoners)")
        key = band(value)
        sentence = f"De {name} van {wijk} is {numbers.score(value)}."
        if key:
            sentence += f" Dat is {BAND_SENTENCE[key]}."
        change = page.score_change("wijk", wijk, column)
        if change and change["previous"] != numbers.MISSING and not numbers.is_missing(change["value"]):
            moved = change["value"]
            if round(moved) == 0:
                sentence += f" In {data.previous} was de score ook {change['previous']}."
            else:
                sentence += (f" In {data.previous} was de score {change['previous']}: nu "
                             f"{_dutch_points(moved)} {'hoger' if moved > 0 else 'lager'}.")
            if change["flag"]:
                sentence += " Dat is een grote verandering (5 punten of meer) en meer dan toeval."
            elif abs(moved) >= 5 and column == data.score("wijk", wijk, "flag_score"):
                sentence += " Dat kan nog toeval zijn: er deden niet veel bewoners mee."
        city = data.score("stad", "Rotterdam", column)
        rows.append({"name": name, "score": numbers.score(value), "band": key,
                     "band_label": band_label(key) if key else "",
                     "previous": change["previous"] if change else numbers.MISSING,
                     "change": change["change"] if change else numbers.MISSING,
                     "city": numbers.score(city), "sentence": sentence})
    return rows


INDICATIVE = "(onzeker: weinig bewoners gaven antwoord)"  # the small-cell rule's indicative mark


def _change_sentence(row, label: str, previous: int) -> str:
    kind = row["kind"]
    before = numbers.estimate(row["previous"], kind, "nl")
    now = numbers.estimate(row["estimate"], kind, "nl")
    unsure = f" {INDICATIVE}" if bool(row["indicative"]) else ""
    return f"{label}: van {before} in {previous} naar {now} nu{unsure}."


def changes(page: Page, wijk: str, public: dict, max_changes: int) -> dict:
    """What rose and fell significantly (the report's test), and the five shares that moved
    most (in percentage points; shares only, so that the moves compare)."""
    table = page.indicators
    rows = table[(table["level"] == "wijk") & (table["domain"] == wijk) & table["published"]
                 & table["change"].notna()].copy()
    significant = rows[rows["significant"].map(lambda v: v is True or v == True).astype(bool)]  # noqa: E712
    better = (significant["change"] > 0) == (significant["direction"] == "higher_is_better")
    order = significant.assign(size=significant["change"].abs()
                               * (significant["kind"] == "proportion").map({True: 100, False: 10}))
    result = {"rose": [], "fell": [], "movers": [], "more": max(0, len(order) - max_changes)}
    for _, row in order.sort_values("size", ascending=False).head(max_changes).iterrows():
        result["rose" if row["change"] > 0 else "fell"].append({
            "text": _change_sentence(row, plain_label(row, public), page.data.previous),
            "better": bool(better.loc[row.name])})
    shares = rows[rows["kind"] == "proportion"].copy()
    shares["size"] = shares["change"].abs()
    for _, row in shares.sort_values("size", ascending=False).head(MOVERS).iterrows():
        significant_move = row["significant"] is True or row["significant"] == True  # noqa: E712
        result["movers"].append({
            "label": plain_label(row, public),
            "previous": numbers.estimate(row["previous"], "proportion", "nl"),
            "now": numbers.estimate(row["estimate"], "proportion", "nl")
                   + (" *" if bool(row["indicative"]) else ""),
            "indicative": bool(row["indicative"]),
            "change": numbers.change(row["change"], "proportion", "nl") + " procentpunt",
            "n": numbers.number(row["n"], 0, "nl"),
            "meaning": ("duidelijk " + ("gestegen" if row["change"] > 0 else "gedaald"))
                       if significant_move else "kan toeval zijn",
        })
    return result


def factsheet_context(data: SiteData, page: Page, wijk: str, layout: dict = LAYOUTS[0]) -> dict:
    public = {i: label for entries in KEY_INDICATORS.values() for i, label in entries}
    headline = page.estimate_row("onveilig_eigen_buurt", "wijk", wijk)
    city = page.estimate_row("onveilig_eigen_buurt", "stad", "Rotterdam")
    spec = data.indices[0]
    columns = [c for c in [spec.column, *spec.parts] if c in data.scores]
    bars = page.comparison("wijk", wijk, spec, columns)
    svg = page.charts.pop(bars["chart"]["file"])
    return {
        "id": f"w-{slug(wijk)}", "wijk": wijk, "gebied": page.gebied_of[wijk],
        "edition": data.edition, "previous": data.previous,
        "indices": index_sentences(page, wijk), "headline": headline, "city_headline": city,
        "changes": changes(page, wijk, public, layout["max_changes"]) if data.previous else None,
        "chart": jinja2.utils.markupsafe.Markup(svg) if layout["chart"] else None,
        "chart_title": bars["title"],
        "page_url": f"wijk/{slug(wijk)}.html",
        "footer": _css_string(f"{wijk} · Wijkprofiel {data.edition}"),
    }


def _css_string(text: str) -> jinja2.utils.markupsafe.Markup:
    """`text` as a CSS string for the style sheet (HTML escaping does not apply inside
    <style>, so quotes, backslashes and a "</style>" are escaped the CSS way)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ")
    return jinja2.utils.markupsafe.Markup(f'"{escaped}"')


def render_html(data: SiteData, wijken: list, layout: dict = LAYOUTS[0]) -> str:
    page = Page(data, "nl", lambda text: text)
    sheets = [factsheet_context(data, page, wijk, layout) for wijk in wijken]
    return _environment.get_template("factsheet.html").render(sheets=sheets, edition=data.edition)


def _print(html: str, targets: list) -> tuple[list, list]:
    """Lay out `html` (the factsheets of `targets`, in order) once and write each sheet that
    fits on two pages to its file. Returns (paths written, targets that ran over). Runs in a
    worker thread with a browser of its own."""
    with pdf_engine.browser() as chromium:
        pdf = chromium.load(html).pdf()
    starts = pdf_engine.destinations(pdf)
    total = pdf_engine.page_count(pdf)
    bounds = [starts[anchor] - 1 for anchor, _ in targets] + [total]
    fitting, over = [], []
    for target, first, end in zip(targets, bounds, bounds[1:]):
        if end - first == PAGES_PER_SHEET:
            fitting.append((first, end, target[1]))
        else:
            over.append(target)
    pdf_engine.write_pages(pdf, fitting)
    return [path for _, _, path in fitting], over


def write_factsheets(data: SiteData, out_dir: Path, *, workers: int = 2) -> list[Path]:
    """Write factsheets/<wijk>.pdf for every wijk; return the paths (wijk code order).

    The wijken are split over `workers` threads, each printing its share as one document in
    a chromium of its own (survey.pdf_engine). Raises WijkprofielError naming the wijken whose
    factsheet runs over two pages even in the most compact layout, or when chromium is
    missing."""
    out_dir = Path(out_dir)
    pdf_engine.require(out_dir / "*.pdf")
    out_dir.mkdir(parents=True, exist_ok=True)
    wijken = list(data.areas["wijk"])
    written, pending = [], wijken
    with concurrent.futures.ThreadPoolExecutor(max(1, workers), thread_name_prefix="factsheets") as pool:
        for layout in LAYOUTS:
            if not pending:
                break
            chunks = [c for c in ([pending[i::workers] for i in range(workers)]
                                  if workers > 1 else [pending]) if c]
            futures = [pool.submit(_print, render_html(data, chunk, layout),
                                   [(f"w-{slug(w)}", str(out_dir / f"{slug(w)}.pdf")) for w in chunk])
                       for chunk in chunks]
            by_anchor = {f"w-{slug(w)}": w for w in pending}
            pending = []
            for future in futures:
                done, over = future.result()
                written += done
                pending += [by_anchor[anchor] for anchor, _ in over]
    if pending:
        raise WijkprofielError(f"the factsheet of {', '.join(pending)} does not fit on "
                               f"{PAGES_PER_SHEET} pages, even without its chart")
    order = {str(out_dir / f"{slug(w)}.pdf"): i for i, w in enumerate(wijken)}
    return [Path(p) for p in sorted(written, key=order.get)]


__all__ = ["write_factsheets", "render_html", "factsheet_context"]
