"""Hostile input, generated: whatever reaches a public URL gets a clear answer, never a 5xx, and stores
nothing it should not.

Hypothesis makes the requests: arbitrary Unicode, huge values, fields missing, repeated or unknown,
wrong content types and methods, malformed multipart and JSON, odd headers. They go through the Django test
client (the whole middleware stack, fast) to every public endpoint: a campaign page, its thank-you state,
the confirmation link (GET and POST), the count API, the public API and search. For each request:
- the status is below 500;
- a signature is stored only when the reply says it was signed, and then every stored value is within the
  bounds the form sets (SQLite does not enforce a column's max_length: the form must);
- a body larger than the public limit is refused (413) before it is read.
Runs in the SQLite and the PostgreSQL passes (PostgreSQL refuses some text SQLite takes, such as NUL).
"""

import itertools
import json
from urllib.parse import quote

import pytest
from django.core import mail
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.embedding import EmbedPartner
from campaigns.forms import ANSWER_MAX_LENGTH, TEXT_MAX_LENGTH
from campaigns.models.pages import CampaignFormField
from campaigns.models.signature import Signature
from campaigns.signer_fields import SIGNER_FIELDS, UTM_FIELDS
from serving.middleware import PUBLIC_BODY_LIMIT
from tests.builders import build_campaign, build_index, build_site

pytestmark = [
    pytest.mark.django_db,
    # The page cache names entries by URL; made-up URLs make keys memcached could not take (we use Redis).
    pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning"),
]

ORIGIN = "http://testserver"
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    database=None,  # nothing written to .hypothesis/
    # The campaign and the client are made once per test and shared by its examples, on purpose.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Text of any kind a client can send in UTF-8: every category but surrogates, which UTF-8 cannot carry.
ANY_CHAR = st.characters(exclude_categories=("Cs",))
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=40),
    st.sampled_from(["\x00", "\ufffd", "\u202e", "\r\n", "=1+1", "<script>", "' OR 1=1 --", "%00", "../"]),
    # Huge: up to a little beyond what the public site reads at all.
    st.builds(lambda char, n: char * n, ANY_CHAR, st.integers(0, PUBLIC_BODY_LIMIT + 1000)),
)
QUESTIONS = {  # label: field type; each extra question type a signer can be asked
    "A line": "singleline",
    "A text": "multiline",
    "A link": "url",
    "A number": "number",
    "A date": "date",
    "A choice": "dropdown",
    "Some choices": "checkboxes",
    "Hidden": "hidden",
}
FIELD_NAMES = [
    *SIGNER_FIELDS,
    *UTM_FIELDS,
    "referrer",
    "website",
    "a_line",
    "a_text",
    "a_link",
    "a_number",
    "a_date",
    "a_choice",
    "some_choices",
    "hidden",
]
FIELDS = st.dictionaries(
    st.one_of(st.sampled_from(FIELD_NAMES), st.text(ANY_CHAR, max_size=20)),
    st.one_of(TEXT, st.lists(TEXT, min_size=2, max_size=4)),  # a list: the field sent several times
    max_size=12,
)
# A new address for each example (also when Hypothesis replays one), so that a valid post stores a row
# instead of being a repeat of an earlier example's.
_addresses = itertools.count()
FRESH_EMAIL = st.builds(lambda: f"signer{next(_addresses)}@example.org")
SIGNER = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org", "country": "GB"}
# Near-valid signatures: a real signer's data with some fields replaced, removed or sent twice.
NEAR_VALID = st.builds(
    lambda email, removed, changes: {
        **{k: v for k, v in {**SIGNER, "email": email}.items() if k not in removed},
        **changes,
    },
    FRESH_EMAIL,
    st.sets(st.sampled_from(list(SIGNER))),
    FIELDS,
)
# Every field whose value is stored, and values around and far beyond its bound.
STORED_FIELDS = [
    "first_name",
    "last_name",
    "postal_code",
    "comment",
    *UTM_FIELDS,
    "referrer",
    "a_line",
    "a_text",
    "a_link",
    "a_number",
    "hidden",
]
LONG = st.builds(
    lambda char, n: char * n,
    st.one_of(st.sampled_from(["a", "é", "€", "𝄞", "9"]), ANY_CHAR),
    st.one_of(st.integers(0, 3 * TEXT_MAX_LENGTH), st.integers(0, PUBLIC_BODY_LIMIT)),
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "text/plain",
        "application/xml",
        "multipart/form-data",  # no boundary
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=xyz",
        "application/x-www-form-urlencoded; charset=latin-1",
        "application/x-www-form-urlencoded; charset=no-such-charset",
        "application/x-www-form-urlencoded",
        "",
    ]
)
RAW_BODIES = st.one_of(
    st.binary(max_size=300),
    st.text(ANY_CHAR, max_size=200).map(str.encode),
    FIELDS.map(lambda fields: json.dumps(fields).encode()),  # JSON where a form is expected
    st.sampled_from(
        [
            b'{"email": "ada@example.org", "first_name": ',  # JSON cut short
            b'--xyz\r\nContent-Disposition: form-data; name="email"\r\n\r\nada@example.org',  # no end
            b"--xyz\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n--xyz--\r\n",
            b'--xyz\r\nContent-Disposition: form-data; name="x"; filename="a.exe"\r\n\r\nMZ\r\n--xyz--\r\n',
            b"email=%E9%00%ZZ&first_name=%FF%FE",  # broken escapes and bytes
            b"&&&===&&",
            b"a=" + b"&a=" * 2000,  # more fields than Django parses
        ]
    ),
)
METHODS = st.sampled_from(
    ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "BREW"]
)
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_ORIGIN": st.sampled_from([ORIGIN, "null", "https://evil.example", "", "http://testserver:80"]),
        "HTTP_ACCEPT": st.sampled_from(["application/json", "text/html", "*/*", "application/json;q=x", ""]),
        "HTTP_SEC_FETCH_SITE": st.sampled_from(["same-origin", "cross-site", "none", "bogus"]),
        "HTTP_REFERER": TEXT,
        "HTTP_ACCEPT_LANGUAGE": st.text(ANY_CHAR, max_size=30),
        "HTTP_X_FORWARDED_FOR": st.text(ANY_CHAR, max_size=30),
        "CONTENT_LENGTH": st.sampled_from(["", "abc", "-1", "999999999999"]),
    },
)


