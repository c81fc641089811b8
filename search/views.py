"""Site search: live, public pages of the visitor's locale, paginated."""

from django import forms
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page

RESULTS_PER_PAGE = 10
QUERY_MAX_LENGTH = 200


class SearchForm(forms.Form):
    """The search box. A NUL byte (which PostgreSQL refuses in text) makes the query invalid."""

    q = forms.CharField(
        required=False,
        error_messages={
            "null_characters_not_allowed": _(
                "Your search contains characters that cannot be searched. Please type words only."
            )
        },
    )

    def clean_q(self):
        return self.cleaned_data["q"][:QUERY_MAX_LENGTH]


def search(request):
    form = SearchForm(request.GET, label_suffix="")  # the template writes its own label
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = Page.objects.none()
    if query:
        results = Page.objects.live().public().filter(locale=Locale.get_active()).specific().search(query)
    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    return TemplateResponse(
        request,
        "search/search.html",
        {"search_query": query, "search_results": page, "paginator": paginator, "form": form},
        status=200 if form.is_valid() else 400,
    )
