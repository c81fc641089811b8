"""The embeddable petition (campaigns/embedding.py): an editor lets partner sites frame a campaign's form, only
those sites can, and signatures made there follow the same rules and name the partner."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from wagtail.users.models import UserProfile

from campaigns.embedding import EmbedPartner, normalise_origin
from campaigns.models.counter import signature_count
from campaigns.models.pages import CampaignPage
from campaigns.models.signature import Signature
from campaigns.reports import campaign_summary
from tests.builders import build_campaign, build_index, build_site, log_in, translate
from tests.campaigns.conftest import ORIGIN
from tests.campaigns.test_pages import campaign_form_data
from webhooks.payloads import snapshot_signature

pytestmark = pytest.mark.django_db

ALLIANCE = "https://privacy-alliance.org"
LIBRARY = "https://library.example"
JSON = {"HTTP_ACCEPT": "application/json"}


def policy(response):
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";")]
    return {name: sources for name, *sources in directives if name}


def embeddable(page, *partners, enabled=True):
    """Switch embedding on for `page` with `partners` ((name, origin)…) and publish it."""
    page.embed_enabled = enabled
    page.embed_partners = [EmbedPartner(name=name, origin=origin) for name, origin in partners]
    page.save_revision().publish()
    return CampaignPage.objects.get(pk=page.pk)


@pytest.fixture
def index():
    return build_index(build_site())


@pytest.fixture
def ring(index):
    return embeddable(build_campaign(index), ("Privacy Alliance", ALLIANCE), ("Library Network", LIBRARY))


def snippet_url(page, language="en-us"):
    return f"/{language}/embed/{page.translation_key}/"


def partner_url(page, key, language="en-us"):
    return f"/{language}/embed/{page.translation_key}/from/{key}/"


# The editor's settings.


@pytest.mark.parametrize(
    "typed, origin",
    [
        ("https://privacy-alliance.org", "https://privacy-alliance.org"),
        ("  HTTPS://Privacy-Alliance.ORG/ ", "https://privacy-alliance.org"),
        ("https://privacy-alliance.org:443", "https://privacy-alliance.org"),
        ("https://privacy-alliance.org:8443", "https://privacy-alliance.org:8443"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
        ("http://localhost:8123", "http://localhost:8123"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
    ],
)
def test_a_partner_site_is_kept_as_the_origin_browsers_send(typed, origin):
    assert normalise_origin(typed) == origin


@pytest.mark.parametrize(
    "typed, says",
    [
        ("https://privacy-alliance.org/campaigns/", "without a page"),
        ("https://privacy-alliance.org/?ref=1", "without a page"),
        ("https://user:pw@privacy-alliance.org", "without a page"),
        ("https://*.privacy-alliance.org", "Wildcards are not allowed"),
        ("*", "Wildcards are not allowed"),
        ("http://privacy-alliance.org", "must use https"),
        ("privacy-alliance.org", "for example https://"),
        ("ftp://privacy-alliance.org", "for example https://"),
        ("https://", "for example https://"),
        ("https://privacy-alliance.org:99999", "for example https://"),
        ("", "for example https://"),
        # What would end the header's source list and start a directive or a source of the editor's own
        ("https://privacy-alliance.org;script-src", "only letters, digits, hyphens and dots"),
        ("https://privacy-alliance.org;report-uri", "only letters, digits, hyphens and dots"),
        ("https://privacy-alliance.org'unsafe-inline'", "only letters, digits, hyphens and dots"),
        ('https://privacy"alliance.org', "only letters, digits, hyphens and dots"),
        ("https://privacy-alliance.org,https:", "only letters, digits, hyphens and dots"),
        ("https://privacy alliance.org", "only letters, digits, hyphens and dots"),
        ("https://privacy-alliance.org%3bscript-src", "only letters, digits, hyphens and dots"),
    ],
)
def test_anything_but_a_site_address_is_refused_with_a_reason(typed, says):
    with pytest.raises(ValidationError) as refused:
        normalise_origin(typed)
    assert says in refused.value.messages[0]


def test_embedding_is_off_until_an_editor_switches_it_on(client, index):
    page = build_campaign(index)
    assert page.embed_enabled is False
    assert client.get(snippet_url(page)).status_code == 404


def test_an_editor_switches_embedding_on_lists_partners_and_gets_the_snippet(admin_client, index):
    page = build_campaign(index)
    url = f"/admin/pages/{page.pk}/edit/"
    edit = admin_client.get(url).content.decode()
    assert "Embedding on partner sites" in edit
    assert "Partner organisations can then show this petition" in edit  # help text for editors
    assert "Switch embedding on, list at least one partner site and publish" in edit

    data = campaign_form_data(
        title=page.title,
        slug=page.slug,
        embed_enabled="on",
        embed_partners=[{"name": "Privacy Alliance", "origin": " HTTPS://Privacy-Alliance.org/ "}],
    )
    data = {key: value for key, value in data.items() if not key.startswith("embed_partners")}
    data.update(
        {
            "embed_partners-TOTAL_FORMS": "1",
            "embed_partners-INITIAL_FORMS": "0",
            "embed_partners-MIN_NUM_FORMS": "0",
            "embed_partners-MAX_NUM_FORMS": "1000",
            "embed_partners-0-name": "Privacy Alliance",
            "embed_partners-0-origin": " HTTPS://Privacy-Alliance.org/ ",
            "embed_partners-0-ORDER": "1",
            "embed_partners-0-id": "",
            "embed_partners-0-DELETE": "",
            "action-publish": "action-publish",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response

    page = CampaignPage.objects.get(pk=page.pk)
    assert page.embed_enabled
    assert [(p.name, p.origin) for p in page.embed_partners.all()] == [("Privacy Alliance", ALLIANCE)]
    edit = admin_client.get(url).content.decode()
    frame = f"http://localhost/en-us/embed/{page.translation_key}/"
    assert f"&lt;iframe src=&quot;{frame}&quot;" in edit
    assert "referrerpolicy=&quot;origin&quot;" in edit
    assert "http://localhost/static/js/petition-embed.js" in edit
    # A Copy button for the code, made to work by a script of the site's own (the admin's CSP runs no other).
    copy = BeautifulSoup(edit, "html.parser").select_one('button[data-copy-target="embed-snippet-en-us"]')
    assert " ".join(copy.get_text().split()) == "Copy the code in English (US)"
    assert '<script src="/static/js/admin-copy.js' in edit


def test_a_partner_address_with_a_path_is_refused_in_the_admin(admin_client, index):
    page = build_campaign(index)
    data = campaign_form_data(title=page.title, slug=page.slug, embed_enabled="on")
    data.update(
        {
            "embed_partners-TOTAL_FORMS": "1",
            "embed_partners-0-name": "Privacy Alliance",
            "embed_partners-0-origin": "https://privacy-alliance.org/petitions/ring",
            "embed_partners-0-ORDER": "1",
            "embed_partners-0-id": "",
            "embed_partners-0-DELETE": "",
        }
    )
    response = admin_client.post(f"/admin/pages/{page.pk}/edit/", data)

    assert response.status_code == 200
    assert "without a page" in response.content.decode()
    assert not EmbedPartner.objects.exists()


def test_an_editor_cannot_list_a_partner_address_that_would_add_to_the_policy_and_is_told_why(client, index):
    page = build_campaign(index)
    editor = log_in(client, "Editors")
    profile = UserProfile.get_for_user(get_user_model().objects.get(username="editors"))
    profile.preferred_language = "de"  # the message comes in the editor's own language
    profile.save()
    data = campaign_form_data(title=page.title, slug=page.slug, embed_enabled="on")
    data.update(
        {
            "embed_partners-TOTAL_FORMS": "1",
            "embed_partners-0-name": "Privacy Alliance",
            "embed_partners-0-origin": "https://privacy-alliance.org;script-src",
            "embed_partners-0-ORDER": "1",
            "embed_partners-0-id": "",
            "embed_partners-0-DELETE": "",
        }
    )
    response = editor.post(f"/admin/pages/{page.pk}/edit/", data)

    assert response.status_code == 200
    assert "nur aus Buchstaben, Ziffern, Bindestrichen und Punkten" in response.content.decode()
    assert not EmbedPartner.objects.exists()


@pytest.mark.parametrize(
    "planted",
    ["https://evil.example;script-src 'unsafe-inline' https://evil.example", "https://[::1", "nonsense"],
)
def test_a_stored_partner_address_that_is_no_origin_is_left_out_of_the_header(client, ring, planted):
    """Stored before the check was strict (or around it): the header leaves it out, whole and well-formed,
    and the listed partners' own addresses work as before."""
    EmbedPartner.objects.create(page=ring, name="Planted", origin=planted, sort_order=9)
    ring.save_revision().publish()

    snippet = client.get(snippet_url(ring))
    alliance = client.get(partner_url(ring, "privacy-alliance.org"))

    assert snippet.status_code == alliance.status_code == 200
    assert policy(snippet)["frame-ancestors"] == [LIBRARY, ALLIANCE]
    assert policy(alliance)["frame-ancestors"] == [ALLIANCE]
    for response in (snippet, alliance):
        assert policy(response)["script-src"] == ["'self'"]
        assert "evil.example" not in response["Content-Security-Policy"]
    assert client.get(partner_url(ring, "evil.example-script-src--unsafe-inline--https")).status_code == 404


