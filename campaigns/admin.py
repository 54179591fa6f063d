from django.contrib import admin

from .models import Batch, Campaign, EvaluatedDepartment


class BatchInline(admin.TabularInline):
    model = Batch
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "organizer", "evaluation_start", "evaluation_end")
    list_filter = ("organizer", "year")
    inlines = [BatchInline]


class EvaluatedInline(admin.TabularInline):
    model = EvaluatedDepartment
    extra = 0
    autocomplete_fields = ("department",)
    exclude = ("campaign",)


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ("__str__", "vote_date", "hearing_date")
    list_filter = ("campaign",)
    list_select_related = ("campaign",)
    inlines = [EvaluatedInline]

    def save_formset(self, request, form, formset, change):
        # The campaign column exists only so the database can guard "once per campaign";
        # it always follows the batch.
        for obj in formset.save(commit=False):
            obj.campaign_id = form.instance.campaign_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
