"""The public contact page: no login, phone first, a short form, a neutral answer.

Personal data travels only in the POST body: the confirmation is a redirect to a page that is the
same for everyone (POST-redirect-GET), so nothing about the youth reaches a URL, a log line or the
browser history, and the answer never tells whether OT already knows the youth.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from veiviser.organisation.models import County
from veiviser.problems import ValidationFailed
from veiviser.public import ratelimit, selectors, services
from veiviser.public.forms import HONEYPOT, ContactForm
from veiviser.web.forms import add_problems


def _county(number: str) -> County:
    return get_object_or_404(selectors.public_counties(), number=number)


def index_view(request):
    counties = list(selectors.public_counties())
    if len(counties) == 1:
        return redirect("public:contact", counties[0].number)
    return render(request, "public/index.html", {"counties": counties})


def _refused(request, county, status: int, heading: str, text: str):
    return render(
        request,
        "public/refused.html",
        {"county": county, "heading": heading, "text": text},
        status=status,
    )


@never_cache
def contact_view(request, county: str):
    county_obj = _county(county)
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.PUBLIC_MAX_BODY_BYTES:
            return _refused(
                request,
                county_obj,
                413,
                _("The request is too large"),
                _("Please shorten the text and try again."),
            )
        if not ratelimit.allow(request):
            return _refused(
                request,
                county_obj,
                429,
                _("Too many requests"),
                _(
                    "We have received many requests from your network. Please wait a while and try again, or call us."
                ),
            )
        if request.POST.get(HONEYPOT):
            # A bot: the same answer as everyone gets, and nothing stored.
            return redirect("public:thanks", county_obj.number)
        form = ContactForm(request.POST, county=county_obj)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop(HONEYPOT, None)
            try:
                services.referral_receive(
                    actor=None, county=county_obj, language=get_language() or "", **data
                )
            except ValidationFailed as failed:
                add_problems(form, failed)
            else:
                return redirect("public:thanks", county_obj.number)
        status = 400
    else:
        form = ContactForm(county=county_obj)
        status = 200
    context = {
        "county": county_obj,
        "form": form,
        "contacts": selectors.contact_points(county_obj),
    }
    return render(request, "public/contact.html", context, status=status)


def thanks_view(request, county: str):
    return render(request, "public/thanks.html", {"county": _county(county)})
