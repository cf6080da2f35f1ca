FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 idare
WORKDIR /app

COPY pyproject.toml README.md ./
RUN pip install . && pip uninstall -y idare
COPY . .
# Static files are collected into the image (hashed and compressed for WhiteNoise). The secret and
# key here exist only for this build step; the running container must be given its own.
RUN DJANGO_SECRET_KEY=collectstatic-only \
    IDARE_ENCRYPTION_KEYS=Y29sbGVjdHN0YXRpYy1vbmx5LW5vdC1hLXJlYWwta2U= \
    python manage.py collectstatic --noinput -v0 \
    && chown -R idare:idare /app

USER idare
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "idare.wsgi", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
