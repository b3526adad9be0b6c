from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from chiso.api.api import api

urlpatterns = [
    path("tai-khoan/dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True),
         name="login"),
    path("tai-khoan/dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("tai-khoan/doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("chiso.api.urls")),
    path("", include("chiso.metrics.intake_urls")),
    path("", include("chiso.dashboards.urls")),
    path("", include("chiso.assessments.urls")),
    path("", include("chiso.plans.urls")),
    path("", include("chiso.rounds.urls")),
    path("", include("chiso.metrics.urls")),
    path("", include("chiso.orgs.urls")),
]

admin.site.site_header = "chiso – quản trị hệ thống"
admin.site.site_title = "chiso"
