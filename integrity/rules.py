"""The integrity rules as plain functions of what they are given: no database, no settings, no request.

integrity.judge reads the managers' settings (integrity.models.IntegritySettings) and applies these to each
signature; tests/integrity/test_rules.py holds each to its cases.
"""

import hashlib
import hmac
import ipaddress
import re

from disposable_email_domains import blocklist as _disposable_domains

# Providers that deliver `a.da+x@gmail.com` to `ada@gmail.com`, and domains that are another name of one.
# Managers add their own in the settings (IntegritySettings.canonical_domains).
DOTS_AND_TAGS_IGNORED = frozenset({"gmail.com", "googlemail.com"})
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}

# The network a client shares with its neighbours: an IPv4 /24, an IPv6 /64 (a household's or a phone's).
NETWORK_PREFIX = {4: 24, 6: 64}


def canonical_email(address, ignoring_dots_and_tags=DOTS_AND_TAGS_IGNORED):
    """The address as the mailbox it reaches: lower-cased; for a domain in `ignoring_dots_and_tags` (and the
    built-in Gmail ones), without dots and without a `+tag` in the local part, and under the provider's main
    domain name. `A.Da+x@GoogleMail.com` → `ada@gmail.com`. Any other address is only trimmed and lower-cased."""
    local, at, domain = address.strip().lower().rpartition("@")
    if not at:
        return address.strip().lower()
    if domain in DOTS_AND_TAGS_IGNORED or domain in ignoring_dots_and_tags:
        local = local.split("+", 1)[0].replace(".", "")
        domain = DOMAIN_ALIASES.get(domain, domain)
    return f"{local}@{domain}"


def domain_of(address):
    return address.rpartition("@")[2].strip().lower().rstrip(".")


def is_disposable(domain):
    """Whether `domain` (or a domain it is under) is a throwaway-address service, as the maintained list of
    the disposable-email-domains package says (upgrading the package updates it)."""
    labels = domain.split(".")
    return any(".".join(labels[i:]) in _disposable_domains for i in range(len(labels) - 1))


def domain_pattern(glob):
    """A compiled pattern for a manager's domain entry: `example.com` that domain only; `*.example.com` a
    domain one level below it (`a.example.com`, not `a.b.example.com`); `**.example.com` any domain below
    it, at any depth (not example.com itself). Raises ValueError for an entry that is no such pattern."""
    glob = glob.strip().lower().rstrip(".")
    parts = glob.split(".")
    if len(parts) < 2 and "*" not in glob or any(not part for part in parts):
        raise ValueError(glob)
    pattern = []
    for index, part in enumerate(parts):
        if part == "**" and index == 0:
            pattern.append(r"(?:[^.]+\.)*[^.]+")
        elif part == "*":
            pattern.append(r"[^.]+")
        elif re.fullmatch(r"[a-z0-9_-]+", part):
            pattern.append(re.escape(part))
        else:
            raise ValueError(glob)
    return re.compile(r"\.".join(pattern))


def matching_pattern(domain, patterns):
    """The first of `patterns` ({entry: compiled}) that `domain` matches, or None."""
    for entry, pattern in patterns.items():
        if pattern.fullmatch(domain):
            return entry
    return None


def parse_network(entry):
    """A manager's network entry (`192.0.2.0/24`, `2001:db8::/32`, or one address) as a network. Raises
    ValueError for anything else."""
    return ipaddress.ip_network(entry.strip(), strict=False)


def client_ip(address):
    """The client's address as an ip_address, IPv4-mapped IPv6 taken as IPv4; None for no address."""
    try:
        parsed = ipaddress.ip_address((address or "").strip().strip("[]"))
    except ValueError:
        return None
    if parsed.version == 6 and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return parsed


def network_of(ip):
    """The network a client shares with its neighbours (NETWORK_PREFIX)."""
    return ipaddress.ip_network(f"{ip}/{NETWORK_PREFIX[ip.version]}", strict=False)


def in_any(ip, networks):
    return any(ip.version == network.version and ip in network for network in networks)


def keyed_hash(secret, *parts):
    """HMAC-SHA256 of `parts` under `secret`: what the rate counters and the same-person marks are keyed by,
    so the cache never holds an address (network or mail) that could be read back."""
    return hmac.digest(
        secret.encode(), "\x1f".join(str(part) for part in parts).encode(), hashlib.sha256
    ).hex()
