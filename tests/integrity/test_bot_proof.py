"""The proof (issue 23, point 7): a bot signs thousands of generated addresses from many client addresses while
real visitors sign at a person's pace, against the production app (gunicorn, production settings, PostgreSQL,
Redis, the integrity rates on as shipped, the client's address from X-Forwarded-For behind one trusted proxy).

What holds at the end:
- every visitor's signature counts (each from an address of its own, fetching the page's "form shown" token as
  petition.js does and sending the form seconds later);
- a second bot drives a browser: it runs the page's script (so its form carries the token), from addresses as
  spread as the visitors' and with plausible addresses; it sends each form at once, and `filled_too_fast`
  alone holds every one of its signatures;
- the first bot's signatures are held, uncounted, each for the rules that caught it. It sends no token (it
  never runs the page's script), so `filled_too_fast` is not among them; which rule catches which:
  * `disposable_domain`: every throwaway address (half the bot's);
  * `same_person`: every Gmail spelling of a mailbox after its first (dots and +tags);
  * `network_rate`: every signature beyond the managers' rate from one /24 (the bot has four of them);
  * `address_rate`: a second signature from one address within the same minute (fixed windows: how many of the
    bot's repeats, ~7 s apart, fall into one depends on where the minute turns; not asserted).
  A bot signature none of them catches is a new, real Gmail mailbox's first signature within its network's
  allowance: indistinguishable from a person, and counted at most once per mailbox (the test asserts exactly
  that, and that there are at most as many as the bot's mailboxes);
- the stored count equals the counted rows, and `reconcile_counts` finds nothing to correct;
- the trending job, run for the hour at its end against the campaign's believable week before (people from
  their own networks, Gmail and GB as usual as they are), reports each of the bot's four networks once, and
  nothing else: not the visitors' networks, nor Gmail or GB, whose shares are not three times their usual
  ones; run again, it reports nothing new;
- an invalidation run for each alert, opened from its link (the network's pseudonym, the hour), takes every
  signature of the bot's networks, the counted ones it escaped the rules with among them: the count is then
  the week's people and the visitors, the stored count equals the counted rows and reconcile agrees.
The run starts at least a minute and a half before an hour's end (the test waits for the next hour
otherwise), so its signatures fall in one hour, which the trending job judges as a whole.
"""

import hashlib
import random
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.utils import timezone

from campaigns.models.counter import reconcile_counts, signature_count
from campaigns.models.signature import Signature
from integrity import invalidation as runs
from integrity import rules, trends
from integrity.forms import CriteriaForm
from integrity.models import Invalidation, TrendAlert
from tests.builders import build_campaign, build_index, build_signature, build_site
from tests.services import HOST, collectstatic, production_env, request, running_app

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BOT_SIGNATURES = 2000
BOT_THREADS = 4
BOT_NETWORKS = ("198.51.100", "203.0.113", "192.0.2", "100.64.7")  # few /24s, many addresses in each
THROWAWAY_DOMAINS = (
    "mailinator.com",
    "guerrillamail.com",
    "yopmail.com",
    "sharklasers.com",
    "10minutemail.com",
)
BOT_MAILBOXES = 20  # Gmail mailboxes, each signed under many spellings
VISITORS = 50
SCRIPTED_BROWSERS = 100  # a headless browser's signatures: each from a network of its own, the token fetched
VISITOR_PAUSE = (3.5, 6.0)  # seconds a person takes to fill in the form, from its coming into view
ORIGIN = f"https://{HOST}"
# The campaign's week before: a signature every half hour, three from each network, as usual a mix of domains
# and countries (Gmail 40%, GB 60%) and of a newsletter's and a news site's links.
HISTORY = 300
HISTORY_DOMAINS = ("gmail.com", "example.org", "gmail.com", "posteo.de", "web.de")
HISTORY_COUNTRIES = ("GB", "DE", "GB", "FR", "GB")
RUN_MARGIN = 90  # seconds the run may take and still end in the hour it started in