def test_a_copied_campaign_starts_with_embedding_off(admin_client, index, ring):
    response = admin_client.post(
        f"/admin/pages/{ring.pk}/copy/",
        {"new_title": "Tell Google Nest", "new_slug": "google-nest", "new_parent_page": index.pk},
    )
    assert response.status_code == 302

    copy = CampaignPage.objects.get(slug="google-nest")
    assert copy.embed_enabled is False
    assert [p.origin for p in copy.embed_partners.all()] == [ALLIANCE, LIBRARY]  # kept, doing nothing
    assert Client().get(snippet_url(copy)).status_code == 404


def test_a_translation_has_the_same_partners_and_a_publish_changes_them_everywhere(client, ring):
    german = translate(ring, "de")
    assert german.embed_enabled
    assert [p.origin for p in german.embed_partners.all()] == [ALLIANCE, LIBRARY]

    embeddable(ring, ("Library Network", LIBRARY))

    assert [p.origin for p in CampaignPage.objects.get(pk=german.pk).embed_partners.all()] == [LIBRARY]
    assert policy(client.get(snippet_url(ring, "de")))["frame-ancestors"] == [LIBRARY]
    embeddable(ring, ("Library Network", LIBRARY), enabled=False)
    assert client.get(snippet_url(ring, "de")).status_code == 404


