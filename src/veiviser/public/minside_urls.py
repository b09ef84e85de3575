from django.urls import path

from veiviser.public import minside_views as views

app_name = "minside"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("logg-inn/", views.oidc_login_view, name="login"),
    path("logg-inn/svar/", views.oidc_callback_view, name="callback"),
    path("test-innlogging/", views.test_login_view, name="test-login"),
    path("logg-ut/", views.logout_view, name="logout"),
    path("brev/<int:pk>/", views.letter_view, name="letter"),
    path("avtale/<int:pk>/kalender/", views.appointment_ics_view, name="appointment-ics"),
    path("samtykke/", views.consent_give_view, name="consent-give"),
    path("samtykke/<int:pk>/trekk/", views.consent_withdraw_view, name="consent-withdraw"),
]
