"""The Wijkprofiel survey web application and command line.

Importing the package is cheap: Flask and the database layer load when an app is built, so
that a module needing only a path (`survey.paths`), a questionnaire or the population tables
does not pull in the web application.
"""

import os
from pathlib import Path


def create_app(test_config=None, *, serving=None):
    """Build the Flask app. Settings (`survey.settings`, the one table of them): the defaults,
    then `instance/config.py` or `test_config`, then the environment (`DATABASE_URL`,
    `SECRET_KEY` and a few more), which wins so that deployments need no file.

    `serving`: whether this app will serve the public (a WSGI server such as gunicorn); it
    then refuses a weak `SECRET_KEY` and debug mode (`security.check_production`, raises
    ConfigError). By default it does unless the app is for tests (`TESTING`) or was built by a
    command line (`wijkprofiel ...`, `flask ...`: commands, the demo and the development
    server), so `gunicorn 'survey:create_app()'` is checked too."""
    from flask import Flask

    from survey import security, settings, storage

    app = Flask(__name__, instance_relative_config=True)
    settings.load(app.config, app.instance_path, test_config)
    if serving is None:
        # Flask's command line sets FLASK_RUN_FROM_CLI for every command it runs
        serving = not app.testing and os.environ.get("FLASK_RUN_FROM_CLI") != "true"
    if serving:
        security.check_production(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from survey import error_pages, i18n
    from survey.routes import health, questionnaire, start

    storage.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(start.bp)
    app.register_blueprint(questionnaire.bp)
    error_pages.init_app(app)  # 404, 405, 429, 500 in the resident's language
    from survey.routes import dashboard, export, outcomes, paper, phone, staff
    from survey.staff import auth as staff_auth
    from survey.staff import local_time

    staff_auth.init_app(app)
    # staff pages show the stored UTC times in Rotterdam time: {{ event.at|rotterdam }}
    app.jinja_env.filters["rotterdam"] = local_time.shown
    for blueprint in (staff.bp, dashboard.bp, export.bp, outcomes.bp, paper.bp, phone.bp):
        app.register_blueprint(blueprint)
    from survey.routes import letters as letter_routes
    from survey.routes import sample as sample_routes

    app.register_blueprint(sample_routes.bp)
    app.register_blueprint(letter_routes.bp)
    from survey.routes import public_site

    app.register_blueprint(public_site.bp)
    return app
