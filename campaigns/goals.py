"""Goals that move, and the milestones a campaign reached.

A campaign's goal is the editor's `signature_goal`. With `goal_steps_up` ticked, the goal shown steps up to
the next round number once the count reaches STEP_UP_AT of it, and again as often as needed:

    the round numbers are 1, 2.5 and 5 times a power of ten: 100 → 250 → 500 → 1,000 → 2,500 → 5,000 → 10,000 …

so a goal of 1,000 shows as 1,000 until 900 have signed, then as 2,500 until 2,250 have signed, then 5,000.
The shown goal is worked out from the count each time (`current_goal`): nothing is stored, so it can never be
out of step with the count, and every language steps up from its own goal.

A milestone is a goal reached: the editor's goal and each stepped goal, once the count is at least that goal.
Each is recorded once, with the time it was first seen reached (`record_milestones`, after the commit of a
signature that counts: campaigns.events `signed` and `confirmed`). A unique constraint on (campaign, goal)
makes concurrent signers who cross the same goal write one row.

Reading the count costs a query, as much as storing the signature itself, so a signature that counts at once
looks at its campaign's goals at most once every CHECK_INTERVAL in each process: in a spike that is one query
a second per process instead of one per signature. A goal crossed between two looks is recorded at the next
one, and whenever the campaign's summary is opened (which reads the count anyway).
"""

import time
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns import events, signatures

# Seconds between two looks at one campaign's goals after signatures, in each process.
CHECK_INTERVAL = 1.0

# The goal steps up once the count reaches this share of it.
STEP_UP_AT = Decimal("0.9")
# Round numbers: these times a power of ten.
ROUND_FACTORS = (Decimal(1), Decimal("2.5"), Decimal(5))


def next_round_number(goal):
    """The smallest round number (1, 2.5 or 5 × 10ⁿ, a whole number) strictly above `goal`."""
    magnitude = Decimal(1)
    while True:
        for factor in ROUND_FACTORS:
            value = factor * magnitude
            if value > goal and value == value.to_integral_value():
                return int(value)
        magnitude *= 10


def current_goal(goal, count, steps_up):
    """The goal to show beside `count`: `goal`, or with `steps_up` the round number it has stepped up to."""
    goal = max(int(goal or 0), 1)
    if steps_up:
        while count >= goal * STEP_UP_AT:
            goal = next_round_number(goal)
    return goal


def goals_reached(goal, count, steps_up):
    """Every goal `count` has reached: the editor's goal, then (with `steps_up`) each round number after it."""
    goal = max(int(goal or 0), 1)
    reached = []
    while count >= goal:
        reached.append(goal)
        if not steps_up:
            break
        goal = next_round_number(goal)
    return reached


class Milestone(models.Model):
    """A goal a campaign reached (all its languages together), and when it was first seen reached."""

    campaign_key = models.UUIDField(_("campaign"), editable=False)
    goal = models.PositiveBigIntegerField(_("goal"))
    reached_at = models.DateTimeField(_("reached at"), default=timezone.now)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["campaign_key", "goal"]
        constraints = [
            models.UniqueConstraint(fields=["campaign_key", "goal"], name="one_milestone_per_goal")
        ]

    def __str__(self):
        return f"{self.campaign_key}: {self.goal} at {self.reached_at:%Y-%m-%d %H:%M}"


# {(campaign key, goal, steps up): the highest goal this process has recorded}: a signature that crosses no
# new goal costs no write. Keyed by the page's settings too, so a goal the editor changes is seen afresh.
# Another process may have recorded it too: the unique constraint keeps one row.
_recorded = {}


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
_last_look = {}


def _on_signed(signature, page, **kwargs):
    if not signature.counted:  # it counts once confirmed
        return
    now = time.monotonic()
    if now - _last_look.get(page.translation_key, -CHECK_INTERVAL) < CHECK_INTERVAL:
        return
    _last_look[page.translation_key] = now
    record_milestones(page, signatures.signature_count(page.translation_key))


def _on_confirmed(signature, **kwargs):
    page = signature.page.specific
    record_milestones(page, signatures.signature_count(page.translation_key))


def connect():
    events.signed.connect(_on_signed, dispatch_uid="goals-milestones-signed")
    events.confirmed.connect(_on_confirmed, dispatch_uid="goals-milestones-confirmed")
