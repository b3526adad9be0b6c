from django.urls import path

from . import views, views_intake

urlpatterns: list = [
    # Plans, targets, tasks and their statuses (views.py).
    path("ke-hoach/", views.plan_list, name="plan_list"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("ke-hoach/chi-tieu/<int:pk>/", views.target_detail, name="target_detail"),
    path("ke-hoach/nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("ke-hoach/nhiem-vu/<int:pk>/cap-nhat/", views.task_update, name="task_update"),
    # Intake: to-do lists, who is silent, paste/upload, copy (views_intake.py).
    path("ke-hoach/viec-can-lam/", views_intake.my_inbox, name="plans_inbox"),
    path("ke-hoach/don-vi/<str:code>/viec-can-lam/", views_intake.unit_inbox,
         name="plans_unit_inbox"),
    path("ke-hoach/chua-cap-nhat/", views_intake.silent, name="plans_silent"),
    path("ke-hoach/tao-moi/", views_intake.plan_create, name="plans_create"),
    path("ke-hoach/<int:pk>/dan-bang/", views_intake.paste_table, name="plans_paste"),
    path("ke-hoach/<int:pk>/mau-excel/", views_intake.template_download, name="plans_template"),
    path("ke-hoach/<int:pk>/tai-len/", views_intake.template_upload, name="plans_upload"),
    path("ke-hoach/<int:pk>/sao-chep/", views_intake.plan_copy, name="plans_copy"),
]
