from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("bat-dau/", views.landing, name="landing"),
    path("don-vi/", views.unit_list, name="unit_list"),
    path("don-vi/<str:code>/", views.unit_detail, name="unit_detail"),
    path("thanh-vien/", views.members, name="members"),
    path("thanh-vien/<int:pk>/thu-hoi/", views.member_remove, name="member_remove"),
    path("lam-viec-voi/", views.switch_membership, name="switch_membership"),
    path("healthz", views.healthz, name="healthz"),
]
