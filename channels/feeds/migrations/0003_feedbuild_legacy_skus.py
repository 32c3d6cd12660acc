"""Amazon SKU lists move from the build row to a sorted file in the served set's directory (sku_sets.py).

`skus` becomes `legacy_skus`, nullable: existing lists stay for the first build after the upgrade (it has no
SKU file to compare against yet), new builds leave it NULL, and a successful served build clears it.
"""

from django.db import migrations, models


def lists_back(apps, schema_editor):
    # Back to a NOT NULL column: builds since the upgrade kept no list here (their SKUs are in files), so the
    # first build of the older code finds [] and sends no DELETEs for SKUs that left meanwhile.
    FeedBuild = apps.get_model("feeds", "FeedBuild")
    FeedBuild.objects.filter(legacy_skus__isnull=True).update(legacy_skus=[])


class Migration(migrations.Migration):
    dependencies = [
        ("feeds", "0002_feedbuild_documents"),
    ]

    operations = [
        migrations.RenameField(model_name="feedbuild", old_name="skus", new_name="legacy_skus"),
        migrations.AlterField(
            model_name="feedbuild",
            name="legacy_skus",
            field=models.JSONField(blank=True, default=None, editable=False, null=True),
        ),
        migrations.RunPython(migrations.RunPython.noop, lists_back, elidable=True),
    ]
