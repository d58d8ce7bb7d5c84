"""The member's 三联系 on the front end, under /forms/contacts/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.contacts_home, name="contacts_home"),
    path("<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/delete/", views.contact_delete, name="contact_delete"),
]
