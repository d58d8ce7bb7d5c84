from django.urls import path

from . import views

urlpatterns = [
    path("", views.forms_home, name="forms_home"),
    path("five-ones/", views.FiveOnesWizard.as_view(), name="five_ones_wizard"),
    path("five-ones/<int:pk>/", views.five_ones_detail, name="five_ones_detail"),
    path("five-ones/<int:pk>/pdf/", views.five_ones_pdf, name="five_ones_pdf"),
    path("five-ones/<int:pk>/attendance/", views.five_ones_attendance, name="five_ones_attendance"),
]