@pytest.fixture(scope="module")
def static_root(tmp_path_factory, django_db_setup):
    root = tmp_path_factory.mktemp("static")
    collectstatic(root, production_env())
    return root


@pytest.fixture
def app(tmp_path, static_root, integrity_rates, fill_time_rule):
    # The rates and the fill time of integrity.judge are on in the app as in production (tests/conftest.py
    # only turns them off in this process); the sign-attempt limit is production's default too.
    # Redis is given two seconds, not production's quarter: this proves the rules, not Redis's fail-safe (on a
    # loaded CI machine a slow answer would count as Redis down, and the same-person and rate marks would fall
    # back to each worker's own memory for a few seconds, as documented in ops/cache.py and tested there).
    with running_app(tmp_path, static_root, TRUSTED_PROXIES=1, WEB_CONCURRENCY=2, REDIS_TIMEOUT=2) as (
        _process,
        port,
    ):
        yield port


def gmail_spelling(name, n):
    """The n-th spelling of the Gmail mailbox `name`: dots between letters, then a +tag."""
    dots = "".join(letter + ("." if n >> i & 1 else "") for i, letter in enumerate(name[:-1])) + name[-1]
    return f"{dots}+{n}@gmail.com" if n % 3 == 0 else f"{dots}@gmail.com"


