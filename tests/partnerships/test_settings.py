"""Settings come from the environment, with embedded defaults and a strict production mode.

Each case starts a fresh interpreter so that the environment is read from scratch."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "q8w7e6r5t4y3u2i1o0p9a8s7d6f5g4h3j2k1l0z9x8c7v6b5n4m3",
    "ALLOWED_HOSTS": "partnerships.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://partnerships.example.com",
    "DATABASE_URL": "postgres://partnerships@db.example.com:5432/partnerships",
    "REDIS_URL": "redis://cache.example.com:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
}
READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from partnerships.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "backend": app.conf.result_backend,
    "cache": settings.CACHES["default"]["BACKEND"],
    "acks_late": app.conf.task_acks_late,
    "reject_on_worker_lost": app.conf.task_reject_on_worker_lost,
    "serializer": app.conf.task_serializer,
    "accept": app.conf.accept_content,
    "email": settings.EMAIL_BACKEND,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "proxy_ssl_header": settings.SECURE_PROXY_SSL_HEADER,
}))
"""


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        "PATH": os.environ["PATH"],
        "ENV_FILE": "/dev/null",
        "DJANGO_SETTINGS_MODULE": "partnerships.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def _settings(env: dict[str, str]) -> dict:
    result = _run(["-c", READ_SETTINGS], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


LOCAL = {"DEBUG": "true"}  # what `make run` and `make test` set


def test_local_mode_means_sqlite_and_eager_tasks():
    seen = _settings(LOCAL)
    assert seen["engine"] == "django.db.backends.sqlite3"
    assert seen["db_name"] == str(ROOT / "db.sqlite3")
    assert seen["eager"] is True
    assert seen["broker"] == "memory://"
    assert seen["cache"].endswith("LocMemCache")
    assert seen["email"].endswith("console.EmailBackend")
    assert seen["ssl_redirect"] is False


def test_environment_means_postgresql_redis_and_a_real_broker():
    seen = _settings(PRODUCTION)
    assert seen["engine"] == "django.db.backends.postgresql"
    assert seen["db_name"] == "partnerships"
    assert seen["eager"] is False
    assert seen["broker"] == seen["backend"] == "redis://cache.example.com:6379/0"
    assert seen["cache"].endswith("RedisCache")
    assert seen["email"].endswith("smtp.EmailBackend")


@pytest.mark.parametrize("env", [LOCAL, PRODUCTION], ids=["embedded", "production"])
def test_celery_is_safe_against_lost_workers_and_speaks_json(env):
    seen = _settings(env)
    assert seen["acks_late"] is True
    assert seen["reject_on_worker_lost"] is True
    assert seen["serializer"] == "json"
    assert seen["accept"] == ["json"]


def test_production_mode_is_secure():
    seen = _settings(PRODUCTION)
    assert seen["ssl_redirect"] is True
    assert seen["session_cookie_secure"] is True
    assert seen["hsts"] >= 31536000


def test_check_deploy_is_clean_with_production_values():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "secret",
    [
        None,
        "django-insecure-local-development-only",
        "change-me-to-a-long-random-value",  # the example in .env.example
        "only-thirty-characters-long-00",
        "ab" * 40,  # long but not random
    ],
)
def test_production_mode_requires_a_real_secret(secret):
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    if secret:
        env["SECRET_KEY"] = secret
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_is_off_unless_set():
    """No DEBUG in the environment is production: it refuses the development key."""
    env = {key: value for key, value in PRODUCTION.items() if key not in ("DEBUG", "SECRET_KEY")}
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    with_key = {key: value for key, value in PRODUCTION.items() if key != "DEBUG"}
    assert _settings(with_key)["ssl_redirect"] is True


def test_forwarded_proto_is_believed_only_behind_trusted_proxies():
    assert _settings(PRODUCTION)["proxy_ssl_header"] is None
    seen = _settings({**PRODUCTION, "TRUSTED_PROXIES": "1"})
    assert seen["proxy_ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


TWO_WRITERS = """
import threading, time, django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE saves (n integer)")
connection.close()
failures = []


def save(n):
    # What a page's save and the figures' refresh after it do at once: read, then write.
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM saves")
            time.sleep(0.3)
            cursor.execute("INSERT INTO saves VALUES (%s)", [n])
    except Exception as error:
        failures.append(str(error))
    finally:
        connection.close()


writers = [threading.Thread(target=save, args=(n,)) for n in range(2)]
for writer in writers:
    writer.start()
for writer in writers:
    writer.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM saves")
    print(cursor.fetchone()[0], failures)
"""


def test_two_writers_on_the_embedded_database_wait_their_turn_instead_of_failing(tmp_path):
    database = tmp_path / "db.sqlite3"
    result = _run(["-c", TWO_WRITERS], {**LOCAL, "DATABASE_URL": f"sqlite:///{database}"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2 []"  # both saves kept, no "database is locked"
