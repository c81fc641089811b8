"""A translation's way to the public: translate, submit for review, published when an editor approves it.

wagtail-localize's translation editor (the page editor of a synced translation) offers whoever may edit the
page "Publish in <language>" when they may publish, and otherwise "Convert to alias page" as its main button;
it knows nothing of Wagtail's workflows. So the page edit view's `before_edit_page` hook runs this module's
`act_on_translation` before wagtail-localize's own (which then shows its editor), and the editor's footer is
this module's `TranslationActions` (templates/wagtail_localize/admin/edit_translation.html):

- a user who may not publish (a Translator) submits the translation to the page's workflow ("Editor review",
  home/migrations/0003_editor_review.py), or resubmits it after changes were asked for;
- a reviewer of the task the page is on (an Editor) approves it, which publishes it, or asks for changes;
- a user who may publish and has nothing to review publishes it;
- nobody converts it into an alias of the source page: that would put the source language's text live under
  this language's address, unreviewed (`refuse_alias` replaces wagtail-localize's view);
- "Sync translated pages" offers "Publish immediately" only to who may publish, and publishes only the
  translations whose wording is translated (`SyncTranslationsView`).

Each action first saves what the translation editor shows as a new draft (wagtail-localize's
`save_target(publish=False)`), so what is submitted, approved or published is what the person saw; then
publishing, submitting and approving are refused while the consent wording, letter or call to action is the
source page's text (campaigns/translation_wording.py).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail.models import DraftStateMixin, Page, WorkflowState
from wagtail.snippets.permissions import get_permission_name
from wagtail_localize.models import Translation
from wagtail_localize.views.update_translations import UpdateTranslationsView

from campaigns.translation_wording import refusal, untranslated_wording

# The value of the footer's `action` field: wagtail-localize's own editor posts action=publish too, so its
# publish goes through the same checks.
PUBLISH, SUBMIT, APPROVE, REQUEST_CHANGES = "publish", "submit", "approve", "reject"


def synced_translation(page):
    """The wagtail-localize translation that `page` is the target of, if it is synced (its editor is
    wagtail-localize's); None otherwise."""
    return (
        Translation.objects.filter(
            source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
        )
        .select_related("source", "target_locale")
        .first()
    )


def save_draft(translation, user):
    """Saves what the translation editor shows as the target page's latest revision; returns that revision's
    page and the wording fields it still has in the source's text. Raises ValidationError as
    wagtail-localize does when the translated page would not be valid.

    wagtail-localize's draft (`save_target(publish=False)`) also writes the draft into the page's own row,
    which is what visitors are served while the page is live: the published version is put back there, so
    a draft, submitted or refused, stays out of sight until it is published. One transaction: no visitor is
    ever served the row in between."""
    with transaction.atomic():
        return _save_draft(translation, user)


def _save_draft(translation, user):
    target = translation.get_target_instance()
    live_revision = target.live_revision if target.live else None
    translation.save_target(user=user, publish=False)
    page = translation.get_target_instance()
    draft_revision = page.get_latest_revision()
    draft = draft_revision.as_object()
    if live_revision is not None:
        published = live_revision.as_object()
        published.latest_revision = draft_revision
        published.draft_title = draft.title
        published.has_unpublished_changes = True
        published.save(clean=False)
    return draft, untranslated_wording(draft)


def act_on_translation(request, page):
    """The `before_edit_page` hook: carries out the footer's action on a synced translation and redirects back
    to its editor; anything else (a GET, another page) is left to wagtail-localize and Wagtail."""
    action = request.POST.get("action") if request.method == "POST" else None
    if action not in (PUBLISH, SUBMIT, APPROVE, REQUEST_CHANGES):
        return None
    translation = synced_translation(page)
    if translation is None:
        return None
    page = Page.objects.get(pk=page.pk).specific  # the hook may be given the latest revision
    permissions = page.permissions_for_user(request.user)
    task = page.current_workflow_task
    if action in (APPROVE, REQUEST_CHANGES):
        if task is None or action not in {
            name for name, _label, _modal in task.get_actions(page, request.user)
        }:
            raise PermissionDenied
    elif action == PUBLISH and not permissions.can_publish():
        raise PermissionDenied
    elif action == SUBMIT and not permissions.can_submit_for_moderation():
        raise PermissionDenied

    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    if action == REQUEST_CHANGES:
        task.on_action(page.current_workflow_task_state, request.user, "reject")
        messages.success(request, _("Changes to “%(title)s” have been requested.") % {"title": page.title})
        return redirect(edit_url)

    try:
        draft, untranslated = save_draft(translation, request.user)
    except ValidationError:
        messages.error(
            request,
            _("“%(title)s” in %(language)s has errors: fix them in the editor below, then try again.")
            % {"title": page.title, "language": translation.target_locale.get_display_name()},
        )
        return redirect(edit_url)
    page.refresh_from_db()
    if untranslated:
        messages.error(request, refusal(draft, untranslated))
        return redirect(edit_url)

    language = translation.target_locale.get_display_name()
    if action == PUBLISH:
        page.get_latest_revision().publish(user=request.user)
        workflow_state = page.current_workflow_state
        if workflow_state is not None:  # published directly: nothing is left to review
            workflow_state.cancel(user=request.user)
        messages.success(
            request,
            _("Published “%(title)s” in %(language)s.") % {"title": draft.title, "language": language},
        )
    elif action == APPROVE:
        task.on_action(page.current_workflow_task_state, request.user, "approve")
        messages.success(
            request, _("Approved “%(title)s” in %(language)s.") % {"title": draft.title, "language": language}
        )
    else:
        workflow_state = page.current_workflow_state
        if workflow_state is not None and workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            workflow_state.resume(user=request.user)
        else:
            page.get_workflow().start(page, request.user)
        messages.success(
            request,
            _(
                "“%(title)s” in %(language)s has been submitted for review: an editor publishes it by approving it."
            )
            % {"title": draft.title, "language": language},
        )
    return redirect(edit_url)


class TranslationActions:
    """The translation editor's footer for a page: its main action and the others, chosen as the module's
    docstring says."""

    template_name = "campaigns/admin/translation_actions.html"

    def __init__(self, request, page, translation):
        self.request = request
        self.page = page
        self.translation = translation

    def actions(self):
        """(action, label, icon) of the buttons, the main one first; a None action is a disabled button. The
        workflow's and task's names are translated when the catalogs know them (home/migrations/0003)."""
        page, user = self.page, self.request.user
        permissions = page.permissions_for_user(user)
        language = self.translation.target_locale.get_display_name()
        workflow_state = page.current_workflow_state
        task = page.current_workflow_task
        task_actions = {name for name, _label, _modal in task.get_actions(page, user)} if task else set()
        if APPROVE in task_actions:
            return [
                (APPROVE, _("Approve and publish in %(language)s") % {"language": language}, "success"),
                (REQUEST_CHANGES, _("Request changes"), "edit"),
            ]
        if permissions.can_publish():
            return [(PUBLISH, _("Publish in %(language)s") % {"language": language}, "upload")]
        if workflow_state is not None and workflow_state.status == WorkflowState.STATUS_IN_PROGRESS:
            return [(None, _("Awaiting review: %(task)s") % {"task": _(task.name)}, "time")]
        if permissions.can_submit_for_moderation():
            if workflow_state is not None and workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES:
                label = _("Resubmit to %(task)s") % {"task": _(workflow_state.current_task_state.task.name)}
            else:
                label = _("Submit to %(workflow)s") % {"workflow": _(page.get_workflow().name)}
            return [(SUBMIT, label, "resubmit")]
        return []

    def render_html(self):
        actions = self.actions()
        return render_to_string(
            self.template_name,
            {
                "main_action": actions[0] if actions else None,
                "other_actions": actions[1:],
                "preview_url": reverse("wagtail_localize:preview_translation", args=[self.translation.pk]),
                "stop_url": reverse("wagtail_localize:stop_translation", args=[self.translation.pk]),
                "edit_url": reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
            },
            request=self.request,
        )


def refuse_alias(request, page_id):
    """Replaces wagtail-localize's "Convert to alias page": an alias shows the source page's text, live, under
    the translation's address, which is what review is there to prevent."""
    get_object_or_404(Page, pk=page_id)
    messages.error(
        request,
        _(
            "A translation cannot become an alias of its source page here: translate it and submit it for review."
        ),
    )
    return redirect("wagtailadmin_pages:edit", page_id)


class SyncTranslationsView(UpdateTranslationsView):
    """wagtail-localize's "Sync translated pages", whose "Publish immediately" publishes every translation of
    the source without asking whether the user may publish, untranslated wording and all: here it is offered
    to, and obeyed for, only those who may publish the source (Editors), and a page whose wording is still
    the source's stays as it was, with a message saying why; a Translator's sync updates the source only."""

    def may_publish(self):
        source = self.object.get_source_instance()
        user = self.request.user
        if isinstance(source, Page):
            return source.permissions_for_user(user).can_publish()
        if isinstance(source, DraftStateMixin):
            return user.is_superuser or user.has_perm(get_permission_name("publish", type(source)))
        return True

    def get_form(self):
        form = super().get_form()
        if not self.may_publish():
            del form.fields["publish_translations"]
        return form

    def form_valid(self, form):
        publish = form.cleaned_data.get("publish_translations", False)
        if not isinstance(self.object.get_source_instance(), Page):
            form.cleaned_data["publish_translations"] = publish
            return super().form_valid(form)
        # wagtail-localize's own loop would publish every page unchecked: it updates the source here, and
        # each translation is published below only if its wording is translated.
        form.cleaned_data["publish_translations"] = False
        response = super().form_valid(form)
        if publish:
            for translation in self.object.translations.filter(enabled=True).select_related("target_locale"):
                self.publish_translated(translation)
        return response

    def publish_translated(self, translation):
        try:
            draft, untranslated = save_draft(translation, self.request.user)
        except ValidationError:
            return  # as wagtail-localize does: the page keeps its last published version
        if untranslated:
            messages.warning(self.request, refusal(draft, untranslated))
            return
        translation.get_target_instance().get_latest_revision().publish(user=self.request.user)


# Registered before wagtail-localize's own URLs (campaigns comes first in INSTALLED_APPS), so these replace its
# views at the same addresses; reverse("wagtail_localize:…") still points here.
urlpatterns = [
    path("localize/page/<int:page_id>/convert_to_alias/", refuse_alias, name="campaigns_refuse_alias"),
    path(
        "localize/update/<int:translation_source_id>/",
        SyncTranslationsView.as_view(),
        name="campaigns_sync_translations",
    ),
]
