from django.contrib import admin
from django.urls import include, path

from veiviser.api.api import api
from veiviser.web.auth import admin_login_view, auth_urlpatterns

admin.site.site_header = "Veiviser"
admin.site.site_title = "Veiviser"

urlpatterns = [
    path("", include("veiviser.web.urls")),
    path("", include(auth_urlpatterns)),
    # The admin's own login would bypass the lockout and the audit: Veiviser's login instead.
    path("admin/login/", admin_login_view),
    path("admin/", admin.site.urls),
    # The public pages (no staff login) and the language switch they offer.
    path("kontakt/", include("veiviser.public.urls")),
    path("min-side/", include("veiviser.public.minside_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