@pytest.fixture
def campaign(settings):
    settings.SIGN_RATE_LIMIT = "1000000/1s"  # every example comes from the same client
    page = build_campaign(build_index(build_site()), comment_field="optional")
    for label, field_type in QUESTIONS.items():
        CampaignFormField.objects.create(
            page=page,
            locale=page.locale,
            label=label,
            field_type=field_type,
            required=False,
            choices="Yes\nNo" if field_type in ("dropdown", "checkboxes") else "",
        )
    return page


@pytest.fixture
def confirm_path(campaign):
    """A real confirmation link's path, of a second campaign that asks signers to confirm."""
    confirming = build_campaign(campaign.get_parent(), slug="confirming", confirmation_required=True)
    Client().post(confirming.url, SIGNER, HTTP_ORIGIN=ORIGIN)
    body = mail.outbox[-1].body
    return "/en-us/sign/confirm/" + body.split("/sign/confirm/")[1].split("/")[0] + "/"


def signed(response):
    """Whether the reply says the post was signed: the redirect to the thank-you state, or petition.js's JSON."""
    if response.status_code == 303:
        return response["Location"].endswith("/thank-you/")
    if response.status_code == 200 and response.get("Content-Type", "").startswith("application/json"):
        return response.json().get("ok") is True
    return False


def assert_answered(response):
    assert response.status_code < 500, response.content[:2000]


def assert_within_bounds(signature):
    """Every stored value within the bound its form field sets."""
    for field in Signature._meta.get_fields():
        max_length = getattr(field, "max_length", None)
        value = getattr(signature, field.attname, None) if hasattr(field, "attname") else None
        if max_length and isinstance(value, str):
            assert len(value) <= max_length, field.name
    assert len(signature.comment) <= TEXT_MAX_LENGTH
    for name, answer in signature.form_data.items():
        for text in answer if isinstance(answer, list) else [answer]:
            assert len(str(text)) <= (
                TEXT_MAX_LENGTH if name in ("a_text", "a_link") else ANSWER_MAX_LENGTH
            ), name
    assert all(len(value) <= TEXT_MAX_LENGTH for value in signature.source.values())


