from django.urls import path

from . import intake_views

urlpatterns = [
    path("don-vi/<str:code>/so-lieu/tai-len/", intake_views.upload, name="values_upload"),
    path("don-vi/<str:code>/so-lieu/nhap-tep/viec/<int:pk>/", intake_views.import_job,
         name="import_job"),
    path("don-vi/<str:code>/so-lieu/nhap-tep/viec/<int:pk>/tinh-trang/",
         intake_views.import_job_status, name="import_job_status"),
    path("don-vi/<str:code>/so-lieu/xuat.<str:fmt>", intake_views.export_values,
         name="values_export"),
    path("don-vi/<str:code>/so-lieu/mau-<str:period>.xlsx", intake_views.template,
         name="values_template"),
]
