"""The Signatures area of Wagtail's admin: who signed, exports, forgetting a person, campaign summaries.

- `listing.py`: the modeladmin listing (columns, search, permission and button helpers), `filters.py` its
  filters;
- `views.py`: the listing's export, "forget a person", the summaries, Wagtail's submissions views for
  petitions; `urls.py` their addresses; `buttons.py` the summary link on page listings;
- `exports.py`: the CSV/XLSX export of signatures.

Registered with Wagtail in `campaigns/wagtail_hooks.py`. Every view here shows personal data, so each
requires a Signature permission that only the "Signature managers" group (and superusers) hold.
"""
