"""Comparing two integrations of the same name: every heading and button says which is which."""

from __future__ import annotations

import re

from tests.support.bodies import config_body
from tests.ui.support import text_of


def test_integrations_of_one_name_are_told_apart_as_here_and_there(
    ui, client, headers, new_integration
):
    here, there = new_integration(name="shop"), new_integration(name="shop")
    for integration, name in ((here, "onlyHere"), (there, "onlyThere")):
        url = f"/tenantintegrations/{integration['id']}/configs"
        answer = client.post(url, json=config_body(name=name, value="x"), headers=headers)
        assert answer.status_code == 201, answer.get_json()
    for integration in (here, there):
        url = f"/tenantintegrations/{integration['id']}/configs"
        answer = client.post(
            url, json=config_body(name="shared", value=integration["id"]), headers=headers
        )
        assert answer.status_code == 201, answer.get_json()

    page = ui.get(f"/ui/integrations/{here['id']}/compare?with={there['id']}")
    assert page.status_code == 200
    html = page.data.decode()
    buttons = [
        text_of(b.encode()) for b in re.findall(r"<button[^>]*copy-to-[^>]*>.*?</button>", html)
    ]
    assert buttons == [
        "Copy selected from shop (there) to shop (here)",
        "Copy selected from shop (here) to shop (there)",
    ]
    text = text_of(page.data)
    assert "Only in shop (here)" in text
    assert "Only in shop (there)" in text
    assert "Here: shop (here)" in text
    assert "There: shop (there)" in text
