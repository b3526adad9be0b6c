"""URLs of the assessments app, all under "danh-gia/". The self-assessment and appraisal
pages (views_entry) add theirs in their own block below."""

from django.urls import path

from . import views, views_entry, views_frameworks

app_name = "assessments"

urlpatterns = [
    # results
    path("danh-gia/", views.assessment_list, name="list"),
    path("danh-gia/don-vi/<str:code>/", views.unit_assessments, name="unit"),
    path("danh-gia/<int:pk>/xep-hang/", views.ranking, name="ranking"),
    path("danh-gia/<int:pk>/so-sanh/", views.compare, name="compare"),
    path("danh-gia/<int:pk>/cong-bo/", views.publish, name="publish"),
    path("danh-gia/<int:pk>/tinh-lai/", views.recompute, name="recompute"),
    path("danh-gia/<int:pk>/don-vi/<str:code>/", views.scorecard, name="scorecard"),
    path("danh-gia/<int:pk>/don-vi/<str:code>/giai-thich/<str:node_code>/", views.explain,
         name="explain"),
    path("danh-gia/<int:pk>/don-vi/<str:code>/khoang-cach/", views.gap, name="gap"),
    path("danh-gia/<int:pk>/don-vi/<str:code>/de-xuat-nhiem-vu/", views.make_task,
         name="make_task"),
    # frameworks
    path("danh-gia/bo-chi-so/", views_frameworks.framework_list, name="framework_list"),
    path("danh-gia/bo-chi-so/nhap/", views_frameworks.framework_import, name="framework_import"),
    path("danh-gia/bo-chi-so/<int:pk>/", views_frameworks.framework_detail,
         name="framework_detail"),
    path("danh-gia/bo-chi-so/<int:pk>/tai-ve.<str:fmt>", views_frameworks.framework_export,
         name="framework_export"),
    path("danh-gia/bo-chi-so/<int:pk>/sao-chep/", views_frameworks.framework_clone,
         name="framework_clone"),
]

# self-assessment and appraisal (views_entry)
urlpatterns += [
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

# Evidence files: the metrics app's address, taken first (this urlconf is included before
# metrics' in chiso/urls.py) so that the evidence of a component entry is served only to
# those who may read that component (views_entry.evidence_download; tested).
urlpatterns += [
    path("minh-chung/<int:pk>/tai-ve/", views_entry.evidence_download, name="evidence_download"),
]
