"""The "Customer service" group manages orders; merchandisers may only look at them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CUSTOMER_SERVICE = {
    "wagtailadmin": ["access_admin"],
    "orders": ["view_order", "change_order_status", "view_shippingrate"],
}
MERCHANDISERS = {"orders": ["view_order", "view_shippingrate"]}
PUBLISHERS = {"orders": ["view_order", "view_shippingrate", "add_shippingrate", "change_shippingrate",
                         "delete_shippingrate"]}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("orders")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in (("Customer service", CUSTOMER_SERVICE), ("Merchandisers", MERCHANDISERS),
                         ("Publishers", PUBLISHERS)):
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codenames in grants.items():
            for codename in codenames:
                group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
        ("catalog", "0003_groups_and_workflow"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
