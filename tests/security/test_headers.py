"""Secure response headers (OWASP A05) on respondent and staff pages: a strict CSP that allows
no script and no framing, nosniff, no referrer, no caching; HSTS only over https, which is
the request's own scheme or, with TRUSTED_PROXIES, the proxy's X-Forwarded-Proto."""

import pytest


from tests.support.security import respondent_login, staff_client


PAGES = ["/start", "/opgeslagen", "/staff/login", "/healthz", "/staff/dashboard",
         "/vragenlijst/pagina/woonduur", "/no-such-page", "/staff/dashboard/export.csv"]


def directives(policy):
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_security_headers(sec_app, path):
    client = staff_client(sec_app, "coordinator") if path.startswith("/staff/d") else sec_app.test_client()
    if path.startswith("/vragenlijst"):
        respondent_login(client)
    response = client.get(path)
    assert response.status_code in (200, 404), response.status_code
    headers = response.headers
    csp = directives(headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'none'"]
    assert "script-src" not in csp  # no script at all: default-src 'none' applies
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert not any("unsafe" in value for values in csp.values() for value in values)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers  # plain http: HSTS would be ignored or wrong


def test_cookies_are_httponly_samesite_and_secure_by_default(build_app, sqlite_url):
    app = build_app(sqlite_url, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    response = client.get("/start", base_url="https://wijkprofiel.example")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_hsts_over_https(sec_app):
    response = sec_app.test_client().get("/start", base_url="https://wijkprofiel.example")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_behind_a_trusted_proxy_only(build_app, make_app, sqlite_url):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    untrusting = build_app(sqlite_url)
    response = untrusting.test_client().get("/start", headers=forwarded)
    # without TRUSTED_PROXIES anyone could send the header: it is ignored
    assert "Strict-Transport-Security" not in response.headers
    trusting = make_app(sqlite_url, TRUSTED_PROXIES=1)
    response = trusting.test_client().get("/start", headers=forwarded)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_exports_are_downloads_that_are_never_sniffed_as_html(sec_app):
    client = staff_client(sec_app, "statistician")
    for path in ("/staff/export/answers.csv", "/staff/dashboard/export.csv",
                 "/staff/export/answers.xlsx"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert not response.headers["Content-Type"].startswith("text/html")


def test_an_oversized_upload_is_refused_before_it_is_read(app):
    # MAX_CONTENT_LENGTH: a request body over the limit gets 413 without being processed
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = app.test_client().post("/start", data={"code": "x" * 4096})
    assert response.status_code == 413