def bot_emails():
    rng = random.Random(23)
    mailboxes = [f"petitionfan{rng.randrange(10**6):06d}" for _ in range(BOT_MAILBOXES)]
    spellings = Counter()
    for i in range(BOT_SIGNATURES):
        if i % 2:
            yield f"user{rng.randrange(10**9)}@{THROWAWAY_DOMAINS[i % len(THROWAWAY_DOMAINS)]}"
        else:
            name = mailboxes[(i // 2) % BOT_MAILBOXES]
            spellings[name] += 1
            yield gmail_spelling(name, spellings[name])


def post(port, path, form, address, accept=None):
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": ORIGIN,
        "X-Forwarded-For": address,
    }
    if accept:
        headers["Accept"] = accept
    return request(port, path, method="POST", headers=headers, body=urlencode(form))


def signer(email, n):
    return {"first_name": f"Signer{n}", "last_name": "Example", "email": email, "country": "GB"}


def build_history(campaign):
    """The campaign's week before the run (see HISTORY); returns the last of its signatures' ids."""
    now = timezone.now()
    for n in range(HISTORY):
        source = [{"utm_source": "newsletter"}, {"referrer_host": "news.example"}, {}, {}][n % 4]
        last = build_signature(
            campaign,
            email=f"past.signer{n}@{HISTORY_DOMAINS[n % len(HISTORY_DOMAINS)]}",
            country=HISTORY_COUNTRIES[n % len(HISTORY_COUNTRIES)],
            source=source,
            network_hash=hashlib.sha256(f"network {n // 3}".encode()).hexdigest()[:16],
            submit_time=now - timedelta(hours=2, minutes=30 * n),
        )
    return last.pk


def wait_for_room_in_the_hour():
    """If the run could cross an hour's end, start it when the next hour begins."""
    now = timezone.now().astimezone(UTC)
    left = 3600 - now.minute * 60 - now.second
    if left < RUN_MARGIN:
        time.sleep(left + 1)


def test_a_bot_is_held_and_every_visitor_counts(app, integrity_rates):
    port = app
    campaign = build_campaign(build_index(build_site()), confirmation_required=False)
    history_last = build_history(campaign)
    wait_for_room_in_the_hour()
    path = campaign.url
    page = request(port, path, headers={"X-Forwarded-For": "192.0.2.200"}).text
    token_path = re.search(r'data-form-shown-url="([^"]+)"', page).group(1)

    bot_sent, bot_statuses = [], Counter()
    lock = threading.Lock()
    queue = iter(enumerate(bot_emails()))

    def bot():
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                return
            i, email = item
            # Round the networks, then the hosts: each address is used twice in the run, ~15 s apart.
            address = f"{BOT_NETWORKS[i % len(BOT_NETWORKS)]}.{(i // len(BOT_NETWORKS)) % 254 + 1}"
            status = post(port, path, signer(email, i), address).status
            with lock:
                bot_sent.append(email)
                bot_statuses[status] += 1

    visitor_emails = [f"visitor.{n}.lastname@example.org" for n in range(VISITORS)]
    visitor_statuses = Counter()

    def visitor(n):
        rng = random.Random(n)
        address = f"{10 + n}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        time.sleep(rng.uniform(0, 8))  # they arrive over the bot's run
        request(port, path, headers={"X-Forwarded-For": address})  # the (cached) page
        token = request(port, token_path, headers={"X-Forwarded-For": address, "Accept": "application/json"})
        form = signer(visitor_emails[n], n) | {
            "form_shown": re.search(r'"token": "([^"]+)"', token.text).group(1)
        }
        time.sleep(rng.uniform(*VISITOR_PAUSE))
        response = post(port, path, form, address, accept="application/json")
        with lock:
            visitor_statuses[response.status] += 1

    # A bot that drives a browser: it runs the page's script (the token comes with the form), from addresses
    # as spread as the visitors', with plausible addresses of a real domain; but it sends the form at once.
    scripted_emails = [f"reader.{n}.surname@example.net" for n in range(SCRIPTED_BROWSERS)]
    scripted_statuses = Counter()

    def scripted_browser(n):
        address = f"172.{16 + n // 200}.{n % 200}.{2 + n % 250}"
        token = request(port, token_path, headers={"X-Forwarded-For": address, "Accept": "application/json"})
        form = signer(scripted_emails[n], n) | {
            "form_shown": re.search(r'"token": "([^"]+)"', token.text).group(1)
        }
        response = post(port, path, form, address, accept="application/json")
        with lock:
            scripted_statuses[response.status] += 1

    def scripted_browsers(offset):
        for n in range(offset, SCRIPTED_BROWSERS, 2):
            scripted_browser(n)

    started = time.monotonic()
    with ThreadPoolExecutor(BOT_THREADS + 2 + VISITORS) as pool:
        running = [pool.submit(bot) for _ in range(BOT_THREADS)]
        running += [pool.submit(scripted_browsers, offset) for offset in (0, 1)]
        running += [pool.submit(visitor, n) for n in range(VISITORS)]
        for future in running:
            future.result()
    took = time.monotonic() - started

    assert visitor_statuses == {200: VISITORS}
    assert scripted_statuses == {200: SCRIPTED_BROWSERS}
    assert bot_statuses == {303: BOT_SIGNATURES}, bot_statuses  # every bot gets a signer's answer
    assert len(bot_sent) == BOT_SIGNATURES

    visitors = Signature.objects.filter(email__in=visitor_emails)
    assert visitors.count() == VISITORS
    assert list(visitors.filter(counted=False).values_list("email", "flag_reasons")) == []

    # The scripted browser: only the fill time tells it from the visitors, and it does, every time.
    scripted = Signature.objects.filter(email__in=scripted_emails)
    assert scripted.count() == SCRIPTED_BROWSERS
    assert {
        (row["counted"], tuple(reason["rule"] for reason in row["flag_reasons"]))
        for row in scripted.values("counted", "flag_reasons")
    } == {(False, ("filled_too_fast",))}

    bots = list(
        Signature.objects.filter(pk__gt=history_last)
        .exclude(email__in=visitor_emails + scripted_emails)
        .values("email", "counted", "flag_reasons", "network_hash")
    )
    # One row per address the database calls new (the same spelling twice is one signature).
    assert len(bots) == len(set(bot_sent))
    caught = Counter(reason["rule"] for row in bots for reason in row["flag_reasons"])
    escaped = [row for row in bots if not row["flag_reasons"]]
    held = [row for row in bots if row["flag_reasons"]]
    assert all(not row["counted"] for row in held)
    # Which rule catches which: every throwaway address, every later spelling of a mailbox; the rates too.
    for row in bots:
        rules_fired = {reason["rule"] for reason in row["flag_reasons"]}
        if rules.is_disposable(rules.domain_of(row["email"])):
            assert "disposable_domain" in rules_fired, row
    assert caught["network_rate"] > BOT_SIGNATURES / 2
    # Every later spelling of each mailbox (each spelling is new to the database: it is stored, and held).
    assert caught["same_person"] == BOT_SIGNATURES // 2 - BOT_MAILBOXES
    assert "filled_too_fast" not in caught  # the bot sends no token: judged without one
    # What escapes every rule is a real Gmail mailbox's first signature within its network's allowance, at
    # most one per mailbox: what one person signing once looks like, and counted as such.
    mailboxes = [rules.canonical_email(row["email"]) for row in escaped]
    assert all(row["email"].endswith("@gmail.com") for row in escaped), escaped
    assert len(mailboxes) == len(set(mailboxes)) <= BOT_MAILBOXES

    counted = Signature.objects.filter(counted=True).count()
    assert counted == HISTORY + VISITORS + len(escaped)
    assert signature_count(campaign.translation_key) == counted
    assert reconcile_counts() == {}

    # The trending job at the end of the run's hour: the bot's four networks, once each, and nothing else.
    run_times = Signature.objects.filter(pk__gt=history_last).values_list("submit_time", flat=True)
    [hour] = {when.astimezone(UTC).replace(minute=0, second=0, microsecond=0) for when in run_times}
    bot_networks = {row["network_hash"] for row in bots}
    assert len(bot_networks) == len(BOT_NETWORKS) and "" not in bot_networks
    alerts = trends.detect(now=hour + trends.HOUR)
    assert sorted((alert.dimension, alert.value) for alert in alerts) == sorted(
        ("network", network) for network in bot_networks
    )
    assert {alert.hour for alert in alerts} == {hour}
    assert trends.detect(now=hour + trends.HOUR) == []
    assert TrendAlert.objects.count() == len(BOT_NETWORKS)

    # Each alert's link opens an invalidation of its network in its hour; sent as it is, with a reason, and
    # run, it takes every signature of that network, counted or held.
    taken = uncounted = 0
    for alert in alerts:
        prefilled = parse_qs(urlsplit(trends.invalidation_url(alert)).query)
        form = CriteriaForm({name: values[0] for name, values in prefilled.items()} | {"reason": "A bot"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["network"] == alert.value
        invalidation = runs.preview(form.criteria(), form.cleaned_data["reason"], None)
        assert invalidation.matched == alert.count
        assert runs.run(invalidation, None)  # the batches run as the worker would (the immediate backend)
        invalidation.refresh_from_db()
        assert (invalidation.state, invalidation.invalidated) == (Invalidation.State.DONE, alert.count)
        taken += invalidation.invalidated
        uncounted += invalidation.uncounted
    assert taken == len(bots) and uncounted == len(escaped)
    still_counted = Signature.objects.filter(counted=True)
    assert still_counted.filter(pk__gt=history_last).count() == VISITORS
    assert signature_count(campaign.translation_key) == still_counted.count() == HISTORY + VISITORS
    assert reconcile_counts() == {}
    print(
        f"\n{BOT_SIGNATURES} bot posts, {SCRIPTED_BROWSERS} scripted browsers and {VISITORS} visitors in "
        f"{took:.1f} s: held {len(held)} of the bot's "
        f"{len(bots)} rows, {len(escaped)} first signatures of its Gmail mailboxes counted; rules fired: "
        f"{dict(caught)}"
    )