def check_post(client, path, send):
    """Make a request with `send(client, path)` and check what the petition promises."""
    before = set(Signature.objects.values_list("pk", flat=True))
    response = send(client, path)
    assert_answered(response)
    new = Signature.objects.exclude(pk__in=before)
    if not signed(response):
        assert not new.exists(), (response.status_code, response.content[:500])
    for signature in new:
        assert_within_bounds(signature)
    return response


# The campaign page: where signatures are posted


@EXAMPLES
@given(data=st.one_of(FIELDS, NEAR_VALID), headers=HEADERS, multipart=st.booleans())
def test_any_form_posted_to_a_campaign_is_answered_and_stores_only_what_it_should(
    client, campaign, data, headers, multipart
):
    headers = {"HTTP_ORIGIN": ORIGIN, **headers}

    def send(client, path):
        if multipart:
            return client.post(path, data, **headers)
        body = "&".join(
            f"{quote(name)}={quote(value)}"
            for name, values in data.items()
            for value in (values if isinstance(values, list) else [values])
        )
        return client.post(path, body, content_type="application/x-www-form-urlencoded", **headers)

    check_post(client, campaign.url, send)


@pytest.mark.parametrize("name", STORED_FIELDS)
@settings(EXAMPLES, max_examples=15)
@given(email=FRESH_EMAIL, value=st.one_of(LONG, TEXT))
def test_every_value_stored_is_within_its_bound(client, campaign, name, email, value):
    data = {**SIGNER, "email": email, name: value}
    if name == "a_link":
        data[name] = "https://example.org/" + value

    check_post(client, campaign.url, lambda client, path: client.post(path, data, HTTP_ORIGIN=ORIGIN))


@EXAMPLES
@given(body=RAW_BODIES, content_type=CONTENT_TYPES, method=METHODS, headers=HEADERS)
def test_any_body_and_method_on_a_campaign_is_answered_and_stores_only_what_it_should(
    client, campaign, body, content_type, method, headers
):
    for path in (campaign.url, campaign.url + "thank-you/"):
        check_post(
            client,
            path,
            lambda client, path: client.generic(
                method, path, body, content_type=content_type, **{"HTTP_ORIGIN": ORIGIN, **headers}
            ),
        )


@pytest.fixture
def embedded(campaign):
    """The campaign's embed addresses (campaigns/embedding.py), with one partner listed."""
    campaign.embed_enabled = True
    campaign.embed_partners = [EmbedPartner(name="Privacy Alliance", origin="https://privacy-alliance.org")]
    campaign.save_revision().publish()
    snippet = f"/en-us/embed/{campaign.translation_key}/"
    partner = snippet + "from/privacy-alliance.org/"
    return [snippet, snippet + "thank-you/", partner, partner + "thank-you/", snippet + "from/no-such-site/"]


@EXAMPLES
@given(
    data=st.one_of(FIELDS, NEAR_VALID),
    body=RAW_BODIES,
    content_type=CONTENT_TYPES,
    method=METHODS,
    headers=HEADERS,
)
def test_anything_sent_to_an_embedded_petition_is_answered_and_stores_only_what_it_should(
    client, embedded, data, body, content_type, method, headers
):
    headers = {"HTTP_ORIGIN": ORIGIN, **headers}
    for path in embedded:
        check_post(client, path, lambda client, path: client.post(path, data, **headers))
        check_post(
            client,
            path,
            lambda client, path: client.generic(method, path, body, content_type=content_type, **headers),
        )


