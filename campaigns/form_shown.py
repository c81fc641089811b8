"""When a visitor was shown the petition form: a signed token the form carries back with the signature, so that
the integrity rules can tell a form sent faster than a person fills it in (`filled_too_fast`, integrity.judge).

Why a token the page's script fetches, and not a time written into the page: the campaign page is rendered
once per content generation and shared by every visitor (serving/pagecache.py, then the CDN), so a time
rendered into it is the cache's, which says nothing about when this visitor saw the form. What is per visitor
is a request the visitor's own browser makes:

- With JavaScript (static/js/petition.js), when the form first comes into view, the script fetches a token
  from `campaigns.views.petition.form_shown_token` (never cached; the page names its address) and puts it in
  the form's hidden field (campaigns.signer_fields.FORM_SHOWN_FIELD). The token is the campaign and the
  moment it was made, to the millisecond, signed with SECRET_KEY under this module's own salt
  (django.core.signing): it cannot be forged, nor used for another campaign.
- Without JavaScript the form has no token (its page is the cached one, and no request of the visitor's own
  comes before the post), and a form shown again with its mistakes carries back the token it was posted
  with, if any.
- A signature with no token, or with one that does not verify (forged, another campaign's, made more than
  MAX_AGE ago or in the future), is judged as having none: never flagged for that alone, so people without
  JavaScript and pages from any cache keep signing as before. This rule therefore catches a browser driven by a
  script, which fetches the token as a person's does and then fills the form at once; a bot that posts without
  the page's script is left to the other rules (rates, domains, the same mailbox).
- A token may come back more than once (a form sent again after its mistakes): it says only when the form was
  shown, and a bot reusing an old one gains nothing it would not gain by sending none. So a token costs no
  storage and no cache round trip: reading it is one HMAC.

campaigns.signing puts the seconds from `seconds_since_shown` on the unsaved signature as `seconds_to_fill`
(not a column: nothing of it is stored) for the judges to read (campaigns.quarantine).
"""

import time

from django.core import signing

# A token older than this says nothing (a tab left open overnight): the signature is judged as having none.
MAX_AGE = 24 * 3600
# A token made up to this many seconds "in the future" (another server's clock a little ahead) counts as made
# now; further ahead it is judged as none.
CLOCK_SKEW = 5

_SALT = "campaigns.form_shown"

clock = time.time  # the time now, in seconds (tests move it on rather than wait)


def make_token(campaign_key, now=None):
    """A token saying that the form of the campaign `campaign_key` is shown now."""
    moment = clock() if now is None else now
    return signing.Signer(salt=_SALT).sign(f"{campaign_key}:{round(moment * 1000)}")


def seconds_since_shown(token, campaign_key, now=None):
    """Seconds from the token's making to `now` (a float), or None for a missing or invalid token (see the
    module's docstring: forged, another campaign's, too old, too far in the future)."""
    if not token or not isinstance(token, str):
        return None
    try:
        value = signing.Signer(salt=_SALT).unsign(token.strip())
    except signing.BadSignature:
        return None
    key, _colon, milliseconds = value.rpartition(":")
    if key != str(campaign_key) or not milliseconds.isdigit():
        return None
    elapsed = (clock() if now is None else now) - int(milliseconds) / 1000
    if elapsed > MAX_AGE or elapsed < -CLOCK_SKEW:
        return None
    return max(elapsed, 0.0)
