from django.urls import path

from . import views

urlpatterns = [
    path("chi-tieu/", views.metric_list, name="metric_list"),
    path("chi-tieu/nhap/", views.catalogue_import, name="catalogue_import"),
    path("chi-tieu/xuat.<str:fmt>", views.catalogue_export, name="catalogue_export"),
    path("chi-tieu/<str:code>/", views.metric_detail, name="metric_detail"),
    path("don-vi/<str:code>/so-lieu/", views.unit_values, name="unit_values"),
    path("so-lieu/<int:pk>/lich-su/", views.value_history, name="value_history"),
    path("so-lieu/<int:pk>/minh-chung/", views.evidence_add, name="evidence_add"),
    path("minh-chung/<int:pk>/tai-ve/", views.evidence_download, name="evidence_download"),
]
