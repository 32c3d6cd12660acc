"""Merchandisers see the channels; publishers manage channels and their API keys."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MERCHANDISER = ["view_channel"]
PUBLISHER = ["view_channel", "add_channel", "change_channel", "view_apikey", "add_apikey", "change_apikey"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("channels")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Merchandisers", MERCHANDISER), ("Publishers", PUBLISHER)):
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(*Permission.objects.filter(content_type__app_label="channels", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("channels", "0002_listings_translations_completeness"),
        ("catalog", "0003_groups_and_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
