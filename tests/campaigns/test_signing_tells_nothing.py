"""Signing an address tells nothing about whether it had signed: not the reply, not its cookie, not the work
the request does, not how long it takes. Someone who types a person's address into the form learns nothing
that a fresh address would not have told them (the person's own inbox may: campaigns.emails)."""

import base64
import difflib
import re
import statistics
import time
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import confirmation
from campaigns.models.signature import Signature
from tests.campaigns.conftest import ORIGIN
from webhooks.models import SIGNATURE_CREATED, Endpoint

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "ops.tasks.DatabaseBackend"}}  # production's
COOKIE = confirmation.RESEND_COOKIE
# What is fresh in every reply, whoever signs: the cookie's value (compared apart below) and the request's id
# for the logs (ops.logs). Their length and characters are compared; their values cannot be.
FRESH_EVERY_TIME = ("Set-Cookie", "X-Request-ID")
# How each kind of reply is asked for: a browser without JavaScript, and petition.js.
WAYS = {"form": {}, "json": {"HTTP_ACCEPT": "application/json"}}
# A cookie value a browser keeps as it is, without quotes.
COOKIE_CHARACTERS = re.compile(r"[A-Za-z0-9_\-:]+")

_numbers = count(1)


@pytest.fixture
def campaign(campaign, settings):
    """A petition that does all a petition can after a signature: asks to confirm, mails the team, and an
    endpoint takes every new signature. Signers may sign as often as these tests need."""
    settings.SIGN_RATE_LIMIT = "100000/1m"
    campaign.confirmation_required = True
    campaign.to_address = "team@example.org"
    campaign.save_revision().publish()
    Endpoint.objects.create(name="CRM", url="https://crm.example.org/hook", events=[SIGNATURE_CREATED])
    return campaign


def fresh_address():
    return f"fresh{next(_numbers)}@example.org"


def known_address(client, campaign, sign_data, notice_due):
    """An address that has signed; its "already signed" notice is due unless `notice_due` is False (it has had
    today's)."""
    address = f"known{next(_numbers)}@example.org"
    for _ in range(1 if notice_due else 2):
        post(client, campaign, sign_data, address)
    return address


def post(client, campaign, sign_data, address, **headers):
    return client.post(campaign.url, sign_data(email=address), HTTP_ORIGIN=ORIGIN, **headers)


def visible(response):
    """All a reply shows a prober, less what is fresh every time: status, body, headers, the cookie's attributes."""
    cookie = response.cookies[COOKIE]
    headers = {name: value for name, value in response.items() if name not in FRESH_EVERY_TIME}
    headers["X-Request-ID"] = len(response["X-Request-ID"])
    # Not `expires`: the clock's time plus max-age.
    attributes = {name: cookie[name] for name in ("path", "max-age", "httponly", "samesite", "secure")}
    return response.status_code, response.content, headers, attributes, len(cookie.value)


def statement_kinds(queries):
    """What each statement a request ran does and to which table; the values differ, of course."""
    return [
        re.match(r'(\w+)[^"]*"(\w+)"', query["sql"]).groups()
        for query in queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("notice_due", [True, False], ids=["notice-due", "notice-sent-today"])
def test_a_known_address_gets_the_reply_a_fresh_one_gets(client, campaign, sign_data, way, notice_due):
    known = known_address(client, campaign, sign_data, notice_due)

    first = post(client, campaign, sign_data, fresh_address(), **WAYS[way])
    again = post(client, campaign, sign_data, known, **WAYS[way])

    assert visible(again) == visible(first)
    for reply in (first, again):
        assert COOKIE_CHARACTERS.fullmatch(reply.cookies[COOKIE].value)


def test_the_cookie_holds_nothing_that_can_be_compared(client, campaign, sign_data):
    """The cookie of someone signing again does not carry their signature's key, readable or not: it has no
    more in common with the cookie of their first signature than two strangers' cookies have."""
    address = "ada@example.org"
    first = post(client, campaign, sign_data, address).cookies[COOKIE].value
    again = post(client, campaign, sign_data, address).cookies[COOKIE].value  # a repeat due its notice
    stranger = post(client, campaign, sign_data, fresh_address()).cookies[COOKIE].value
    key = Signature.objects.get(email=address).confirmation_key

    for cookie in (first, again):
        assert key not in cookie
        assert key.encode() not in base64.urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4))

    def in_common(a, b):
        return difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match().size

    # What any two cookies share (a format's version byte and the minute they were made), and no more.
    assert in_common(first, again) <= in_common(first, stranger) + 4


