"""Editorial groups and the product approval workflow exist from the start, on every install."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MERCHANDISER_PERMISSIONS = {
    "wagtailadmin": ["access_admin"],
    "catalog": [
        "add_product", "change_product", "delete_product", "lock_product", "view_product",
        "add_brand", "change_brand", "view_brand",
        "add_category", "change_category", "view_category",
        "add_producttype", "change_producttype", "view_producttype",
        "add_attribute", "change_attribute", "view_attribute",
        "add_stocklevel", "change_stocklevel", "view_stocklevel", "view_stocklocation",
    ],
}
PUBLISHER_EXTRA_PERMISSIONS = {
    "catalog": ["publish_product", "unlock_product", "delete_brand", "delete_category", "delete_producttype",
                "delete_attribute", "add_stocklocation", "change_stocklocation"],
}
IMAGE_COLLECTION_PERMISSIONS = ["add_image", "change_image", "choose_image"]


def _permission(apps, app_label, codename):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if app_label == "catalog" and codename.split("_", 1)[0] in {"publish", "lock", "unlock"}:
        # Wagtail adds these snippet permissions after migrating; make them now so groups can hold them.
        action, model = codename.split("_", 1)
        content_type, _ = ContentType.objects.get_or_create(app_label="catalog", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": f"Can {action} {model}"}
        )
        return permission
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def create_groups_and_workflow(apps, schema_editor):
    for label in ("catalog",):  # wagtailadmin and wagtailimages create theirs in their own migrations
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Permission = apps.get_model("auth", "Permission")

    merchandisers, _ = Group.objects.get_or_create(name="Merchandisers")
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    for group, grants in ((merchandisers, [MERCHANDISER_PERMISSIONS]),
                          (publishers, [MERCHANDISER_PERMISSIONS, PUBLISHER_EXTRA_PERMISSIONS])):
        for grant in grants:
            for app_label, codenames in grant.items():
                for codename in codenames:
                    group.permissions.add(_permission(apps, app_label, codename))
        root_collection = Collection.objects.filter(depth=1).first()
        if root_collection is not None:
            for codename in IMAGE_COLLECTION_PERMISSIONS:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=Permission.objects.get(content_type__app_label="wagtailimages", codename=codename),
                )

    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.filter(name="Publishers approve").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="Publishers approve", content_type=task_type, active=True)
    task.groups.add(publishers)
    workflow, _ = Workflow.objects.get_or_create(name="Product approval", defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task_id=task.pk, defaults={"sort_order": 0})
    product_type, _ = ContentType.objects.get_or_create(app_label="catalog", model="product")
    WorkflowContentType.objects.update_or_create(content_type=product_type, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups_and_workflow, migrations.RunPython.noop)]