# Who may frame what.


def test_the_embed_lets_exactly_the_listed_sites_frame_it_and_nothing_else_can(client, ring):
    snippet = client.get(snippet_url(ring))
    alliance = client.get(partner_url(ring, "privacy-alliance.org"))

    assert snippet.status_code == alliance.status_code == 200
    assert policy(snippet)["frame-ancestors"] == [LIBRARY, ALLIANCE]
    assert policy(alliance)["frame-ancestors"] == [ALLIANCE]
    for response in (snippet, alliance):
        assert "X-Frame-Options" not in response
        assert policy(response)["script-src"] == ["'self'"]  # the rest of the policy is unchanged
    page = client.get(ring.url)
    assert policy(page)["frame-ancestors"] == ["'none'"]
    assert page["X-Frame-Options"] == "DENY"


def test_each_campaign_names_its_own_partners_even_from_the_page_cache(client, index, ring):
    other = embeddable(
        build_campaign(index, slug="google-nest", title="Tell Google Nest"),
        ("Nest Watch", "https://nest.example"),
    )
    for _ in range(2):  # the second time from the page cache
        mine = client.get(partner_url(ring, "library.example"))
        theirs = client.get(partner_url(other, "nest.example"))
        assert policy(mine)["frame-ancestors"] == [LIBRARY]
        assert policy(theirs)["frame-ancestors"] == ["https://nest.example"]
        assert "X-Frame-Options" not in mine and "X-Frame-Options" not in theirs
    assert mine.page_cache == theirs.page_cache == "hit"
    assert client.get(partner_url(other, "library.example")).status_code == 404  # not its partner


