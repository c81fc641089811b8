"""The public page that explains why signatures are removed from a campaign's count (linked from each campaign
page's integrity line, templates/integrity/removals.html), in the visitor's language."""

from django.shortcuts import render

from integrity.report import EXPLANATION, REASONS
from serving import pagecache


def explanation(request):
    pagecache.allow(request)  # the same for everyone
    return render(
        request, "integrity/explanation.html", {"reasons": REASONS.values(), "explanation": EXPLANATION}
    )
