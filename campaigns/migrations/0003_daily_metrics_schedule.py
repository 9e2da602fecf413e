from django.db import migrations

from partnerships import schedules

# After the night's settlement has recomputed draft statements, before the morning
# reminders (05:00 UTC), so the first page views of the day read fresh figures.
install_schedule, remove_schedule = schedules.daily_task(
    name="Refresh metrics and ROI (daily)",
    task="campaigns.tasks.refresh_metrics",
    hour=4,
    minute=30,
    description="Recompute the daily metric and ROI summaries of every brand.",
)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_daily_summaries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
