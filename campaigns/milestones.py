"""Recording the milestones a campaign reached, after the commit of a signature that counts (campaigns.events
`signed` and `confirmed`). What a goal is and how it steps up: campaigns.goals."""

import time

from campaigns import events
from campaigns.goals import goals_reached
from campaigns.models.counter import signature_count
from campaigns.models.milestone import Milestone
from ops import process_memory

# Seconds between two looks at one campaign's goals after signatures, in each process.
CHECK_INTERVAL = 1.0

# {(campaign key, goal, steps up): the highest goal this process has recorded}: a signature that crosses no
# new goal costs no write. Keyed by the page's settings too, so a goal the editor changes is seen afresh.
# Another process may have recorded it too: the unique constraint keeps one row.
_recorded = process_memory.remembered("campaigns.milestones.recorded", {})


def record_milestones(page, count):
    """Record the goals `count` has reached on `page` (a locale variant: its goal and setting) that are not
    yet recorded. Idempotent and safe when concurrent: rows already there are left as they are."""
    reached = goals_reached(page.signature_goal, count, page.goal_steps_up)
    memo_key = (page.translation_key, page.signature_goal, page.goal_steps_up)
    known = _recorded.get(memo_key, 0)
    new = [goal for goal in reached if goal > known]
    if not new:
        return []
    Milestone.objects.bulk_create(
        [Milestone(campaign_key=page.translation_key, goal=goal) for goal in new], ignore_conflicts=True
    )
    _recorded[memo_key] = max(reached)
    return new


def milestones(campaign_key):
    """A campaign's milestones, the first reached first."""
    return list(Milestone.objects.filter(campaign_key=campaign_key).order_by("goal"))


# {campaign key: monotonic time of this process's last look at its goals after a signature}
_last_look = process_memory.remembered("campaigns.milestones.last_look", {})


def _on_signed(signature, page, **kwargs):
    if not signature.counted:  # it counts once confirmed
        return
    now = time.monotonic()
    if now - _last_look.get(page.translation_key, -CHECK_INTERVAL) < CHECK_INTERVAL:
        return
    _last_look[page.translation_key] = now
    record_milestones(page, signature_count(page.translation_key))


def _on_confirmed(signature, **kwargs):
    page = signature.page.specific
    record_milestones(page, signature_count(page.translation_key))


def connect():
    events.signed.connect(_on_signed, dispatch_uid="goals-milestones-signed")
    events.confirmed.connect(_on_confirmed, dispatch_uid="goals-milestones-confirmed")
