"""Lynx driven by a keystroke script, as a resident would use it: the text browser that checks
the first radio button of every group by itself and keeps a Secure cookie off plain http.

`lynx_run(url, script, tmp_path)` starts lynx on `url`, plays the keystrokes of `script` (see
`keys`, `ENTER`, `DOWN`), then saves the screen's page to a text file and returns its text.
Lynx runs with its own empty HOME, so no personal lynx settings or cookies take part.
"""

import os
import shutil
import subprocess

import pytest

ENTER = "key ^J\n"
DOWN = "key Down Arrow\n"


def keys(text: str) -> str:
    """Typing `text`, one key at a time."""
    return "".join(f"key {c}\n" for c in text)


def lynx_run(url: str, script: str, tmp_path, name: str = "page") -> str:
    """Play `script` in lynx from `url` and return the text of the page it ends on."""
    lynx = shutil.which("lynx")
    if lynx is None:
        pytest.skip("lynx is missing: apt-get install -y lynx")
    saved = tmp_path / f"{name}.txt"
    home = tmp_path / "lynx-home"
    home.mkdir(exist_ok=True)
    # print menu -> "Save to a local file" (the first choice) -> clear the proposed name -> ours
    script += "key p\n" + ENTER + "key ^U\n" + keys(str(saved)) + ENTER + "key q\nkey y\n"
    script_path = tmp_path / f"{name}.lynx"
    script_path.write_text(script, encoding="utf-8")
    subprocess.run([lynx, "-nopause", "-accept_all_cookies", "-display_charset=utf-8",
                    f"-cmd_script={script_path}", url],
                   env={**os.environ, "HOME": str(home), "TERM": "vt100", "LANG": "C.UTF-8"},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120, check=False)
    assert saved.exists(), f"lynx saved no page (script {script_path})"
    return saved.read_text(encoding="utf-8", errors="replace")
