"""The public Wijkprofiel site (`wijkprofiel publish`) served by the app under /wijkprofiel/,
from the directory in the setting `PUBLIC_SITE_DIR` (see `survey.publish`); without it the
path answers 404. The site is static: this only hands out its files.

The site's pages may run their one small script (the postcode search, an enhancement), so its
Content-Security-Policy allows scripts from this origin; the respondent pages allow none.
"""

import os

from flask import Blueprint, abort, current_app, redirect, send_from_directory, url_for

bp = Blueprint("public_site", __name__)

SITE_POLICY = "; ".join([
    "default-src 'none'", "style-src 'self'", "img-src 'self'", "script-src 'self'",
    "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
])


def site_dir():
    return current_app.config.get("PUBLIC_SITE_DIR") or os.environ.get("PUBLIC_SITE_DIR")


@bp.get("/wijkprofiel")
def root_without_slash():
    if not site_dir():
        abort(404)
    # the site's links are relative: they need the trailing slash
    return redirect(url_for("public_site.page", path=""), code=308)


@bp.get("/wijkprofiel/", defaults={"path": ""})
@bp.get("/wijkprofiel/<path:path>")
def page(path):
    root = site_dir()
    if not root:
        abort(404)
    if path == "" or path.endswith("/"):
        path += "index.html"
    response = send_from_directory(os.path.abspath(root), path)  # refuses paths outside root
    response.headers["Content-Security-Policy"] = SITE_POLICY
    return response
