"""The campaigns app's public views, one module per route family: petition.py (the campaign page's form,
its thank-you state and the JSON count), confirmation.py (the confirmation link and "send it again") and
embed.py (the petition in a partner's frame). The page view itself is serving.views.serve_page."""
