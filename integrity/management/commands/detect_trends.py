"""manage.py detect_trends: record and announce the trending sources of the last complete hours
(integrity.trends). The clock runs it hourly (ops/management/commands/run_jobs.py); running it again alerts
nothing twice."""

from django.core.management.base import BaseCommand

from integrity import trends


class Command(BaseCommand):
    help = (
        "Report the sources (networks, email domains, countries, referrers, utm sources) trending this hour."
    )

    def handle(self, *args, **options):
        alerts = trends.detect()
        for alert in alerts:
            self.stdout.write(f"{alert.campaign_key} {alert}")
        self.stdout.write(f"{len(alerts)} new trending source(s).")
