"""The front end of the registry, under /results/: 我的履职成果 and the registration wizard."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_results, name="my_results"),
    path("new/", views.ResultWizard.as_view(), name="my_result_new"),
    path("<int:pk>/", views.result_detail, name="my_result"),
    path("<int:pk>/edit/", views.ResultWizard.as_view(), name="my_result_edit"),
    path("<int:pk>/withdraw/", views.result_withdraw, name="my_result_withdraw"),
    path("<int:pk>/attachment/", views.result_attachment, name="my_result_attachment"),
]
