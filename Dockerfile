FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY pingyi ./pingyi
COPY campaigns ./campaigns
COPY departments ./departments
COPY issues ./issues
COPY scoring ./scoring
COPY hotline ./hotline
RUN pip install .
COPY . .
# Static files are collected at build time; the secret here is used for nothing else.
RUN DJANGO_SETTINGS_MODULE=pingyi.settings.production \
    SECRET_KEY=collectstatic-only-build-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    python manage.py collectstatic --noinput \
 && useradd --create-home pingyi && mkdir -p /app/media && chown pingyi /app/media
USER pingyi
EXPOSE 8000
CMD ["gunicorn", "pingyi.wsgi"]
