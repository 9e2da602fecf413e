from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"

    def ready(self) -> None:
        from campaigns import tasks
        from partnerships import freshness

        freshness.figures_stale.connect(tasks.queue_refresh)
