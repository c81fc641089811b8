"""The names of what a signer sends: the petition form's fields (campaigns.forms), the Signature columns they
fill (campaigns.models.signature) and what the signing service keeps of them (campaigns.signing)."""

# What a signer fills in, beside the editor's extra questions. Each is a column of Signature.
SIGNER_FIELDS = ("first_name", "last_name", "email", "country", "postal_code", "comment", "newsletter_opt_in")
# Consents a petition may ask for beside the newsletter, each an unticked box the editor switches on (CampaignPage):
# mails about this petition (the updates app), and the signer's name and country handed to the target with the
# petition (the delivery app). Each is stored like the main consent: the words shown and when.
CONSENT_FIELDS = ("updates_opt_in", "name_handover")
# Where a signer came from, carried through the form in hidden fields: the page URL's utm_* parameters
# and the page's referrer (of which only the host is kept).
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
REFERRER_FIELD = "referrer"
# A field people never see (petition.css hides it) and bots fill in.
HONEYPOT_FIELD = "website"
# The hidden field with the signed "form shown at" token petition.js puts in (campaigns.form_shown); not stored.
FORM_SHOWN_FIELD = "form_shown"
# Every form field that is not an extra question; what remains of the cleaned data goes to form_data.
NOT_QUESTIONS = frozenset(
    (*SIGNER_FIELDS, *CONSENT_FIELDS, *UTM_FIELDS, REFERRER_FIELD, HONEYPOT_FIELD, FORM_SHOWN_FIELD)
)
# The columns Wagtail's Forms listing and export show before the extra questions.
DATA_COLUMNS = (*SIGNER_FIELDS, "locale", "confirmed_at")
