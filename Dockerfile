# syntax=docker/dockerfile:1
# The production image: the site served by gunicorn as a user who cannot change it, with the translation
# catalogs compiled and the static files collected (hashed, compressed) at build. compose.yaml runs it with
# everything it needs; README "Deploying" says what each process is for.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /venv
WORKDIR /src
# The dependencies in a layer of their own, rebuilt only when pyproject.toml changes; what running needs
# and nothing else (not the test or lint extras). Every dependency ships wheels: no compiler needed.
COPY pyproject.toml README.md ./
RUN /venv/bin/pip install .

FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    STATIC_ROOT=/app/static_collected \
    PORT=8000
# The system libraries the app loads: Pango and a font for the petition PDF (WeasyPrint), as README says.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --user-group --uid 10001 --home-dir /app --no-create-home app
COPY --from=build /venv /venv
WORKDIR /app
COPY . .
# As root, so that the app cannot change its own code, catalogs or static files. Production settings refuse
# to load without their variables: these placeholders satisfy them for the two commands, which open no
# connection and read no secret. Uploads go to S3 (production refuses to start without a bucket); the app
# writes only gunicorn's control socket, in var/run.
RUN env SECRET_KEY=image-build-placeholder DATABASE_URL=postgres://build@placeholder.invalid/build \
        REDIS_URL=redis://placeholder.invalid:6379/0 ALLOWED_HOSTS=placeholder.invalid \
        BASE_URL=https://placeholder.invalid DEFAULT_FROM_EMAIL=build@placeholder.invalid \
        EMAIL_URL=smtp://placeholder.invalid AWS_STORAGE_BUCKET_NAME=placeholder \
        sh -c "python manage.py compile_catalogs && python manage.py collectstatic --noinput" \
    && mkdir -p /app/var/run && chown app:app /app/var/run
USER app
EXPOSE 8000
# Liveness only (/healthz answers before host checks and the HTTPS redirect); /readyz is for load balancers.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"]
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
