from django.urls import path

from . import public, stream, views

urlpatterns = [
    path("tong-quan/", views.leader, name="dashboard"),
    path("tong-quan/o/<slug:name>/", views.leader_panel, name="dashboard_panel"),
    path("bang-dieu-khien/su-kien/", stream.feed, name="dashboard_feed"),
    path("don-vi/<str:code>/bang-dieu-khien/", views.unit_dashboard, name="unit_dashboard"),
    path("don-vi/<str:code>/bang-dieu-khien/o/<slug:name>/", views.unit_dashboard_panel,
         name="unit_dashboard_panel"),
    path("cong-khai/<str:code>/", public.dashboard, name="public_dashboard"),
    path("cong-khai/<str:code>/du-lieu.<str:fmt>", public.download, name="public_data"),
    path("cong-khai/<str:code>/su-kien/", stream.public_feed, name="public_feed"),
]
