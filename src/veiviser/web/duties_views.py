"""The duties dashboard (/plikter/): every open duty the user is responsible for, overdue first.

An advisor sees their own caseload, a unit coordinator the unit, the county leader and the office
the county: always inside the access policy's VIEW (`duties.selectors.dashboard_registrations`).
The duties are computed by the pure engine from batched facts (docs/duties.md).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veiviser import policy
from veiviser.codes.selectors import kodeverk, school_year_label
from veiviser.duties import engine
from veiviser.duties.models import KIND_LABELS, STATE_LABELS
from veiviser.duties.selectors import dashboard_registrations, open_duties, summary_by_advisor
from veiviser.organisation.models import Role, Unit, User
from veiviser.registry.selectors import school_years_for

PAGE_SIZE = 50
OVERDUE = "overdue"


class DutiesForm(forms.Form):
    school_year = forms.TypedChoiceField(label=_("School year"), coerce=int, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    advisor = forms.ModelChoiceField(
        label=_("Advisor"), queryset=User.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=_("Duty"), required=False)
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("All open duties")), (OVERDUE, _("Only overdue duties"))],
    )

    def __init__(self, *args, user, years: list[int], **kw):
        super().__init__(*args, **kw)
        self.fields["school_year"].choices = [(y, school_year_label(y)) for y in years]
        self.fields["kind"].choices = [("", _("All")), *KIND_LABELS.items()]
        kind = policy.scope(user, policy.VIEW)
        units = Unit.objects.filter(county_id=user.county_id)
        staff = User.objects.filter(
            county_id=user.county_id, is_active=True, api_client__isnull=True
        ).filter(role__in=[Role.ADVISOR, Role.UNIT_COORDINATOR, Role.PROJECT_WORKER])
        if kind == policy.COUNTY:
            self.fields["unit"].queryset = units
            self.fields["advisor"].queryset = staff.order_by("first_name", "last_name")
        elif kind == policy.UNIT and user.role == Role.UNIT_COORDINATOR:
            del self.fields["unit"]
            self.fields["advisor"].queryset = staff.filter(unit_id=user.unit_id).order_by(
                "first_name", "last_name"
            )
        else:  # an advisor or a project worker: their own caseload only
            del self.fields["unit"]
            del self.fields["advisor"]
        if "advisor" in self.fields:
            self.fields["advisor"].label_from_instance = lambda u: (
                u.get_full_name() or u.get_username()
            )


def _years(user) -> list[int]:
    return school_years_for(user, today=timezone.localdate())


@login_required
def duties_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if policy.scope(user, policy.VIEW) == policy.NOTHING:
        raise PermissionDenied
    years = _years(user)
    form = DutiesForm(request.GET or None, user=user, years=years)
    data = form.cleaned_data if form.is_valid() else {}
    school_year = data.get("school_year") or years[0]
    today = timezone.localdate()
    registrations = dashboard_registrations(
        user,
        school_year=school_year,
        unit_id=data["unit"].pk if data.get("unit") else None,
        advisor_id=data["advisor"].pk if data.get("advisor") else None,
    )
    rows = open_duties(kodeverk(), registrations, on=today)
    summary = summary_by_advisor(rows) if user.role != Role.ADVISOR else []
    if data.get("kind"):
        rows = [r for r in rows if r.duty.kind == data["kind"]]
    if data.get("state") == OVERDUE:
        rows = [r for r in rows if r.duty.state == engine.State.OVERDUE]
    overdue = sum(1 for r in rows if r.duty.state == engine.State.OVERDUE)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    lines = [
        {
            "registration": r.registration,
            "kind": KIND_LABELS[r.duty.kind],
            "due": r.duty.due,
            "overdue": r.duty.state == engine.State.OVERDUE,
            "state": STATE_LABELS[r.duty.state],
            "days_late": (today - r.duty.due).days,
        }
        for r in page.object_list
    ]
    return render(
        request,
        "web/duties.html",
        {
            "form": form,
            "page_obj": page,
            "lines": lines,
            "summary": summary,
            "overdue_count": overdue,
            "school_year": school_year,
            "today": today,
            "own_caseload": user.role in (Role.ADVISOR, Role.PROJECT_WORKER),
        },
    )
