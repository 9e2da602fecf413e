from django.db import migrations

from partnerships import schedules

# Each brand is reminded about its own local date; at 05:00 UTC that date has begun from
# the Americas' east coast to East Asia, and the mail is there before work in Europe.
install_schedule, remove_schedule = schedules.daily_task(
    name="Send reminders (daily)",
    task="partnerships.tasks.send_daily_reminders",
    hour=5,
    description="Store and mail what needs attention in every brand.",
)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0002_reminder"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
