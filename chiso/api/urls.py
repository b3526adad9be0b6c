from django.urls import path

from . import views

urlpatterns = [
    path("tai-khoan/khoa-api/", views.tokens, name="api_tokens"),
    path("tai-khoan/khoa-api/<int:pk>/thu-hoi/", views.token_revoke, name="api_token_revoke"),
]
