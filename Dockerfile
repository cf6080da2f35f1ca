# The image CI's versions run in: Python as in requirements.lock's header, the packages from it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    IDARE_STATE_DIR=/var/lib/idare \
    DJANGO_MEDIA_ROOT=/var/lib/idare/media

RUN useradd --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --uid 10001 idare
WORKDIR /app

COPY requirements.lock ./
RUN pip install --no-deps -r requirements.lock && pip check
COPY . .
# Static files are collected into the image (hashed and compressed for WhiteNoise) and the code is
# compiled, both by root: the app's user can read the code, never change it. The secret and key here
# exist only for this build step; the running container must be given its own. The one place the app
# writes is IDARE_STATE_DIR (snapshots of the crisis helplines; uploads too with MEDIA_STORAGE=filesystem).
RUN DJANGO_SECRET_KEY=collectstatic-only \
    IDARE_ENCRYPTION_KEYS=Y29sbGVjdHN0YXRpYy1vbmx5LW5vdC1hLXJlYWwta2U= \
    python manage.py collectstatic --noinput -v0 \
    && python -m compileall -q /app \
    && chmod -R go-w /app \
    && install -d -o idare -g idare -m 0750 /var/lib/idare /var/lib/idare/media

USER idare
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "idare.wsgi", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
