"""Why a signature was flagged (campaigns.quarantine), as a Signature manager reads it: in the list of flagged
signatures (campaigns.admin.release) and in the exports (campaigns.admin.exports)."""

from django.utils.translation import gettext_lazy as _

# The rules are integrity's (integrity.judge); a rule not named here is shown by its name.
_LABELS = {
    "address_rate": _("Too many from one address"),
    "network_rate": _("Too many from one network"),
    "blocked_network": _("Blocked network"),
    "blocked_domain": _("Blocked email domain"),
    "disposable_domain": _("Throwaway address"),
    "same_person": _("Same mailbox, another spelling"),
    "filled_too_fast": _("Filled in faster than a person can"),
}


def rule_label(rule):
    """A rule's name as a manager reads it."""
    return _LABELS.get(rule, rule)


def reasons_text(flag_reasons):
    """A signature's `flag_reasons` as one line: "Throwaway address (the email domain is …); …"."""
    return "; ".join(
        f"{rule_label(item.get('rule'))} ({item.get('reason', '')})"
        if item.get("reason")
        else str(rule_label(item.get("rule")))
        for item in flag_reasons or ()
        if isinstance(item, dict)
    )
