"""Existing hotline sources and batches get their committee (a migration of its own: data
changes next to schema changes of the same table trip PostgreSQL's pending trigger events)."""

from django.db import migrations


def assign_organizers(apps, schema_editor):
    """Existing sources belong to the committee of the first uploader who has one, else to
    the city committee (the first city-level organizer: the demo's 淄博市人大常委会); their
    batches follow their source. Without any organizer they stay unassigned (admins only)."""
    Organizer = apps.get_model("departments", "Organizer")
    HotlineSource = apps.get_model("hotline", "HotlineSource")
    ImportBatch = apps.get_model("hotline", "ImportBatch")
    city = Organizer.objects.filter(level="city").order_by("id").first()
    for source in HotlineSource.objects.all():
        uploader = (
            ImportBatch.objects.filter(source=source, created_by__organizer__isnull=False)
            .order_by("created_at", "id")
            .values_list("created_by__organizer_id", flat=True)
            .first()
        )
        organizer_id = uploader or (city.pk if city else None)
        HotlineSource.objects.filter(pk=source.pk).update(organizer_id=organizer_id)
        ImportBatch.objects.filter(source=source).update(organizer_id=organizer_id)


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0003_hotline_org_sources"),
    ]

    operations = [
        migrations.RunPython(assign_organizers, migrations.RunPython.noop),
    ]
