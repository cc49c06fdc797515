# syntax=docker/dockerfile:1
# Prepdeck's production image. It runs the web process by default; docker-compose.yml runs the
# Celery worker, beat and the migration from the same image with another command.

# Front-end libraries are served from the app's own static folder, never a CDN.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
# axe-core, a development dependency for the browser tests, stays out of the image.
RUN npm ci --omit=dev --no-audit --no-fund
COPY scripts/build-assets.mjs scripts/
RUN npm run build

FROM python:3.11-slim AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml ./
# Only the dependencies go into the venv: the app runs from /app, where `flask db upgrade`
# finds migrations/ beside the package. Listing them from pyproject.toml keeps one source.
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('requirements.txt', 'w').write('\n'.join(deps))" \
 && python -m venv /opt/venv \
 && /opt/venv/bin/pip install -r requirements.txt

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    FLASK_APP=prepdeck \
    PREPDECK_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000
RUN groupadd --system --gid 10001 prepdeck \
 && useradd --system --uid 10001 --gid prepdeck --home-dir /app --no-create-home prepdeck
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY gunicorn.conf.py ./
COPY migrations/ migrations/
COPY prepdeck/ prepdeck/
COPY --from=assets /src/prepdeck/static/vendor/ prepdeck/static/vendor/
# The code stays root-owned and read-only to the app; only instance/ (Flask's per-deployment
# folder, which create_app insists on) is the app's to write.
RUN python -m compileall -q prepdeck \
 && mkdir instance && chown prepdeck:prepdeck instance
USER prepdeck
EXPOSE 8000
# slim has no curl; urlopen raises, so the check fails, on anything but a 2xx answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "prepdeck:create_app()"]
