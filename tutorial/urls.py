from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cluster.kubeapi import urls as kubeapi_urls
from tutorial import views
from tutorial.auth import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm

admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("lessons/<slug:slug>/", views.lesson_page, name="lesson"),
    path("lessons/<slug:slug>/start-over/", views.start_over, name="lesson-start-over"),
    path("lessons/<slug:slug>/preview/", views.lesson_preview, name="lesson-preview"),
    path("class/", views.classroom, name="classroom"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
         name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("k8s/", include("cluster.kubeapi.urls")),
    path("", include(kubeapi_urls.root_patterns)),
]
