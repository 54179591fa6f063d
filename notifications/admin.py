"""Notifications in the admin: view only. Robots are configured on the staff page, people
set their own preferences; deliveries are a log. Robots and the log are scoped to the
committee (organizer); messages and preferences are personal: admins only."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import ContactOptIn, Delivery, Message, Preference, QuietHours, Robot


@admin.register(Robot)
class RobotAdmin(ReadOnlyAdmin):
    organizer_field = "organizer"
    list_display = ["name", "platform", "organizer", "department", "is_active"]
    list_filter = ["platform", "is_active"]
    exclude = ["url", "secret"]  # the webhook key and the signing secret are not shown


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    organizer_field = "organizer"
    list_display = ["title", "channel", "recipient_key", "state", "attempts", "created_at"]
    list_filter = ["channel", "state"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "event", "channels", "digest"]


@admin.register(QuietHours)
class QuietHoursAdmin(ReadOnlyAdmin):
    list_display = ["user", "start", "end"]


@admin.register(ContactOptIn)
class ContactOptInAdmin(ReadOnlyAdmin):
    """Admins only (no organizer scope); the citizen's phone number or email is not shown."""

    list_display = ["kind", "object_id", "channel", "created_at"]
    exclude = ["address"]
