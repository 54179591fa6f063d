"""pg_trgm for the public search's similarity ranking (rectification/search.py). Nothing
happens on SQLite: the extension operation runs only on PostgreSQL."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rectification", "0001_initial")]

    operations = [TrigramExtension()]
