"""The client ships alone: a wheel without the server, an import without Flask."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def test_the_wheel_holds_the_client_and_not_the_server(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path), str(PACKAGE)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    [wheel] = tmp_path.glob("tenant_config_client-*.whl")
    names = zipfile.ZipFile(wheel).namelist()

    assert "tenant_config_client/client.py" in names
    assert "tenant_config_client/py.typed" in names
    assert not [name for name in names if name.startswith("tenant_config/")]
    assert {name.split("/")[0] for name in names} == {
        "tenant_config_client",
        wheel.name.removesuffix("-py3-none-any.whl") + ".dist-info",
    }
    dist_info = wheel.name.removesuffix("-py3-none-any.whl") + ".dist-info"
    metadata = zipfile.ZipFile(wheel).read(f"{dist_info}/METADATA").decode()
    requires = {
        (re.match(r"Requires-Dist: ([\w-]+)", line)[1].lower(), "extra == " in line)
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist")
    }
    assert sorted(name for name, extra in requires if not extra) == [
        "authlib",
        "cryptography",
        "httpx",
    ]
    # The command line's own dependencies come only with the `[cli]` extra.
    assert sorted(name for name, extra in requires if extra) == ["click", "pyyaml", "rich"]
    entry_points = zipfile.ZipFile(wheel).read(f"{dist_info}/entry_points.txt").decode()
    assert "tcfg = tenant_config_client.cli:main" in entry_points


def test_importing_the_client_loads_no_server_and_no_flask():
    loaded = subprocess.run(
        [sys.executable, "-c",
         "import sys, tenant_config_client; print(sorted(sys.modules))"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    modules = set(eval(loaded))  # noqa: S307 (a list of names this test printed)
    assert "tenant_config_client.client" in modules
    assert not {"tenant_config", "flask", "werkzeug", "sqlalchemy"} & modules
