"""/reception/: book a 委员接待日 slot, its receipt, the cancel link, and the list of 社情民意联系点."""

from django.urls import path

from . import reception_views as views

urlpatterns = [
    path("points/", views.contact_points, name="contact_points"),
    path("cancel/<str:token>/", views.reception_cancel, name="reception_cancel"),
    path("receipt/<str:number>/", views.reception_receipt, name="reception_receipt"),
    path("<str:day_id>/", views.reception_book, name="reception_book"),
]
