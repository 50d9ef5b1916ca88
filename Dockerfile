# CodePrep in a container (docs/deploy.md, "Containers"): `flask setup`, then `flask serve --workers`.
# Configure it with environment variables (DATABASE_URL, REDIS_URL, SECRET_KEY, ...): compose.yaml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md app.py ./
COPY study ./study
RUN pip install .
# templates, static files and the question bank are read from /app (`flask --app app` imports /app/study)
COPY templates ./templates
COPY static ./static
COPY question_bank ./question_bank

RUN useradd --create-home --uid 10001 codeprep \
    && mkdir -p /app/instance \
    && chown codeprep /app/instance
USER codeprep

ENV HOST=0.0.0.0 \
    PORT=8000 \
    INSTANCE_PATH=/app/instance \
    WEB_CONCURRENCY=3
EXPOSE 8000
# the first start loads the ICD-10-CM code set into the database (a minute or so)
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"

CMD ["sh", "-c", "flask --app app setup && exec flask --app app serve --workers \"$WEB_CONCURRENCY\""]
