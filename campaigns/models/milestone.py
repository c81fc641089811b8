"""Milestone: a goal a campaign reached (campaigns.milestones records them)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