@pytest.mark.parametrize("notice_due", [True, False], ids=["notice-due", "notice-sent-today"])
def test_a_known_address_costs_the_same_statements_as_a_fresh_one(
    client, campaign, sign_data, settings, notice_due
):
    """With the production task queue (rows in the database), a signature does the same work in the request
    whatever the address's history: the one signing statement and one queued task; the rest is the worker's."""
    settings.TASKS = DATABASE_QUEUE
    known = known_address(client, campaign, sign_data, notice_due)
    post(client, campaign, sign_data, fresh_address())  # the process has read the site and the endpoints

    def statements(address):
        with CaptureQueriesContext(connection) as queries:
            post(client, campaign, sign_data, address)
        return statement_kinds(queries)

    assert statements(known) == statements(fresh_address())


def test_on_a_petition_without_confirmation_too(client, campaign, sign_data, settings):
    """Where signatures count at once, a first one is counted in the same statement: still the same reply and
    the same statements for a known address (and no cookie for anyone)."""
    settings.TASKS = DATABASE_QUEUE
    campaign.confirmation_required = False
    campaign.save_revision().publish()
    due, noticed = (known_address(client, campaign, sign_data, notice_due) for notice_due in (True, False))
    post(client, campaign, sign_data, fresh_address())

    def reply(address):
        with CaptureQueriesContext(connection) as queries:
            response = post(client, campaign, sign_data, address, HTTP_ACCEPT="application/json")
        headers = {name: value for name, value in response.items() if name not in FRESH_EVERY_TIME}
        return (
            response.status_code,
            response.content,
            headers,
            list(response.cookies),
            statement_kinds(queries),
        )

    first = reply(fresh_address())
    assert reply(due) == first
    assert reply(noticed) == first
    assert first[3] == []  # no cookie


def test_send_it_again_does_the_same_work_whatever_the_cookie_names(client, campaign, sign_data, settings):
    """After signing, the button costs the request the same whether the cookie names a signature that waits (a
    fresh address), one already confirmed (a known one due its notice) or none (a known one that had it): the
    worker decides whether a mail goes."""
    settings.TASKS = DATABASE_QUEUE
    confirmed = known_address(client, campaign, sign_data, notice_due=True)
    Signature.objects.filter(email=confirmed).update(counted=True)
    noticed = known_address(client, campaign, sign_data, notice_due=False)

    def pressing_after_signing(address):
        post(client, campaign, sign_data, address)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("campaigns:resend_confirmation"), HTTP_ORIGIN=ORIGIN)
        return response.status_code, response.content, statement_kinds(queries)

    fresh = pressing_after_signing(fresh_address())
    assert pressing_after_signing(confirmed) == fresh
    assert pressing_after_signing(noticed) == fresh


def test_a_known_address_takes_as_long_as_a_fresh_one(client, campaign, sign_data, settings):
    """Timed through the whole request, a fresh address and a known one in turn (which goes first alternates),
    with the production task queue.

    Not a speed test: each known address's time is compared with the fresh one's beside it, and the median of
    those differences must be within this run's own noise: four standard errors of that median (estimated
    from how far the differences spread, so a loaded machine widens it for both kinds alike), and a twentieth
    of a request for what no request can tell apart. Pairs, not the two kinds' medians: under load, requests
    come in two speeds (whether the process was put aside), and a median may fall in either. A request that
    did a first signature's follow-up work itself (a mail queued, the team's mail, the endpoint's delivery)
    took about 5 ms longer here, on requests of 5 to 8 ms under load: 1.4 to 3 times the allowance."""
    settings.TASKS = DATABASE_QUEUE
    rounds = 80
    known = [known_address(client, campaign, sign_data, notice_due=False) for _ in range(rounds)]
    for _ in range(5):  # warm up: the site, the endpoints, the statements prepared
        post(client, campaign, sign_data, fresh_address())
    differences, times = [], []
    for n in range(rounds):
        took = {}
        order = [("fresh", fresh_address()), ("known", known[n])]
        for kind, address in order if n % 2 else reversed(order):
            start = time.perf_counter()
            post(client, campaign, sign_data, address)
            took[kind] = time.perf_counter() - start
        differences.append(took["fresh"] - took["known"])
        times.extend(took.values())

    median = statistics.median(differences)
    spread = statistics.median(abs(difference - median) for difference in differences)
    standard_error = 1.2533 * 1.4826 * spread / len(differences) ** 0.5  # of a median, from the MAD
    allowance = 4 * standard_error + 0.05 * statistics.median(times)
    assert abs(median) <= allowance, (median, standard_error, statistics.median(times))
