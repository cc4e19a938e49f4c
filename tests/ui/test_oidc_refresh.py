"""Admin-UI sessions that outlive a short access token: refresh, expiry, cookie size, redirects.

Against the provider served on 127.0.0.1 (tests/support/oidc_provider.py), as test_oidc.py.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from tenant_config.integrations.models import Integration
from tenant_config.platform.database import db
from tenant_config.ui.access import REFRESH_KEY, SESSION_KEY, SIGNED_IN_AT
from tenant_config.ui.oidc import CLIENT
from tests.support.bodies import integration_body
from tests.support.oidc_provider import Client, Provider, User
from tests.support.servers import free_port
from tests.ui.oidc_flow import authorize, back_in_app, provider_answer
from tests.ui.support import csrf_from, text_of


def login(app: Flask, next_page: str = "/ui/integrations") -> FlaskClient:
    """Return a client of `app` signed in through the provider."""
    ui = app.test_client()
    done = back_in_app(ui, provider_answer(authorize(ui, next_page)))
    assert done.headers["Location"] == next_page
    assert ui.get(next_page).status_code == 200  # shows (and so forgets) "Signed in."
    return ui


def session_of(ui: FlaskClient) -> dict:
    with ui.session_transaction("/ui/") as session:
        return dict(session)


def expire_access_token(ui: FlaskClient, provider: Provider) -> None:
    """Replace the session's access token by one that expired long past the API's leeway."""
    lifetime, provider.token_seconds = provider.token_seconds, -120
    expired = provider.access_token(Client(), provider.user)
    provider.token_seconds = lifetime
    with ui.session_transaction("/ui/") as session:
        session[SESSION_KEY] = expired


def form_opened_before_expiry(oidc_app, provider: Provider, tenant: str):
    """Sign in, open the new-integration form, then let the access token expire."""
    provider.user = User(tenants=(tenant,))
    app = oidc_app()
    ui = login(app)
    csrf = csrf_from(ui.get("/ui/integrations/new").data)
    expire_access_token(ui, provider)
    return app, ui, csrf


def new_integration_form(ui: FlaskClient, tenant: str, name: str, csrf: str):
    body = integration_body(tenant, name=name)
    return ui.post("/ui/integrations/new", data=body | {"csrf_token": csrf})


def stored_names(app: Flask) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(db.select(Integration.name)))


def test_a_token_about_to_expire_is_renewed_and_the_refresh_token_rotated(
    oidc_app, provider, tenant
):
    provider.user = User(tenants=(tenant,))
    provider.token_seconds = 10  # inside the UI's 30 s margin: every page renews it
    ui = login(oidc_app())
    first, refreshes = session_of(ui), provider.refreshes
    assert first[REFRESH_KEY] in provider.refresh_tokens

    page = ui.get("/ui/integrations")
    assert page.status_code == 200
    assert "ada@example.com" in text_of(page.data)
    renewed = session_of(ui)
    assert provider.refreshes == refreshes + 1
    assert renewed[SESSION_KEY] != first[SESSION_KEY]
    assert renewed[REFRESH_KEY] != first[REFRESH_KEY]
    assert set(provider.refresh_tokens) == {renewed[REFRESH_KEY]}  # the old one is spent
    assert renewed[SIGNED_IN_AT] == first[SIGNED_IN_AT]  # a renewal is no new login


def test_a_token_far_from_expiry_is_not_renewed(oidc_app, provider, tenant):
    provider.user = User(tenants=(tenant,))
    ui = login(oidc_app())
    assert ui.get("/ui/integrations").status_code == 200
    assert provider.refreshes == 0


def test_a_form_posted_after_the_token_expired_is_saved_with_a_renewed_token(
    oidc_app, provider, tenant
):
    app, ui, csrf = form_opened_before_expiry(oidc_app, provider, tenant)

    saved = new_integration_form(ui, tenant, "after-expiry", csrf)
    assert saved.status_code == 303, text_of(saved.data)
    assert "after-expiry" in stored_names(app)
    assert provider.refreshes == 1


def test_a_refused_refresh_of_a_page_goes_straight_back_to_the_provider(oidc_app, provider, tenant):
    provider.user = User(tenants=(tenant,))
    ui = login(oidc_app())
    expire_access_token(ui, provider)
    provider.refuse_refresh = True

    sent = ui.get("/ui/integrations")
    assert sent.headers["Location"] == "/ui/login?next=/ui/integrations"
    onwards = ui.get(sent.headers["Location"])
    assert onwards.status_code == 302
    assert onwards.headers["Location"] == "/ui/login/oidc?next=/ui/integrations"
    assert provider.refreshes == 1
    assert SESSION_KEY not in session_of(ui)
    assert REFRESH_KEY not in session_of(ui)
    # The provider signs the user in again and the page opens.
    done = back_in_app(ui, provider_answer(authorize(ui)))
    assert done.headers["Location"] == "/ui/integrations"
    assert ui.get("/ui/integrations").status_code == 200


def test_a_form_posted_when_the_session_cannot_be_renewed_says_so_and_leads_back(
    oidc_app, provider, tenant
):
    app, ui, csrf = form_opened_before_expiry(oidc_app, provider, tenant)
    provider.refuse_refresh = True

    refused = new_integration_form(ui, tenant, "lost-form", csrf)
    assert refused.status_code == 302
    assert refused.headers["Location"] == "/ui/login?next=/ui/integrations/new"
    assert "lost-form" not in stored_names(app)
    login_page = ui.get(refused.headers["Location"])
    assert login_page.status_code == 200  # not straight on: there is something to read
    shown = text_of(login_page.data)
    assert "session expired before the form was sent, so nothing was saved" in shown
    assert 'href="/ui/login/oidc?next=/ui/integrations/new"' in login_page.data.decode()

    done = back_in_app(ui, provider_answer(authorize(ui, "/ui/integrations/new")))
    assert done.headers["Location"] == "/ui/integrations/new"
    again = ui.get("/ui/integrations/new")
    assert again.status_code == 200
    assert new_integration_form(ui, tenant, "sent-again", csrf_from(again.data)).status_code == 303
    assert "sent-again" in stored_names(app)


def test_a_form_whose_address_has_no_page_leads_back_to_the_page_it_was_on(
    oidc_app, provider, tenant
):
    provider.user = User(tenants=(tenant,))
    ui = login(oidc_app())
    csrf = csrf_from(ui.get("/ui/integrations").data)
    expire_access_token(ui, provider)
    provider.refuse_refresh = True
    form_page = "/ui/integrations/00000000-0000-4000-8000-000000000001/compare"
    refused = ui.post(
        "/ui/integrations/00000000-0000-4000-8000-000000000001/compare/copy",
        data={"csrf_token": csrf},
    )
    assert refused.status_code == 302
    login_page = ui.get(
        refused.headers["Location"], headers={"Referer": f"http://localhost{form_page}"}
    )
    assert f'href="/ui/login/oidc?next={form_page}"' in login_page.data.decode()
    elsewhere = ui.get(
        refused.headers["Location"], headers={"Referer": f"https://evil.example{form_page}"}
    )
    assert 'href="/ui/login/oidc?next=/ui/"' in elsewhere.data.decode()


def test_an_unreachable_provider_at_renewal_is_explained_not_a_500(oidc_app, provider, tenant):
    provider.user = User(tenants=(tenant,))
    app = oidc_app()
    ui = login(app)
    metadata = app.extensions[CLIENT].server_metadata
    metadata["token_endpoint"] = f"http://127.0.0.1:{free_port()}/token"  # nothing listens
    expire_access_token(ui, provider)

    sent = ui.get("/ui/integrations")
    assert sent.status_code == 302
    login_page = ui.get(sent.headers["Location"])
    assert login_page.status_code == 200
    assert "needed renewing, but the identity provider cannot be reached" in text_of(
        login_page.data
    )


def test_a_still_valid_token_serves_the_page_while_the_provider_is_unreachable(
    oidc_app, provider, tenant
):
    provider.user = User(tenants=(tenant,))
    provider.token_seconds = 10
    app = oidc_app()
    ui = login(app)
    app.extensions[CLIENT].server_metadata["token_endpoint"] = (
        f"http://127.0.0.1:{free_port()}/token"
    )
    assert ui.get("/ui/integrations").status_code == 200
    assert SESSION_KEY in session_of(ui)


def test_a_session_is_not_renewed_past_its_lifetime(oidc_app, provider, tenant):
    provider.user = User(tenants=(tenant,))
    ui = login(oidc_app())
    expire_access_token(ui, provider)
    with ui.session_transaction("/ui/") as session:
        session[SIGNED_IN_AT] = int(time.time()) - 9 * 3600
    assert ui.get("/ui/integrations").status_code == 302
    assert provider.refreshes == 0


def test_without_a_refresh_token_an_expired_session_signs_in_again(oidc_app, provider, tenant):
    provider.user = User(tenants=(tenant,))
    provider.issue_refresh_tokens = False
    ui = login(oidc_app())
    assert REFRESH_KEY not in session_of(ui)
    assert ui.get("/ui/integrations").status_code == 200
    expire_access_token(ui, provider)
    sent = ui.get("/ui/integrations")
    assert ui.get(sent.headers["Location"]).headers["Location"].startswith("/ui/login/oidc?")
    assert provider.refreshes == 0


def test_a_token_too_large_for_a_cookie_ends_the_login_with_the_cause(oidc_app, provider, tenant):
    provider.user = User(tenants=(tenant,))
    provider.token_padding = 4000  # an access token over 4 KB, as with many group claims
    ui = oidc_app().test_client()
    refused = back_in_app(ui, provider_answer(authorize(ui)))
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/ui/login?next=")
    cookie = refused.headers["Set-Cookie"]
    assert len(cookie) < 4093  # the answer itself is one the browser keeps
    login_page = ui.get(refused.headers["Location"])
    assert login_page.status_code == 200  # no loop through the provider
    shown = text_of(login_page.data)
    assert "tokens are too large for this UI's session cookie" in shown
    assert "fewer claims" in shown
    assert SESSION_KEY not in session_of(ui)


def test_a_large_token_that_fits_leaves_room_for_the_pages(oidc_app, provider, tenant):
    provider.user = User(tenants=(tenant,))
    provider.token_padding = 1500
    ui = login(oidc_app())
    form = ui.get("/ui/integrations/new")  # adds the CSRF token to the session
    assert form.status_code == 200
    saved = new_integration_form(ui, tenant, "big-token", csrf_from(form.data))
    assert saved.status_code == 303
    shown = ui.get(saved.headers["Location"])  # the flashed message is in the cookie now
    assert shown.status_code == 200
    for answer in (form, saved, shown):
        for cookie in answer.headers.getlist("Set-Cookie"):
            assert len(cookie) <= 4093


def test_a_signed_out_user_goes_straight_to_the_provider(oidc_app, provider):
    ui = oidc_app().test_client()
    sent = ui.get("/ui/integrations?q=abc")
    assert sent.headers["Location"] == "/ui/login?next=/ui/integrations?q%3Dabc"
    onwards = ui.get(sent.headers["Location"])
    assert onwards.status_code == 302
    assert parse_qs(urlsplit(onwards.headers["Location"]).query) == {
        "next": ["/ui/integrations?q=abc"]
    }
    assert ui.get(onwards.headers["Location"]).headers["Location"].startswith(provider.issuer)


def test_the_login_page_stays_for_signing_out_and_failed_logins(oidc_app, provider, tenant):
    provider.user = User(tenants=(tenant,))
    app = oidc_app()
    ui = login(app)
    csrf = csrf_from(ui.get("/ui/integrations").data)
    signed_out = ui.post("/ui/logout", data={"csrf_token": csrf})
    page = ui.get(signed_out.headers["Location"])
    assert page.status_code == 200
    assert "Signed out." in text_of(page.data)

    # A callback this browser cannot match (its cookie was lost): the page, not another round.
    stranger = app.test_client()
    refused = back_in_app(stranger, provider_answer(authorize(app.test_client())))
    assert "failed=1" in refused.headers["Location"]
    with stranger.session_transaction("/ui/") as session:
        session.clear()  # as a browser that kept no cookie
    assert stranger.get(refused.headers["Location"]).status_code == 200
