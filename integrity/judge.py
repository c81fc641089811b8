"""The integrity judge: the rules of integrity.rules with the managers' settings, applied to one signature.

Registered with the signing service in IntegrityConfig.ready() (campaigns.quarantine explains the hook), so
it runs before each signature's INSERT, in the signer's request. It costs no database query (the settings are
read at most every SETTINGS_TTL seconds per process) and no round trip of its own for the rates: their
counters (`rate_checks`) are counted with the signing rate limit's, in one (campaigns.signing); only the
same-person mark of a Gmail-like address takes one or two more.

Rules, each with the name kept in a flagged signature's reasons:
- `blocked_network`: the client's address is in a network the managers blocked (and not in one they allowed);
- `address_rate`, `network_rate`: this campaign got more signatures from this address, or its /24 (/64), than
  the managers' rates allow. Counted under keyed hashes (HMAC with SECRET_KEY) in fixed windows, where the
  signing rate limit counts (campaigns.ratelimit: Redis, or this process while Redis is away);
- `blocked_domain`: the address's domain matches a blocked entry (globs: integrity.rules.domain_pattern);
- `disposable_domain`: the domain is a throwaway-mail service (disposable-email-domains);
- `same_person`: another address reaching the same mailbox (integrity.rules.canonical_email) signed this
  campaign. The mark is a keyed hash in the shared cache, kept SAME_PERSON_DAYS: a second address for one
  mailbox is flagged, not refused, so the count is deduplicated while the database's own one-per-person
  constraint stays on the plainly normalised address (changing it would split the existing rows' identity);
- `filled_too_fast`: the form was sent fewer than the managers' `min_fill_seconds` after it came into view,
  as its signed "form shown" token says (campaigns.form_shown, which explains why a form without a valid token,
  such as one sent without JavaScript, is not flagged by this rule).
A network or address is never stored with a signature: the reasons say which rule, not which address. The
judge sets the signature's `network_hash`, a keyed pseudonym of its network (`network_pseudonym`), which the
trending sources (integrity.trends) group by.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache

from campaigns import ratelimit
from integrity import rules
from integrity.models import IntegritySettings, entries
from ops import process_memory

SETTINGS_TTL = 30  # seconds a process uses the settings it read before it reads them again
SAME_PERSON_DAYS = 180


@dataclass(frozen=True)
class Compiled:
    """The settings, parsed once."""

    address_rates: tuple
    network_rates: tuple
    allowed: tuple
    blocked: tuple
    blocked_domains: dict
    flag_disposable: bool
    canonical_domains: frozenset
    min_fill_seconds: float = 0


def compile_settings(values):
    """Compiled rules from an IntegritySettings. An entry that does not parse (the admin form refuses them;
    a script might not) is skipped rather than stopping people signing."""

    def parsed(texts, parse):
        result = []
        for entry in entries(texts):
            try:
                result.append((entry, parse(entry)))
            except ValueError:
                continue
        return result

    return Compiled(
        address_rates=tuple(entry for entry, _ in parsed(values.address_rates, ratelimit.parse_rate)),
        network_rates=tuple(entry for entry, _ in parsed(values.network_rates, ratelimit.parse_rate)),
        allowed=tuple(network for _, network in parsed(values.allowed_networks, rules.parse_network)),
        blocked=tuple(network for _, network in parsed(values.blocked_networks, rules.parse_network)),
        blocked_domains=dict(parsed(values.blocked_domains, rules.domain_pattern)),
        flag_disposable=values.flag_disposable,
        canonical_domains=frozenset(entry.lower() for entry in entries(values.canonical_domains)),
        min_fill_seconds=values.min_fill_seconds or 0,
    )


_compiled = process_memory.remembered("integrity.judge.settings", {})


def current():
    """The compiled settings, read again at most every SETTINGS_TTL seconds."""
    now = time.monotonic()
    kept = _compiled.get("settings")
    if kept is None or now - kept[0] > SETTINGS_TTL:
        kept = (now, compile_settings(IntegritySettings.load()))
        _compiled["settings"] = kept
    return kept[1]


def forget_settings():
    """Read the settings again at the next signature (a manager saved them: integrity.wagtail_hooks)."""
    _compiled.clear()


def judge(signature, address):
    """[(rule, reason)] of every rule that flags `signature` (see the module's docstring)."""
    config = current()
    fired = []
    ip = rules.client_ip(address)
    if ip is not None:
        network = rules.network_of(ip)  # parsed once: the pseudonym and the per-network rate both use it
        # Not a rule: the network's pseudonym, stored with the signature for the trending sources
        # (integrity.trends), since the address itself is never stored.
        signature.network_hash = _pseudonym(network)
        if not rules.in_any(ip, config.allowed):
            fired += _network_rules(signature, ip, network, config)
    fired += _email_rules(signature, config)
    taken = getattr(signature, "seconds_to_fill", None)  # None: no valid token (campaigns.form_shown)
    if taken is not None and taken < config.min_fill_seconds:
        fired.append(("filled_too_fast", f"the form was sent {taken:.1f} s after it was shown"))
    return fired


def network_pseudonym(ip):
    """The keyed hash that stands for `ip`'s network (rules.network_of) wherever it is stored: the same for
    every client of the network and every campaign, so the trending sources can name it, and no way back to
    the network without SECRET_KEY."""
    return _pseudonym(rules.network_of(ip))


def _pseudonym(network):
    return rules.keyed_hash(settings.SECRET_KEY, "network-pseudonym", network)[:16]


def rate_checks(campaign_key, address):
    """The rate counters a signature of `campaign_key` from `address` counts under ([(key, rate, scope)], as
    campaigns.ratelimit.seconds_until_allowed_many takes them), which the signing service counts with its own
    rate limit (campaigns.quarantine). Nothing for what is not an address, or is in an allowed network."""
    ip = rules.client_ip(address)
    if ip is None:
        return []
    config = current()
    if rules.in_any(ip, config.allowed):
        return []
    return _rate_checks(campaign_key, ip, rules.network_of(ip), config)


def _rate_checks(campaign_key, ip, network, config):
    """Every rate counts every signature (a flagged one too), in its own window; the scope names the rule, so
    the counted answers say which rule each belongs to (`_network_rules`)."""
    secret = settings.SECRET_KEY
    checks = []
    for rule, who, rates in (
        ("address_rate", ip, config.address_rates),
        ("network_rate", network, config.network_rates),
    ):
        key = rules.keyed_hash(secret, "integrity", rule, campaign_key, who)
        checks += [(key, rate, f"integrity:{rule}:{rate}") for rate in rates]
    return checks


def _network_rules(signature, ip, network, config):
    fired = []
    if rules.in_any(ip, config.blocked):
        fired.append(("blocked_network", "the client's network is blocked"))
    counted = getattr(signature, "rates_counted", None)
    if counted is None:
        # Not counted with the signing rate limit (a caller that judges by itself): count them here, in one
        # round trip.
        checks = _rate_checks(signature.campaign_key, ip, network, config)
        counted = dict(zip(checks, ratelimit.seconds_until_allowed_many(checks), strict=True))
    for rule, kind in (("address_rate", "address"), ("network_rate", "network")):
        exceeded = [
            rate
            for (_key, rate, scope), wait in counted.items()
            if wait and scope == f"integrity:{rule}:{rate}"
        ]
        if exceeded:
            fired.append((rule, f"more than {exceeded[0]} from one {kind}"))
    return fired


def _email_rules(signature, config):
    fired = []
    canonical = rules.canonical_email(signature.email_normalised or "", config.canonical_domains)
    domain = rules.domain_of(canonical)
    entry = rules.matching_pattern(domain, config.blocked_domains)
    if entry:
        fired.append(("blocked_domain", f"the email domain matches the blocked entry {entry}"))
    if config.flag_disposable and rules.is_disposable(domain):
        fired.append(("disposable_domain", "the email domain is a disposable-mail service"))
    if (
        canonical != signature.email_normalised
        or domain in rules.DOTS_AND_TAGS_IGNORED | config.canonical_domains
    ):
        if _another_address_for(signature, canonical):
            fired.append(("same_person", "another address reaching the same mailbox signed this campaign"))
    return fired


def _another_address_for(signature, canonical):
    """Mark that `signature`'s address signed its campaign as `canonical`; True if another address reaching
    the same mailbox did before. One cache round trip for the first, two after."""
    secret = settings.SECRET_KEY
    key = "integrity:person:" + rules.keyed_hash(secret, "person", signature.campaign_key, canonical)
    this = rules.keyed_hash(secret, "address", signature.email_normalised)
    timeout = int(timedelta(days=SAME_PERSON_DAYS).total_seconds())
    if cache.add(key, this, timeout):
        return False
    return cache.get(key) not in (this, None)
