"""A real server for the browser tests, in its own process so that a test can kill it.

    python -m tests.browser.server DATABASE_URL PORT [QUESTIONNAIRES_DIR]

(with PLAIN_HTTP_COOKIE=1 in the environment the session cookie is not Secure, for the text
browsers, which do not send a Secure cookie over plain http)

serves the app on 127.0.0.1:PORT with the mini fixture questionnaire (or the questionnaires in
QUESTIONNAIRES_DIR). `add_unit` puts a sample
unit with a known letter code in the database (the integration tests use it too).
"""

import os
import sys
from pathlib import Path

from werkzeug.serving import make_server

from survey import access_codes, create_app, storage
from survey.models import Area, Edition, SampleUnit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "questionnaires"


def test_config(database_url: str, questionnaires_dir=FIXTURES) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "browser-tests",
        # SESSION_COOKIE_SECURE keeps its production default: chromium counts loopback as secure
        "QUESTIONNAIRES_DIR": str(questionnaires_dir),
    }


def add_unit(url, unit_id, code, questionnaire_id="mini", status="invited"):
    """A sample unit of the 2024 edition in wijk 1 whose letter carries `code`."""
    with storage.transaction(url) as db:
        if db.get(Edition, 1) is None:
            db.add(Edition(id=1, year=2024, title="Wijkprofiel 2024"))
            db.add(Area(wijk_code=1, wijk="Stadsdriehoek", gebied="Centrum"))
            db.flush()
        db.add(SampleUnit(
            id=unit_id, edition_id=1, wijk_code=1, questionnaire_id=questionnaire_id,
            inclusion_probability=0.1, design_weight=10.0, stratum_population=1000,
            age_group="35-44", sex="v", migration_background="nl", household_type="alleen",
            code_hash=access_codes.code_hash(code), status=status))


def main(argv):
    database_url, port = argv[1], int(argv[2])
    config = test_config(database_url, *argv[3:4])
    if os.environ.get("PLAIN_HTTP_COOKIE"):
        # text browsers (lynx, w3m) keep a Secure cookie off plain http, as they should
        config["SESSION_COOKIE_SECURE"] = False
    app = create_app(config)
    server = make_server("127.0.0.1", port, app, threaded=True)
    print(f"serving on 127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
