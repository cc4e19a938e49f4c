"""The integrations list of the admin UI: search, filters, paging, and only the user's tenants."""

from __future__ import annotations

import uuid

from tests.ui.support import signed_in_client, text_of


def test_search_finds_names_and_partner_tenants_in_any_case(ui, new_integration):
    word = uuid.uuid4().hex[:10]
    by_name = new_integration(name=f"Shop-{word.upper()}-eu")
    by_partner = new_integration(partnerTenant=f"store-{word}")
    new_integration(name="unrelated")
    page = text_of(ui.get(f"/ui/integrations?search={word}").data)
    assert "2 integrations" in page
    assert by_name["name"] in page
    assert by_partner["name"] in page
    assert "unrelated" not in page


def test_search_takes_percent_and_underscore_literally(ui, new_integration):
    word = uuid.uuid4().hex[:10]
    new_integration(name=f"{word}-100%_off")
    new_integration(name=f"{word}-1000")
    assert "1 integration" in text_of(ui.get(f"/ui/integrations?search={word}-100%25_").data)
    assert "No integration matches" in text_of(ui.get(f"/ui/integrations?search={word}_1").data)


def test_filters_narrow_the_list(ui, new_integration):
    word = uuid.uuid4().hex[:10]
    new_integration(name=f"{word}-a", connector="BIGCOMMERCE_OSERIES")
    new_integration(name=f"{word}-b", connector="SAPTAX_OSERIES")
    page = text_of(ui.get(f"/ui/integrations?search={word}&connector=SAPTAX_OSERIES").data)
    assert "1 integration" in page
    assert f"{word}-b" in page


def test_paging_links_lead_through_every_page(ui, new_integration):
    word = uuid.uuid4().hex[:10]
    names = {new_integration(name=f"{word}-{n}")["name"] for n in range(3)}
    seen: set[str] = set()
    url = f"/ui/integrations?search={word}&pageSize=2&pageSort=name,ASC"
    first = ui.get(url).data.decode()
    assert "Page 1 of 2" in text_of(first)
    seen |= {name for name in names if name in first}
    next_url = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = ui.get(next_url.replace("&amp;", "&")).data.decode()
    assert "Page 2 of 2" in text_of(second)
    seen |= {name for name in names if name in second}
    assert seen == names


def test_an_htmx_search_answers_only_the_results(ui, new_integration):
    word = uuid.uuid4().hex[:10]
    new_integration(name=f"{word}-x")
    answer = ui.get(
        f"/ui/integrations?search={word}", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    html = answer.data.decode()
    assert answer.status_code == 200
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html


def test_a_bad_filter_is_explained_and_lists_nothing(ui):
    answer = ui.get("/ui/integrations?tenant=not-a-uuid&pageSize=1000")
    assert answer.status_code == 400
    page = text_of(answer.data)
    assert "Some filters are not valid" in page
    assert "tenant" in page
    assert "pageSize" in page


def test_search_never_shows_another_tenants_integrations(app, make_token, new_integration):
    word = uuid.uuid4().hex[:10]
    new_integration(name=f"{word}-mine")
    other_tenant = str(uuid.uuid4())
    stranger = signed_in_client(app, make_token(tenants=[other_tenant]))
    page = text_of(stranger.get(f"/ui/integrations?search={word}").data)
    assert "No integration matches" in page
    assert f"{word}-mine" not in page
