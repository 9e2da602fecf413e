from django.db import migrations

from partnerships import schedules

# Each brand's periods close at its own midnight, from East Asia (16:00 UTC) to Europe
# (23:00 UTC); at 03:00 UTC they have, and the draft statements are fresh before the
# metrics refresh (04:30) and the morning reminders (05:00).
install_schedule, remove_schedule = schedules.daily_task(
    name="Settle ended periods (daily)",
    task="contracts.tasks.settle_due_periods",
    hour=3,
    description="Make or recompute the statement of every period that has ended.",
)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0003_statement_line_exact_quantity_and_rate"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