def test_unknown_campaigns_partners_and_languages_are_404_and_cannot_be_framed(client, ring, index):
    closed_to_embedding = build_campaign(index, slug="other")
    for url in (
        partner_url(ring, "evil.example"),
        snippet_url(closed_to_embedding),
        f"/en-us/embed/{ring.translation_key}x/",
        "/en-us/embed/00000000-0000-0000-0000-000000000000/",
        snippet_url(ring, "de"),  # not translated
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert policy(response)["frame-ancestors"] == ["'none'"]


def test_embedding_on_with_nobody_listed_frames_nowhere(client, index):
    page = embeddable(build_campaign(index))
    assert client.get(snippet_url(page)).status_code == 404


def test_the_snippet_address_sends_a_listed_partner_to_its_own_address(client, ring):
    framed = client.get(snippet_url(ring) + "?utm_source=alliance-blog", HTTP_REFERER=ALLIANCE + "/")

    assert framed.status_code == 302
    assert framed["Location"] == partner_url(ring, "privacy-alliance.org") + "?utm_source=alliance-blog"
    assert "no-store" in framed["Cache-Control"]
    # An unlisted site's referrer is no partner: the form signs for nobody (and that site cannot frame it).
    unlisted = client.get(snippet_url(ring), HTTP_REFERER="https://evil.example/page")
    assert unlisted.status_code == 200
    assert policy(unlisted)["frame-ancestors"] == [LIBRARY, ALLIANCE]
    assert f'action="{snippet_url(ring)}#petition-state"' in unlisted.content.decode()


def test_the_embedded_page_is_the_petition_alone(client, ring):
    html = client.get(partner_url(ring, "privacy-alliance.org")).content.decode()

    assert f'action="{partner_url(ring, "privacy-alliance.org")}#petition-state" target="_self"' in html
    assert ring.consent_text in html
    assert 'name="website"' in html  # the honeypot
    assert 'class="site-header' not in html and "<footer" not in html
    assert 'data-embed-parent="https://privacy-alliance.org"' in html
    assert '<base target="_blank">' in html
    assert "/static/js/embed-frame.js" in html


# Signing in the frame.


def sign(client, url, data, **headers):
    headers.setdefault("HTTP_ORIGIN", ORIGIN)  # the frame's document is this site's
    headers.setdefault("HTTP_SEC_FETCH_SITE", "same-origin")
    return client.post(url, data, **headers)


def test_a_signature_in_the_frame_is_stored_with_the_partner_as_its_source(client, ring, sign_data):
    url = partner_url(ring, "privacy-alliance.org")
    response = sign(client, url, sign_data(utm_source="alliance-blog"))

    assert response.status_code == 303
    assert response["Location"] == url + "thank-you/"
    signature = Signature.objects.get()
    assert signature.source == {
        "utm_source": "alliance-blog",
        "partner": "Privacy Alliance",
        "partner_origin": ALLIANCE,
    }
    assert signature.consent_text == ring.consent_text
    assert signature_count(ring.translation_key) == 1
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Thank you for signing!" in thanks.content.decode()
    assert policy(thanks)["frame-ancestors"] == [ALLIANCE]
    assert "X-Frame-Options" not in thanks

    summary = campaign_summary(ring.translation_key)
    assert summary.per_origin == [("Privacy Alliance", 1)]
    assert snapshot_signature(signature, ring)["referrer_data"]["partner"] == "Privacy Alliance"


def test_with_javascript_the_frame_signs_in_the_background(client, ring, sign_data):
    response = sign(client, partner_url(ring, "library.example"), sign_data(), **JSON)

    assert response.status_code == 200
    assert response.json()["ok"] is True and "Thank you for signing!" in response.json()["html"]
    assert Signature.objects.get().source["partner"] == "Library Network"


def test_the_snippet_address_signs_for_no_partner(client, ring, sign_data):
    response = sign(client, snippet_url(ring), sign_data())

    assert response["Location"] == snippet_url(ring) + "thank-you/"
    assert "partner" not in Signature.objects.get().source


def test_the_same_rules_hold_in_the_frame_one_signature_per_person(client, ring, sign_data):
    url = partner_url(ring, "privacy-alliance.org")
    first = sign(client, ring.url, sign_data(email="ada@example.org"))
    again = sign(client, url, sign_data(email=" ADA@example.org"))

    assert first.status_code == again.status_code == 303  # the same answer: nothing revealed
    assert Signature.objects.count() == 1
    assert "partner" not in Signature.objects.get().source
    assert signature_count(ring.translation_key) == 1


def test_the_honeypot_works_in_the_frame(client, ring, sign_data):
    response = sign(
        client, partner_url(ring, "privacy-alliance.org"), sign_data(website="http://spam.example")
    )

    assert response.status_code == 303
    assert not Signature.objects.exists()


def test_the_rate_limit_holds_in_the_frame_and_says_so_there(client, ring, sign_data, settings):
    settings.SIGN_RATE_LIMIT = "2/10m"
    url = partner_url(ring, "privacy-alliance.org")
    sign(client, ring.url, sign_data(email="a@example.org"))
    sign(client, url, sign_data(email="b@example.org"))

    limited = sign(client, url, sign_data(email="c@example.org"))

    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 600
    html = limited.content.decode()
    assert "Please try again in" in html and 'class="site-header' not in html
    assert policy(limited)["frame-ancestors"] == [ALLIANCE]
    assert Signature.objects.count() == 2


def test_mistakes_are_shown_in_the_frame(client, ring, sign_data):
    response = sign(client, partner_url(ring, "privacy-alliance.org"), sign_data(email="not-an-address"))

    assert response.status_code == 400
    assert "Please correct the mistakes marked in the form." in response.content.decode()
    assert policy(response)["frame-ancestors"] == [ALLIANCE]
    assert not Signature.objects.exists()


def test_a_post_from_another_site_is_refused_even_from_a_partner(client, ring, sign_data):
    response = sign(
        client,
        partner_url(ring, "privacy-alliance.org"),
        sign_data(),
        HTTP_ORIGIN=ALLIANCE,
        HTTP_SEC_FETCH_SITE="cross-site",
    )

    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_a_closed_petition_says_so_in_the_frame(client, ring, sign_data):
    ring.closed = True
    ring.save_revision().publish()

    shown = client.get(partner_url(ring, "privacy-alliance.org")).content.decode()
    refused = sign(client, partner_url(ring, "privacy-alliance.org"), sign_data())

    assert "This petition is closed" in shown
    assert refused.status_code == 409
    assert not Signature.objects.exists()


def test_the_frame_speaks_the_language_of_its_address(client, ring):
    translate(ring, "de")
    html = client.get(partner_url(ring, "privacy-alliance.org", "de")).content.decode()

    assert '<html lang="de"' in html
    assert "Eine Petition von" in html
    assert f'action="{partner_url(ring, "privacy-alliance.org", "de")}#petition-state"' in html


@pytest.mark.parametrize(
    "referer",
    ["http://[oops", "https://", "javascript:alert(1)", "https://privacy-alliance.org:99999/", "\x00", "é"],
)
@pytest.mark.parametrize("method", ["get", "head", "put", "delete", "options"])
def test_odd_requests_to_the_embed_are_answered_not_a_server_error(client, ring, referer, method):
    for url in (snippet_url(ring), partner_url(ring, "privacy-alliance.org"), partner_url(ring, "%2e%2e")):
        response = getattr(client, method)(url, HTTP_REFERER=referer)
        assert response.status_code in (200, 404, 405), (url, response.status_code)


def test_the_same_partner_site_listed_twice_is_refused_in_the_admin(admin_client, index):
    page = build_campaign(index)
    data = campaign_form_data(title=page.title, slug=page.slug, embed_enabled="on")
    data["embed_partners-TOTAL_FORMS"] = "2"
    for n, origin in enumerate(["https://privacy-alliance.org", "HTTPS://Privacy-Alliance.org/"]):
        data.update(
            {
                f"embed_partners-{n}-name": f"Privacy Alliance {n}",
                f"embed_partners-{n}-origin": origin,
                f"embed_partners-{n}-ORDER": str(n + 1),
                f"embed_partners-{n}-id": "",
                f"embed_partners-{n}-DELETE": "",
            }
        )
    response = admin_client.post(f"/admin/pages/{page.pk}/edit/", data)

    assert response.status_code == 200
    assert "This site is already listed." in response.content.decode()
    assert not EmbedPartner.objects.exists()


def test_in_the_frame_signing_again_is_offered_instead_of_send_it_again(client, ring, sign_data):
    """A partner's frame keeps no cookie of this site, so "send the email again" could not know the address."""
    ring.confirmation_required = True
    ring.save_revision().publish()
    url = partner_url(ring, "privacy-alliance.org")
    thanks = client.get(sign(client, url, sign_data())["Location"]).content.decode()
    background = sign(client, url, sign_data(email="b@example.org"), **JSON).json()["html"]
    for html in (thanks, background):
        assert "Please check your inbox." in html
        assert "data-resend-form" not in html
        assert "Sign again with the same address" in html
    assert "data-resend-form" in client.get(ring.url + "thank-you/").content.decode()  # on the site itself
