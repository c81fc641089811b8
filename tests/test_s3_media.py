"""Media on S3: with AWS_STORAGE_BUCKET_NAME set, uploads and image renditions go to the bucket.

Tested against a real S3 API served locally by moto's server mode (no boto3 call is mocked).
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "campaign-media"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


def keys(client):
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_settings_send_uploads_to_the_bucket_when_it_is_configured(s3):
    endpoint, client = s3
    env = {
        **os.environ,
        **CREDENTIALS,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
    }
    script = (
        "import django; django.setup()\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage\n"
        "name = default_storage.save('documents/letter.txt', ContentFile(b'Dear Amazon'))\n"
        "print(type(default_storage._wrapped).__name__, name)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    backend, name = result.stdout.split()
    assert backend == "S3Storage"
    assert name in keys(client)
    assert client.get_object(Bucket=BUCKET, Key=name)["Body"].read() == b"Dear Amazon"


@pytest.mark.django_db
def test_images_and_their_renditions_are_stored_in_the_bucket(s3, settings, monkeypatch):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    endpoint, client = s3
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": endpoint, "region_name": "us-east-1"},
        },
    }
    image = Image.objects.create(title="Ring", file=get_test_image_file(size=(1600, 900)))
    rendition = image.get_rendition("fill-800x450")

    stored = keys(client)
    assert image.file.name in stored
    assert rendition.file.name in stored
    assert rendition.url.startswith(f"{endpoint}/{BUCKET}/")
