"""The signatures admin: listing and export, forgetting a person, campaign summaries.

Registered with Wagtail in `campaigns/wagtail_hooks.py`. Every view here shows personal data, so each
requires a Signature permission that only the "Signature managers" group (and superusers) hold.
"""
