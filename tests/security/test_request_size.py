"""Request bodies: 1 MiB everywhere, more only on the routes that take a file. Before, every
route took 256 MB: a 250 MB url-encoded POST to /start (no login needed) added 1 GB to a
worker. The deploy guide's nginx example sets the same limits per location."""

import io
import re

import pytest

from survey.paths import PROJECT_ROOT
from survey.security import MAX_CONTENT_LENGTH, UPLOAD_ROUTES
from tests.support.security import staff_client
from tests.support.staff import csrf_token

TWO_MIB = b"a=" + b"x" * (2 * 1024 * 1024)


def post_routes(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            # 1 where the route takes a number (<int:...>), else a word
            values = {name: 1 if type(rule._converters[name]).__name__ == "IntegerConverter"
                      else "x" for name in rule.arguments}
            yield rule.endpoint, app.url_map.bind("localhost").build(
                rule.endpoint, values, method="POST")


@pytest.fixture
def app(build_app, sqlite_url):
    return build_app(sqlite_url)


def test_every_post_route_but_the_uploads_refuses_a_large_body(app):
    """Anonymous and as a coordinator: 413 before the body is read, never a 500."""
    routes = dict(post_routes(app))
    assert set(UPLOAD_ROUTES) <= set(routes), "an upload route no longer exists"
    for client in (app.test_client(), staff_client(app, "coordinator")):
        for endpoint, url in routes.items():
            if endpoint in UPLOAD_ROUTES:
                continue
            response = client.post(url, data=TWO_MIB,
                                   content_type="application/x-www-form-urlencoded")
            assert response.status_code == 413, (endpoint, response.status_code)
            assert "niets opgeslagen" in response.text


def test_a_body_just_under_the_limit_is_read(app):
    client = app.test_client()
    # (a form field also stays under Flask's MAX_FORM_MEMORY_SIZE, 500 kB)
    response = client.post("/start", data={"code": "x" * 400_000})
    assert response.status_code != 413


def test_the_register_upload_takes_a_large_file_up_to_its_own_limit(app):
    client = staff_client(app, "coordinator")

    def upload(size):
        content = b"registernummer,wijk\n" + b"BRP-1,71\n" * (size // 9)
        return client.post("/staff/sample/upload", data={
            "csrf_token": csrf_token(client, "/staff/sample/"), "kind": "register",
            "edition": "2024", "upload": (io.BytesIO(content), "groot.csv")},
            content_type="multipart/form-data")

    assert upload(3 * 1024 * 1024).status_code in (302, 400)  # read: checked, not refused
    app.config["MAX_UPLOAD_LENGTH"] = 2 * 1024 * 1024
    assert upload(3 * 1024 * 1024).status_code == 413


def test_the_outcomes_batch_takes_more_than_the_general_limit(app):
    client = staff_client(app, "coordinator")

    rows = b"sample_unit_id,outcome\n" + b"GEEN-EENHEID,refused\n" * 100_000  # 2.1 MB
    response = client.post("/staff/outcomes/batch", data={
        "csrf_token": csrf_token(client, "/staff/outcomes/"),
        "batch": (io.BytesIO(rows), "groot.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400  # read and refused for its content, not its size
    assert "GEEN-EENHEID" in response.text


def _nginx_example() -> str:
    guide = (PROJECT_ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    return re.search(r"```nginx\n(.*?)```", guide, re.S).group(1)


def _size(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", text.strip().lower()).groups()
    return int(number) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[unit]


def test_the_deploy_guide_proxy_has_the_same_limits(app):
    """The general client_max_body_size is the app's 1 MiB, and each upload route has a
    location of its own allowing at least what the app allows (else nginx would refuse the
    documented 60 MB register upload, as the old single `1m` did)."""
    nginx = _nginx_example()
    server = nginx[nginx.index("server {"):]
    general = re.search(r"^    client_max_body_size (\w+);", server, re.M)
    assert general and _size(general.group(1)) == MAX_CONTENT_LENGTH
    urls = dict(post_routes(app))
    for endpoint, setting in UPLOAD_ROUTES.items():
        block = re.search(r"location = " + re.escape(urls[endpoint]) + r" \{(.*?)\}", nginx, re.S)
        assert block, f"deploy/README.md: no nginx location for {urls[endpoint]}"
        size = re.search(r"client_max_body_size (\w+);", block.group(1))
        assert size and _size(size.group(1)) >= app.config[setting], urls[endpoint]
        assert "proxy_pass" in block.group(1)
