"""Write the public site: HTML pages in Dutch (the site's root) and English (`en/`), the
stylesheet and the small script, the open data (`data/`) and the factsheets (`factsheets/`).

Every link is relative, so the same files work from a web server under any path (the demo
serves them under /wijkprofiel/), from a file share or straight from disk.
"""

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from survey.publish import opendata
from survey.publish.inputs import SiteData
from survey.publish.pages import Page, area_path, factsheet_path, slug
from survey.publish.texts import translations

LANGUAGES = ("nl", "en")
PAGE_FILES = {  # the site's own pages, per language
    "find": {"nl": "zoek-je-wijk.html", "en": "find-your-district.html"},
    "data": {"nl": "open-data.html", "en": "open-data.html"},
    "method": {"nl": "methode.html", "en": "method.html"},
    "indices": {"nl": "indices-en-doelen.html", "en": "indices-and-targets.html"},
}
STATIC = Path(__file__).with_name("static")

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("survey.publish", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True, lstrip_blocks=True,
)


@dataclass
class PublishedSite:
    out_dir: Path
    pages: list = field(default_factory=list)
    data_files: list = field(default_factory=list)
    factsheets: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)

    @property
    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.out_dir.rglob("*") if p.is_file())


def _root(language: str) -> str:
    return "" if language == "nl" else f"{language}/"


def _prefix(path: str) -> str:
    """'../' for every folder between a page and the site's root."""
    return "../" * path.count("/")


class SiteWriter:
    def __init__(self, data: SiteData, out_dir: Path):
        self.data = data
        self.out_dir = Path(out_dir)

    def write_page(self, language, relative, template, **context):
        """Render `template` to <language root>/<relative>; return the path written."""
        full = _root(language) + relative
        site = _prefix(full)
        other = "en" if language == "nl" else "nl"
        other_relative = context.pop("other_relative", relative)
        context.update(
            language=language, edition=self.data.edition, previous=self.data.previous,
            site=site, home=site + _root(language),
            other_language=other, other_href=site + _root(other) + other_relative,
            page_files={k: v[language] for k, v in PAGE_FILES.items()},
            area_path=area_path, factsheet_path=factsheet_path,
        )
        html = _environment.get_template(template).render(**context)
        path = self.out_dir / full
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        return path

    def area_context(self, page: Page, level, domain):
        data = self.data
        context = {
            "level": level, "name": domain, "indices": page.indices(level, domain),
            "key": page.key_indicators(level, domain), "headline": page.headline(level, domain),
            "has_suppression": data.has_suppression,
        }
        if level == "wijk":
            context["gebied"] = page.gebied_of[domain]
        if level == "gebied":
            members = data.areas[data.areas["gebied"] == domain].sort_values("wijk")["wijk"]
            context["wijken"] = list(members)
        if level == "stad":
            context["overview"] = page.overview()
            context["targets"] = page.targets()
        return context

    def write_language(self, language, gettext_object):
        _environment.install_gettext_translations(gettext_object, newstyle=True)
        page = Page(self.data, language, gettext_object.gettext)
        files = PAGE_FILES
        written = []
        legend = page.bands_legend()
        areas = [("stad", "Rotterdam")]
        areas += [("gebied", g) for g in sorted(self.data.areas["gebied"].unique())]
        areas += [("wijk", w) for w in self.data.areas["wijk"]]
        for level, domain in areas:
            written.append(self.write_page(language, area_path(level, domain), "area.html",
                                           legend=legend, **self.area_context(page, level, domain)))
        chart_dir = self.out_dir / _root(language) / "charts"
        chart_dir.mkdir(parents=True, exist_ok=True)
        for name, svg in page.charts.items():
            (self.out_dir / _root(language) / name).write_text(svg, encoding="utf-8")
        other = "en" if language == "nl" else "nl"
        gebieden = [{"name": g, "wijken": sorted(m["wijk"])}
                    for g, m in self.data.areas.groupby("gebied", sort=True)]
        postcodes = [{"postcode": pc, "wijken": sorted(group["wijk"])}
                     for pc, group in self.data.postcodes.groupby("postcode", sort=True)]
        written.append(self.write_page(
            language, files["find"][language], "find.html", other_relative=files["find"][other],
            gebieden=gebieden, wijken=sorted(self.data.areas["wijk"], key=str.lower),
            postcodes=postcodes))
        written.append(self.write_page(
            language, files["data"][language], "data.html", other_relative=files["data"][other],
            downloads=opendata.listing(self.data), dictionary=opendata.dictionary(language, page._),
            licence=opendata.LICENCE_URL))
        written.append(self.write_page(
            language, files["indices"][language], "indices.html",
            other_relative=files["indices"][other], legend=legend,
            indices=page.index_tables(), targets=page.targets(), series=page.city_series()))
        written.append(self.write_page(
            language, files["method"][language], "method.html",
            other_relative=files["method"][other], legend=legend,
            source=self.data.source,
            has_objective=any(p.endswith("objectief") for s in self.data.indices for p in s.parts)))
        return written


def publish_site(data: SiteData, out_dir: Path, *, factsheets: bool = True,
                 workers: int = 2) -> PublishedSite:
    """Write the whole site for `data` into `out_dir` (created; files of an earlier run are
    replaced, others left alone). Returns what was written and how long each step took."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = PublishedSite(out_dir)
    clock = time.perf_counter()
    writer = SiteWriter(data, out_dir)
    for language in LANGUAGES:
        result.pages += writer.write_language(language, translations(language))
    static = out_dir / "static"
    static.mkdir(exist_ok=True)
    for path in STATIC.iterdir():
        if path.is_file():
            shutil.copyfile(path, static / path.name)
    result.seconds["pages"] = time.perf_counter() - clock
    clock = time.perf_counter()
    result.data_files = opendata.write_open_data(data, out_dir / "data")
    result.seconds["open data"] = time.perf_counter() - clock
    if factsheets:
        from survey.publish.factsheets import write_factsheets

        clock = time.perf_counter()
        result.factsheets = write_factsheets(data, out_dir / "factsheets", workers=workers)
        result.seconds["factsheets"] = time.perf_counter() - clock
    return result


__all__ = ["publish_site", "PublishedSite", "translations", "LANGUAGES", "PAGE_FILES", "slug"]
