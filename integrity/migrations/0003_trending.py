"""The trending sources' thresholds and alerts (integrity.trends). Signature managers see the alerts (the
dashboard panel, their audit-log entries): the permission row is created here, as 0002 does, so the group is
complete on a fresh database."""

import django.core.validators
from decimal import Decimal
from django.db import migrations, models


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="integrity", model="trendalert")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="view_trendalert", defaults={"name": "Can view trending source"}
    )
    group, _ = Group.objects.get_or_create(name="Signature managers")
    group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Signature managers"):
        group.permissions.remove(*Permission.objects.filter(codename="view_trendalert"))


class Migration(migrations.Migration):

    dependencies = [
        ('integrity', '0002_signature_managers'),
        ('campaigns', '0012_network_hash'),
    ]

    operations = [
        migrations.AddField(
            model_name='integritysettings',
            name='trend_factor',
            field=models.DecimalField(decimal_places=1, default=Decimal('3.0'), help_text="…and when that share is at least this many times its usual share (of the campaign's signatures in the seven days before). A source never seen before is always above it.", max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('1.1'))], verbose_name='trending: times its usual share'),
        ),
        migrations.AddField(
            model_name='integritysettings',
            name='trend_min_share',
            field=models.PositiveSmallIntegerField(default=10, help_text="…and when it brought at least this percentage of the campaign's signatures in that hour.", validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)], verbose_name='trending: share of the hour (%)'),
        ),
        migrations.AddField(
            model_name='integritysettings',
            name='trend_min_signatures',
            field=models.PositiveIntegerField(default=20, help_text="A source (a network, an email domain, a country, a referring site, a utm_source) is only reported as trending when at least this many of a campaign's signatures in one hour came from it.", validators=[django.core.validators.MinValueValidator(1)], verbose_name='trending: signatures in the hour'),
        ),
        migrations.CreateModel(
            name='TrendAlert',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('campaign_key', models.UUIDField(verbose_name='campaign')),
                ('dimension', models.CharField(choices=[('network', 'network'), ('email_domain', 'email domain'), ('country', 'country'), ('referrer', 'referring site'), ('utm_source', 'utm_source')], max_length=20, verbose_name='kind of source')),
                ('value', models.CharField(max_length=200, verbose_name='source')),
                ('hour', models.DateTimeField(help_text='The start of the hour it trended in.', verbose_name='hour')),
                ('count', models.PositiveIntegerField(verbose_name='signatures in the hour')),
                ('total', models.PositiveIntegerField(verbose_name='all signatures in the hour')),
                ('share', models.FloatField(verbose_name='share of the hour')),
                ('usual_share', models.FloatField(verbose_name='usual share')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='reported at')),
            ],
            options={
                'verbose_name': 'trending source',
                'verbose_name_plural': 'trending sources',
                'ordering': ['-hour', '-count', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('campaign_key', 'dimension', 'value', 'hour'), name='one_trend_alert_per_hour')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
