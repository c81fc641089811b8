"""The Signatures admin's exports (CSV, XLSX) of every signature, their speed and the worker's memory."""

import time
import urllib.request

from bench.server import Gunicorn, peak_rss_mb, rss_mb
from bench.setup import EXPORT_PORT


def exports(bench, env, ring):
    """The Signatures admin's exports of every signature, from a server of one worker whose memory is read."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-password")
    client = Client()
    client.force_login(user)
    # Production asks a superuser for a second factor (REQUIRE_TWO_FACTOR): the session is one that gave it,
    # as a manager's is when they export, so the export is measured, not the redirect to the code page.
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    ).persistent_id
    session.save()
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    listing = reverse("campaigns_signature_modeladmin_index")
    print("\nExports (one worker; its peak memory is read from /proc)", flush=True)
    bench.exports = {}
    for kind in ("csv", "xlsx"):
        with Gunicorn(env, EXPORT_PORT, 1) as server:
            [worker] = server.workers()
            _fetch(server.base + listing, cookie)  # the admin loaded once, as a person opens it first
            before = rss_mb(worker)
            started = time.perf_counter()
            first_byte, size, lines = _fetch(server.base + f"{listing}?export={kind}", cookie)
            seconds = time.perf_counter() - started
            peak = peak_rss_mb(worker)
        rows = lines - 1 if kind == "csv" else None
        bench.exports[kind] = (first_byte, seconds, size, rows, before, peak)
        speed = f", {rows:,} rows, {rows / seconds:,.0f} rows/s" if rows else ""
        bench.note(
            f"{kind.upper()} export: first byte after {first_byte:.2f} s, all {size / 1e6:.0f} MB in {seconds:.1f} s"
            f"{speed}; worker memory {before:.0f} MB before, peak {peak:.0f} MB"
        )


def _fetch(url, cookie):
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    started = time.perf_counter()
    first_byte = None
    size = lines = 0
    with urllib.request.urlopen(request, timeout=3600) as response:
        while chunk := response.read(1 << 16):
            if first_byte is None:
                first_byte = time.perf_counter() - started
            size += len(chunk)
            lines += chunk.count(b"\n")
    return first_byte or 0.0, size, lines
