from django.db import migrations

from partnerships import schedules

# After the brands' own reminders (05:00 UTC), so a creator hears the same morning.
install_schedule, remove_schedule = schedules.daily_task(
    name="E-mail creators what needs them (daily)",
    task="portal.tasks.send_creator_digests",
    hour=5,
    minute=30,
    description="One e-mail a creator: offers, drafts to revise, items to publish, deliverables due.",
)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
