from django.urls import path

from . import views

app_name = "notifications"

MINE = "workspace/notifications/"
STAFF = "staff/notifications/"

urlpatterns = [
    path(MINE, views.message_list, name="messages"),
    path(f"{MINE}<int:pk>/read/", views.message_read, name="message-read"),
    path(f"{MINE}read-all/", views.messages_read_all, name="messages-read-all"),
    path(f"{MINE}preferences/", views.preferences, name="preferences"),
    path(f"{STAFF}robots/", views.robots, name="robots"),
    path(f"{STAFF}robots/<int:pk>/", views.robots, name="robot"),
    path(f"{STAFF}robots/<int:pk>/delete/", views.robot_delete, name="robot-delete"),
    path(f"{STAFF}log/", views.delivery_log, name="log"),
]
