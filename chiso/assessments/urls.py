from django.urls import path

from . import views_entry

urlpatterns: list = [
    # self-assessment and appraisal (views_entry)
    path("danh-gia/tu-danh-gia/", views_entry.my_assessments, name="my_assessments"),
    path("danh-gia/<int:pk>/tu-danh-gia/<str:code>/", views_entry.selfassess_form,
         name="selfassess_form"),
    path("danh-gia/<int:pk>/tu-danh-gia/<str:code>/tp/<int:node_pk>/",
         views_entry.selfassess_save, name="selfassess_save"),
    path("danh-gia/<int:pk>/tu-danh-gia/<str:code>/tp/<int:node_pk>/minh-chung/",
         views_entry.selfassess_evidence, name="selfassess_evidence"),
    path("danh-gia/<int:pk>/tu-danh-gia/<str:code>/mo-lai/", views_entry.selfassess_reopen,
         name="selfassess_reopen"),
    path("danh-gia/<int:pk>/tu-danh-gia/<str:code>/<slug:action>/",
         views_entry.selfassess_transition, name="selfassess_transition"),
    path("danh-gia/<int:pk>/tham-dinh/", views_entry.appraisal_list, name="appraisal_list"),
    path("danh-gia/<int:pk>/tham-dinh/<str:code>/", views_entry.appraisal_unit,
         name="appraisal_unit"),
    path("danh-gia/<int:pk>/tham-dinh/<str:code>/tp/<int:node_pk>/", views_entry.appraisal_save,
         name="appraisal_save"),
]