@EXAMPLES
@given(size=st.integers(PUBLIC_BODY_LIMIT + 1, 4 * PUBLIC_BODY_LIMIT), as_file=st.booleans())
def test_a_body_beyond_the_limit_is_refused_unread_everywhere(client, campaign, confirm_path, size, as_file):
    paths = [
        campaign.url,
        campaign.url + "thank-you/",
        confirm_path,
        "/en-us/search/",
        "/en-us/no-such-page/",
    ]
    for path in paths:
        if as_file:
            body = b'--xyz\r\nContent-Disposition: form-data; name="f"; filename="v.mp4"\r\n\r\n'
            body += b"\0" * size + b"\r\n--xyz--\r\n"
            content_type = "multipart/form-data; boundary=xyz"
        else:
            body = b"email=ada%40example.org&first_name=" + b"A" * size
            content_type = "application/x-www-form-urlencoded"
        response = client.generic("POST", path, body, content_type=content_type, HTTP_ORIGIN=ORIGIN)
        assert response.status_code == 413, path
        assert not response.wsgi_request._read_started, path  # refused before a byte was read
    assert not Signature.objects.filter(page=campaign).exists()


@EXAMPLES
@given(query=st.dictionaries(st.text(ANY_CHAR, max_size=15), TEXT, max_size=6), headers=HEADERS)
def test_any_query_string_on_a_public_page_is_answered(client, campaign, query, headers):
    for path in (campaign.url, campaign.url + "thank-you/", "/en-us/search/", campaign.get_parent().url):
        assert_answered(client.get(path, query, **headers))


# The confirmation link


@EXAMPLES
@given(token=TEXT, method=METHODS, body=RAW_BODIES, headers=HEADERS)
def test_any_confirmation_link_is_answered_and_counts_nothing_made_up(
    client, confirm_path, token, method, body, headers
):
    paths = [f"/en-us/sign/confirm/{quote(token, safe='')}/"]
    if token:
        paths.append(confirm_path.rstrip("/") + quote(token, safe="") + "/")  # a real token, lengthened
    for path in paths:
        response = client.generic(
            method, path, body, content_type="application/x-www-form-urlencoded", **headers
        )
        assert_answered(response)
    assert not Signature.objects.filter(counted=True, confirmation_key__isnull=False).exists()


@EXAMPLES
@given(method=METHODS, body=RAW_BODIES, content_type=CONTENT_TYPES, headers=HEADERS)
def test_any_request_to_a_real_confirmation_link_is_answered(
    client, confirm_path, method, body, content_type, headers
):
    counted_before = Signature.objects.filter(counted=True).count()

    response = client.generic(method, confirm_path, body, content_type=content_type, **headers)

    assert_answered(response)
    if method != "POST":  # only pressing the button confirms
        assert Signature.objects.filter(counted=True).count() == counted_before


# The count API and search


@EXAMPLES
@given(
    key=st.one_of(TEXT, st.uuids().map(str)), method=METHODS, query=st.dictionaries(TEXT, TEXT, max_size=3)
)
def test_any_count_request_is_answered(client, campaign, key, method, query):
    for path in (
        f"/en-us/api/campaigns/{quote(key, safe='')}/count/",
        f"/en-us/api/campaigns/{campaign.translation_key}/count/",
    ):
        response = client.generic(
            method, path + "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query.items())
        )
        assert_answered(response)
        if method == "GET" and str(campaign.translation_key) in path:
            assert response.json()["count"] >= 0


@EXAMPLES
@given(
    campaign_id=st.one_of(TEXT, st.uuids().map(str)),
    method=METHODS,
    query=st.dictionaries(TEXT, TEXT, max_size=3),
)
def test_any_request_to_the_public_api_is_answered(client, campaign, campaign_id, method, query):
    query_string = "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query.items())
    for path in (
        "/en-us/api/v1/campaigns/",
        f"/en-us/api/v1/campaigns/{quote(campaign_id, safe='')}/",
        f"/en-us/api/v1/campaigns/{quote(campaign_id, safe='')}/countries/",
        f"/en-us/api/v1/campaigns/{campaign.translation_key}/countries/",
        f"/{quote(campaign_id, safe='')}/api/v1/campaigns/",
        "/api/v1/openapi.json",
    ):
        assert_answered(client.generic(method, path + query_string, HTTP_ORIGIN="https://partner.example"))


@EXAMPLES
@given(q=TEXT, page=st.one_of(TEXT, st.integers().map(str)), method=METHODS, headers=HEADERS)
def test_any_search_is_answered(client, campaign, q, page, method, headers):
    response = client.generic(method, "/en-us/search/?" + f"q={quote(q)}&page={quote(page)}", **headers)

    assert_answered(response)
