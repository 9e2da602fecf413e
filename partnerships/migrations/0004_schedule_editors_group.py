from django.db import migrations

from partnerships import schedules


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0003_daily_reminders_schedule"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(schedules.install_schedule_editors, schedules.remove_schedule_editors)
    ]
