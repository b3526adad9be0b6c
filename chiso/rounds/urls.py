from django.urls import path

from . import views, views_recipients

urlpatterns = [
    path("hop-thu/", views.inbox_view, name="inbox"),
    path("ky-bao-cao/", views.round_list, name="round_list"),
    path("ky-bao-cao/tao-moi/", views.round_create, name="round_create"),
    path("ky-bao-cao/chap-nhan-hang-loat/", views.bulk_accept, name="bulk_accept"),
    path("ky-bao-cao/<int:pk>/", views.round_detail, name="round_detail"),
    path("ky-bao-cao/<int:pk>/nhac-nho/", views.round_remind, name="round_remind"),
    path("ky-bao-cao/<int:pk>/phan-cong/", views.round_assign, name="round_assign"),
    path("ky-bao-cao/<int:pk>/khoa/", views.round_lock, name="round_lock"),
    path("ky-bao-cao/<int:pk>/sua/", views.round_edit, name="round_edit"),
    path("ky-bao-cao/<int:pk>/don-vi-nhan/", views_recipients.recipients,
         name="round_recipients"),
    path("ky-bao-cao/<int:pk>/don-vi-nhan/bo/", views_recipients.remove,
         name="round_recipients_remove"),
    path("ky-bao-cao/<int:pk>/don-vi-nhan/<str:code>/them-lai/", views_recipients.restore,
         name="round_recipients_restore"),
    path("ky-bao-cao/<int:pk>/don-vi/<str:code>/", views.submission_form, name="submission_form"),
    path("ky-bao-cao/<int:pk>/don-vi/<str:code>/o/<int:item_pk>/", views.save_field,
         name="save_field"),
    path("ky-bao-cao/<int:pk>/don-vi/<str:code>/o/<int:item_pk>/hieu-chinh/",
         views.correct_value, name="correct_value"),
    path("ky-bao-cao/<int:pk>/don-vi/<str:code>/o/<int:item_pk>/minh-chung/",
         views.upload_evidence, name="upload_evidence"),
    path("ky-bao-cao/<int:pk>/don-vi/<str:code>/mo-lai/", views.reopen, name="reopen"),
    path("ky-bao-cao/<int:pk>/don-vi/<str:code>/<slug:action>/", views.transition,
         name="transition"),
]
