from django.urls import path

from . import views_intake

urlpatterns: list = [
    # Intake: to-do lists, who is silent, paste/upload, copy (views_intake.py).
    path("ke-hoach/viec-can-lam/", views_intake.my_inbox, name="plans_inbox"),
    path("ke-hoach/don-vi/<str:code>/viec-can-lam/", views_intake.unit_inbox,
         name="plans_unit_inbox"),
    path("ke-hoach/chua-cap-nhat/", views_intake.silent, name="plans_silent"),
]
