"""A member's own 履职心语, under /my/reflections/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_reflections, name="my_reflections"),
    path("<int:pk>/edit/", views.reflection_edit, name="reflection_edit"),
    path("<int:pk>/withdraw/", views.reflection_withdraw, name="reflection_withdraw"),
    path("<int:pk>/image/", views.reflection_image, name="reflection_image"),
]
