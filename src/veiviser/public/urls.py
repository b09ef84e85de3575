from django.urls import path

from veiviser.public import views

app_name = "public"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("<str:county>/", views.contact_view, name="contact"),
    path("<str:county>/takk/", views.thanks_view, name="thanks"),
]
