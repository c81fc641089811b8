"""Each integrity rule on its own cases (integrity.rules), and the judge that applies the managers' settings
(integrity.judge), rates included."""

import ipaddress

import pytest
from django.core.exceptions import ValidationError

from campaigns.models.signature import Signature
from campaigns.signing import normalise_email
from integrity import judge, rules
from integrity.models import IntegritySettings
from tests.builders import build_campaign, build_index, build_site


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("a.da+x@gmail.com", "ada@gmail.com"),
        ("ada@googlemail.com", "ada@gmail.com"),
        ("A.D.A+petitions+more@GoogleMail.com", "ada@gmail.com"),
        ("a.da+x@example.org", "a.da+x@example.org"),  # other providers may tell dots and tags apart
        ("no-at-sign", "no-at-sign"),
    ],
)
def test_canonical_email(address, canonical):
    assert rules.canonical_email(address) == canonical


def test_a_manager_can_add_a_provider_that_ignores_dots_and_tags():
    assert rules.canonical_email("a.da+x@fastmail.example") == "a.da+x@fastmail.example"
    assert rules.canonical_email("a.da+x@fastmail.example", {"fastmail.example"}) == "ada@fastmail.example"


@pytest.mark.parametrize(
    ("glob", "matching", "not_matching"),
    [
        ("example.com", ["example.com"], ["a.example.com", "badexample.com"]),
        ("*.example", ["a.example"], ["example", "a.b.example", "aexample"]),
        ("**.example", ["a.example", "a.b.c.example"], ["example", "a.example.org"]),
    ],
)
def test_domain_globs(glob, matching, not_matching):
    pattern = rules.domain_pattern(glob)
    assert all(pattern.fullmatch(domain) for domain in matching)
    assert not any(pattern.fullmatch(domain) for domain in not_matching)


@pytest.mark.parametrize("entry", ["", "com*", "a..b", "exa mple.com", "ex$ample.com", "a.**.example"])
def test_an_entry_that_is_no_domain_is_refused(entry):
    with pytest.raises(ValueError):
        rules.domain_pattern(entry)


def test_disposable_domains_come_from_the_package_subdomains_included():
    assert rules.is_disposable("mailinator.com")
    assert rules.is_disposable("eu.mailinator.com")
    assert not rules.is_disposable("gmail.com")


def test_networks_ipv4_ipv6_and_mapped_addresses():
    blocked = [rules.parse_network("192.0.2.0/24"), rules.parse_network("2001:db8::/32")]
    assert rules.in_any(rules.client_ip("192.0.2.77"), blocked)
    assert rules.in_any(rules.client_ip("::ffff:192.0.2.77"), blocked)  # IPv4 seen through IPv6
    assert rules.in_any(rules.client_ip("2001:db8:1::5"), blocked)
    assert not rules.in_any(rules.client_ip("198.51.100.1"), blocked)
    assert rules.client_ip("not an address") is None
    assert rules.network_of(rules.client_ip("192.0.2.77")) == ipaddress.ip_network("192.0.2.0/24")
    assert rules.network_of(rules.client_ip("2001:db8:1:2:3::4")) == ipaddress.ip_network("2001:db8:1:2::/64")


def test_keyed_hashes_name_no_address():
    digest = rules.keyed_hash("secret", "integrity", "192.0.2.1")
    assert "192" not in digest and len(digest) == 64
    assert digest != rules.keyed_hash("another secret", "integrity", "192.0.2.1")


# The settings page's checks


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("address_rates", "1/60s, often"),
        ("network_rates", "5 per minute"),
        ("blocked_networks", "192.0.2.0/33"),
        ("allowed_networks", "somewhere"),
        ("blocked_domains", "*.exa mple"),
        ("canonical_domains", "*.example"),
    ],
)
def test_the_settings_refuse_what_no_rule_could_read(field, value):
    values = IntegritySettings.load()
    setattr(values, field, value)
    with pytest.raises(ValidationError) as refused:
        values.full_clean()
    assert list(refused.value.message_dict) == [field]


@pytest.mark.django_db
def test_the_defaults_are_e_petitions_rates_and_flag_throwaway_addresses():
    values = IntegritySettings.load()
    values.full_clean()
    assert (values.address_rates, values.flag_disposable) == ("1/60s, 5/300s", True)


# The judge


@pytest.fixture
def campaign(db):
    return build_campaign(build_index(build_site()))


def verdict(campaign, email, address="198.51.100.7", **settings_values):
    values = IntegritySettings.load()
    for name, value in settings_values.items():
        setattr(values, name, value)
    values.save()
    judge.forget_settings()  # the settings just saved, not those read before
    signature = _signature(campaign, email)
    return [rule for rule, _reason in judge.judge(signature, address)]


def _signature(campaign, email):
    return Signature(
        page=campaign,
        campaign_key=campaign.translation_key,
        email=email,
        email_normalised=normalise_email(email),
    )


def test_the_judge_applies_each_setting(campaign):
    assert verdict(campaign, "ada@example.org") == []
    assert verdict(campaign, "ada@x.spam.example", blocked_domains="**.spam.example") == ["blocked_domain"]
    assert verdict(campaign, "ada@mailinator.com") == ["disposable_domain"]
    assert verdict(campaign, "ada@mailinator.com", flag_disposable=False) == []
    assert verdict(campaign, "ada@example.org", blocked_networks="198.51.100.0/24") == ["blocked_network"]
    assert (
        verdict(
            campaign, "ada@example.org", blocked_networks="198.51.100.0/24", allowed_networks="198.51.100.7"
        )
        == []
    )


def test_two_spellings_of_one_mailbox_are_one_person(campaign):
    assert verdict(campaign, "ada@googlemail.com") == []
    assert verdict(campaign, "a.da+x@gmail.com") == ["same_person"]
    assert verdict(campaign, "ada@googlemail.com") == []  # the same spelling again: the database's repeat


def test_rates_per_address_and_per_network(campaign, integrity_rates):
    values = {"address_rates": "1/60s, 5/300s", "network_rates": "3/60s"}
    assert verdict(campaign, "a1@example.org", "203.0.113.1", **values) == []
    assert verdict(campaign, "a2@example.org", "203.0.113.1", **values) == ["address_rate"]
    assert verdict(campaign, "a3@example.org", "203.0.113.2", **values) == []  # a neighbour: its own count
    assert verdict(campaign, "a4@example.org", "203.0.113.3", **values) == ["network_rate"]  # the /24's 4th
    assert verdict(campaign, "a5@example.org", "198.51.100.1", **values) == []  # another network
