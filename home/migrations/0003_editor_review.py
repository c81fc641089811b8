"""The "Editor review" workflow: whoever may edit a page but not publish it (Translators) submits it, and an
Editor (or one of Wagtail's Moderators) approves it, which publishes it, or asks for changes.

It is assigned to the root page, so it covers every page in every locale, including the first page of a
locale added later; Editors, who may publish, still publish directly. It replaces Wagtail's default
"Moderators approval" on the root (a page has one workflow), which left Editors out of reviewing.
"""

from django.db import migrations
from django.utils.translation import gettext_noop

# Stored in English; the translation editor's buttons show them in the admin's language (the catalogs in
# locale/ translate these two strings).
WORKFLOW = gettext_noop("Editor review")
TASK = gettext_noop("Approval by an editor")
REVIEWERS = ["Editors", "Moderators"]


def create_editor_review(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    content_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK, content_type=content_type, active=True)
    task.groups.add(*Group.objects.filter(name__in=REVIEWERS))
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    root_page = Page.objects.filter(depth=1).order_by("path").first()
    if root_page is not None:
        WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})


def remove_editor_review(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow.objects.filter(name=WORKFLOW).delete()
    Task.objects.filter(name=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [("home", "0002_roles"), ("wagtailcore", "0098_apitoken")]

    operations = [migrations.RunPython(create_editor_review, remove_editor_review)]
