FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY requirements.txt ./
RUN pip install --require-hashes --no-deps -r requirements.txt
COPY pyproject.toml README.md ./
COPY partnerships ./partnerships
COPY influencers ./influencers
COPY contracts ./contracts
COPY campaigns ./campaigns
RUN pip install --no-deps --no-build-isolation .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-real-secret-0123456789abcdefghijklmnop \
    ENV_FILE=/dev/null python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 partnerships && mkdir -p /app/media \
    && chown partnerships /app/media
USER partnerships

EXPOSE 8000
CMD ["gunicorn", "partnerships.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
