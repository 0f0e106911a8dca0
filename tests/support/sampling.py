"""The sample's draw and import on a database named by URL, each in a transaction of its own
(all units or none), for tests that work without an app."""

from survey import storage
from survey.sampling import draw as drawing
from survey.sampling import import_file as importing


def import_file(url, path, kind, edition_year, **options):
    with storage.transaction(url) as db:
        return importing.import_file(db, path, kind, edition_year, **options)


def draw_edition(url, edition_year, seed, **options):
    with storage.transaction(url) as db:
        return drawing.draw(db, edition_year, seed, **options)
