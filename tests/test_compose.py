import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_file_runs_the_five_services_from_one_image():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "rabbitmq", "web", "worker", "beat"}
    assert services["rabbitmq"]["profiles"] == ["rabbitmq"]  # started only when chosen
    app = [services[name] for name in ("web", "worker", "beat")]
    assert all(service["build"] == "." and service["env_file"] == ".env" for service in app)
    assert all(service["environment"]["REDIS_URL"] == "redis://redis:6379/0" for service in app)
    assert "migrate" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "partnerships", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "partnerships", "beat"]


def test_every_setting_is_documented():
    settings_source = (ROOT / "partnerships" / "settings.py").read_text()
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    variables = set(re.findall(r'env\.\w+\("([A-Z_]+)"', settings_source))
    assert variables
    for name in variables - {"ENV_FILE"}:
        assert f"\n{name}=" in example, name
    for name in variables:
        assert f"`{name}`" in readme, name


def test_the_worker_is_supervised():
    worker = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["worker"]
    assert worker["restart"] == "unless-stopped"
    assert "inspect ping" in worker["healthcheck"]["test"][1]
