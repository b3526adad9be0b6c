from django.urls import path, re_path

from . import views

urlpatterns = [
    path("tai-khoan/khoa-api/", views.tokens, name="api_tokens"),
    path("tai-khoan/khoa-api/<int:pk>/thu-hoi/", views.token_revoke, name="api_token_revoke"),
    # The API lives under /api/v1/ (chiso/urls.py); the first clients were given /api/…,
    # which keeps working through a permanent redirect that keeps the method and body.
    re_path(r"^api/(?!v1/)(?P<rest>.*)$", views.unversioned, name="api_unversioned"),
]
