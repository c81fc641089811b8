from django.apps import AppConfig


class StockConfig(AppConfig):
    """The benchmark's baseline: a stock Wagtail form page, as Wagtail's documentation builds one."""

    name = "bench.stock"
    label = "bench_stock"
    default_auto_field = "django.db.models.BigAutoField"
