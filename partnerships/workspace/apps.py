from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """What a brand's people work in, above every app: the dashboard, reminders, the demo and
    the URLs of all the apps. Nothing below imports it."""

    name = "partnerships.workspace"
    label = "workspace"

    def ready(self) -> None:
        from partnerships import freshness
        from partnerships.workspace import reminders

        freshness.reminders_stale.connect(reminders.on_reminders_stale)
