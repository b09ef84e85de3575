"""The staff web app: thin views over the selectors, services and the access policy."""

from datetime import date, timedelta
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.casework import services as casework
from veiviser.casework.models import Appointment, Consent, Note, WorkingList
from veiviser.casework.selectors import working_lists_for
from veiviser.codes.selectors import kodeverk, school_year_of
from veiviser.duties import selectors as duty_selectors
from veiviser.organisation.models import Role
from veiviser.people import services as people
from veiviser.people.models import Person
from veiviser.problems import ValidationFailed
from veiviser.registry import rules
from veiviser.registry import services as registry
from veiviser.registry.models import ReasonFact, Registration, StatusFact
from veiviser.registry.selectors import (
    WorklistFilter,
    registration_state,
    registrations_for,
    school_years_for,
    worklist,
)
from veiviser.web import forms
from veiviser.web.lazy_forms import FormSlot, form_slot, show_with_errors, slot_of
from veiviser.web.rows import row_names, url_for_each

PAGE_SIZE = 50


def _current_school_year() -> int:
    return school_year_of(timezone.localdate())


def _years(user) -> list[int]:
    return school_years_for(user, today=timezone.localdate())


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("web:worklist")


# What the lists show of a registration, its youth, unit and advisor, and what the duties need
# (`duty_selectors.next_duties`): a page of 50 rows does not load and convert every column of
# four tables (the timestamps are parsed in Python). The query counts of the worklist are
# pinned (tests/web/test_views.py, tests/scale/test_query_counts.py): a column the templates
# read but is left out here would show as a query per row.
LIST_FIELDS = (
    "county",
    "school_year",
    "registered_on",
    "person__given_name",
    "person__family_name",
    "person__fnr",
    "person__birth_date",
    "unit__name",
    "advisor__first_name",
    "advisor__last_name",
    "advisor__username",
)


def _transfer_form(**kwargs):
    # Imported here: quality_views imports the statistics views, which import this module.
    from veiviser.web.quality_views import TransferSendForm

    return TransferSendForm(**kwargs)


def _worklist_page(request, *, mine: bool, unassigned: bool = False, template: str):
    user = request.user
    kv = kodeverk()
    groups = kv.main_group_names
    years = _years(user)
    form = forms.WorklistFilterForm(request.GET or None, user=user, years=years, groups=groups)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    f = WorklistFilter(
        school_year=data.get("school_year") or years[0],
        mine=mine,
        unassigned=unassigned,
        unit_id=data["unit"].pk if data.get("unit") else None,
        main_group=data.get("group") or None,
        reason=data.get("reason") or "",
        search=data.get("q") or "",
        min_age=data.get("min_age"),
        max_age=data.get("max_age"),
        no_contact_days=data.get("no_contact_days"),
        registered_within_days=data.get("new_days"),
    )
    page = Paginator(worklist(user, kv, f, today=today).only(*LIST_FIELDS), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    group_names = dict(groups)
    reason_names = dict(kv.reason_group_names)
    next_duties = duty_selectors.next_duties(kv, page.object_list, on=today)
    youth_url = url_for_each("web:youth")
    rows = []
    for registration in page.object_list:
        group = kv.status_main_group(registration.status_now, registration.school_year)
        rows.append(
            {
                "registration": registration,
                "person": registration.person,
                "age": rules.age_at(today, registration.person.birth_date),
                "status": registration.status_now,
                "group": group,
                "group_name": group_names.get(group, ""),
                "reason_name": reason_names.get(registration.reason_now, registration.reason_now),
                "days_registered": (today - registration.registered_on).days,
                **row_names(registration, youth_url, today),
                "next_duty": duty_selectors.described(next_duties.get(registration.pk)),
                "next_appointment": registration.next_appointment_at,
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "page_obj": page,
        "rows": rows,
        "querystring": query.urlencode(),
        "school_year": f.school_year,
    }


@login_required
def worklist_view(request: HttpRequest) -> HttpResponse:
    """ "Mine ungdommer": the advisor's caseload; `?alle=1` shows every youth the user may see."""
    everyone = request.GET.get("alle") == "1" or request.user.role in (
        Role.COUNTY_LEADER,
        Role.OFFICE,
    )
    context = _worklist_page(request, mine=not everyone, template="web/worklist.html")
    context["everyone"] = everyone
    context["working_lists"] = working_lists_for(request.user)
    context["save_form"] = forms.WorkingListForm(initial={"query": request.GET.urlencode()})
    return render(request, "web/worklist.html", context)


@login_required
@require_POST
def working_list_save_view(request: HttpRequest) -> HttpResponse:
    form = forms.WorkingListForm(request.POST)
    if form.is_valid():
        try:
            saved = casework.working_list_save(actor=request.user, **form.cleaned_data)
        except ValidationFailed as failed:
            messages.error(request, " ".join(p.reason for p in failed.problems))
        else:
            messages.success(
                request, _("The working list “%(name)s” was saved.") % {"name": saved.name}
            )
            return redirect(f"{reverse('web:worklist')}?{saved.query}")
    else:
        messages.error(request, _("Give the working list a name."))
    return redirect(f"{reverse('web:worklist')}?{form.data.get('query', '')}")


@login_required
@require_POST
def working_list_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    working_list = get_object_or_404(WorkingList, pk=pk, owner=request.user)
    casework.working_list_delete(actor=request.user, working_list=working_list)
    messages.success(request, _("The working list was deleted."))
    return redirect("web:worklist")


@login_required
def coordinator_view(request: HttpRequest) -> HttpResponse:
    """The unit coordinator's list of new, unassigned registrations, with assignment."""
    user = request.user
    if policy.scope(user, policy.ASSIGN) == policy.NOTHING:
        raise PermissionDenied
    context = _worklist_page(request, mine=False, unassigned=True, template="web/coordinator.html")
    choices = [(row["registration"].pk, str(row["person"])) for row in context["rows"]]
    assign_form = forms.BulkAssignForm(
        request.POST or None,
        choices=choices,
        county_id=user.county_id,
        unit_id=user.unit_id if policy.scope(user, policy.ASSIGN) == policy.UNIT else None,
    )
    if request.method == "POST" and assign_form.is_valid():
        advisor = assign_form.cleaned_data["advisor"]
        chosen = registrations_for(user, policy.ASSIGN).filter(
            pk__in=assign_form.cleaned_data["registrations"]
        )
        with transaction.atomic():
            count = sum(
                registry.registration_assign(actor=user, registration=r, advisor=advisor)
                for r in chosen
            )
        messages.success(
            request,
            ngettext(
                "%(count)d youth assigned to %(name)s.",
                "%(count)d youths assigned to %(name)s.",
                count,
            )
            % {"count": count, "name": advisor.get_full_name() or advisor.username},
        )
        return redirect(request.get_full_path())
    context["assign_form"] = assign_form
    return render(request, "web/coordinator.html", context)


def _plan_form(registration, data=None):
    plan = getattr(registration, "plan", None)
    initial = (
        {
            "goals": plan.goals,
            "steps": plan.steps,
            "agreed_on": plan.agreed_on,
            "review_on": plan.review_on,
        }
        if plan
        else {"agreed_on": timezone.localdate()}
    )
    return forms.PlanForm(data, prefix=f"l{registration.pk}", initial=initial)


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _registration_slots(registration, *, can_change, can_assign, can_confidential) -> dict:
    """The forms of a registration's own section of the youth page, as FormSlots: each
    for those who may change the registration, reassigning for those who may also assign,
    moving to another unit for those who may assign (None where the user may not)."""
    pk = registration.pk
    made = {
        "contact_form": ("contact", f"c{pk}", partial(forms.ContactForm, prefix=f"c{pk}")),
        "status_form": (
            "status",
            f"s{pk}",
            partial(forms.StatusForm, prefix=f"s{pk}", school_year=registration.school_year),
        ),
        "reason_form": ("reason", f"r{pk}", partial(forms.ReasonForm, prefix=f"r{pk}")),
        "assign_form": (
            "assign",
            f"a{pk}",
            partial(
                forms.AssignForm,
                prefix=f"a{pk}",
                county_id=registration.county_id,
                unit_id=registration.unit_id,
                initial={"advisor": registration.advisor_id},
            ),
        ),
        "move_unit_form": (
            "move-unit",
            f"u{pk}",
            partial(
                forms.MoveUnitForm,
                prefix=f"u{pk}",
                county_id=registration.county_id,
                current_unit_id=registration.unit_id,
            ),
        ),
        "note_form": (
            "note",
            f"n{pk}",
            partial(forms.NoteForm, prefix=f"n{pk}", confidential_allowed=can_confidential),
        ),
        "partner_form": ("partner", f"p{pk}", partial(forms.PartnerForm, prefix=f"p{pk}")),
        "consent_form": ("consent", f"k{pk}", partial(forms.ConsentForm, prefix=f"k{pk}")),
        "plan_form": ("plan", f"l{pk}", partial(_plan_form, registration)),
        # The transfer form has no prefix of its own: `?endre=transfer-<pk>` opens it.
        "transfer_form": (
            "transfer",
            f"transfer-{pk}",
            partial(_transfer_form, own=registration.county.number),
        ),
    }
    allowed = {"assign_form": can_change and can_assign, "move_unit_form": can_assign}
    return {
        name: form_slot(kind, pk, prefix, make, r=registration)
        if allowed.get(name, can_change)
        else None
        for name, (kind, prefix, make) in made.items()
    }


def _youth_context(request, person: Person) -> dict:
    """The youth page's context: the person and, for each registration the user may view
    (newest first), its facts, history and casework, with the forms the user may use as
    FormSlots (web/lazy_forms.py), made only when rendered. A constant number of queries
    whatever the number of registrations; the user's rights on them come with the rows
    (`policy.annotate_rights`)."""
    user = request.user
    kv = kodeverk()
    today = timezone.localdate()
    registrations = policy.annotate_rights(
        registrations_for(user)
        .filter(person=person)
        .select_related("unit", "advisor", "recorded_by", "person", "plan", "county")
        .prefetch_related(
            # Who recorded a fact or wrote a note comes with it: one query each, not two.
            Prefetch("reason_facts", ReasonFact.objects.select_related("recorded_by")),
            Prefetch("status_facts", StatusFact.objects.select_related("recorded_by")),
            "contacts",
            Prefetch("notes", Note.objects.select_related("created_by")),
            "partners",
            "consents",
            Prefetch("appointments", queryset=Appointment.objects.select_related("advisor")),
            "received_transfers",
            "sent_transfers",
        )
        .order_by("-school_year"),
        user,
        policy.CHANGE,
        policy.CONFIDENTIAL,
        policy.ASSIGN,
    )
    group_names = dict(kv.main_group_names)
    reason_names = dict(kv.reason_group_names)
    years = {r.school_year for r in registrations}
    entries = []
    for registration in registrations:
        facts = sorted(registration.status_facts.all(), key=lambda f: (f.valid_from, f.recorded_at))
        latest_at = {}
        for fact in facts:
            latest_at[fact.valid_from] = fact.recorded_at
        timeline = [
            {
                "fact": fact,
                "group": kv.status_main_group(fact.code, registration.school_year),
                "corrected": fact.recorded_at < latest_at[fact.valid_from],
                "by": _name(fact.recorded_by),
            }
            for fact in reversed(facts)
        ]
        status = rules.value_at(
            [rules.TimedValue(f.valid_from, f.recorded_at, f.code) for f in facts],
            today,
            None,
            rules.DEFAULT_STATUS,
        )
        group = kv.status_main_group(status, registration.school_year)
        can_change = registration.may_change
        can_confidential = registration.may_confidential
        can_assign = registration.may_assign
        notes = [
            n
            for n in registration.notes.all()
            if not n.confidential or can_confidential or n.created_by_id == user.pk
        ]
        reason = rules.value_at(
            [
                rules.TimedValue(f.valid_from, f.recorded_at, f.reason)
                for f in registration.reason_facts.all()
            ],
            today,
            None,
            registration.reason,
        )
        year_end = registration_state(kv, registration, date(registration.school_year + 1, 7, 31))
        entries.append(
            {
                "registration": registration,
                "can_carry_over": can_change
                and year_end.in_target_group
                and registration.school_year + 1 not in years
                and today >= date(registration.school_year + 1, 6, 1),
                "reason_name": reason_names.get(reason, reason),
                "reason_names": reason_names,
                "status": status,
                "group": group,
                "group_name": group_names.get(group, ""),
                "timeline": timeline,
                "reasons": sorted(
                    registration.reason_facts.all(),
                    key=lambda f: (f.valid_from, f.recorded_at),
                    reverse=True,
                ),
                "contacts": list(registration.contacts.all()),
                "partners": list(registration.partners.all()),
                "consents": list(registration.consents.all()),
                "plan": getattr(registration, "plan", None),
                "notes": notes,
                "hidden_notes": len(registration.notes.all()) - len(notes),
                "received_transfers": list(registration.received_transfers.all()),
                "sent_transfers": list(registration.sent_transfers.all()),
                "can_change": can_change,
                "can_assign": can_assign,
                **_registration_slots(
                    registration,
                    can_change=can_change,
                    can_assign=can_assign,
                    can_confidential=can_confidential,
                ),
            }
        )
    context = {
        "person": person,
        "age": rules.age_at(today, person.birth_date),
        "minor": rules.age_at(today, person.birth_date) < 18,
        "guardians": list(person.guardians.all()),
        "entries": entries,
    }
    from veiviser.web.letters_views import letters_context

    letters_context(user, person, context)
    from veiviser.web.appointments_views import appointments_context

    appointments_context(user, person, context)
    from veiviser.web.measures_views import measures_context

    measures_context(user, person, context)
    from veiviser.web.programmes_views import programmes_context

    programmes_context(user, person, context)
    return context


GRANTS_KEY = "veiviser.access_reasons"


def _reason_grant(request, person: Person) -> dict | None:
    """The reason the user stated for `person` in this session, while it lasts (policy module:
    break the glass)."""
    grant = request.session.get(GRANTS_KEY, {}).get(str(person.pk))
    if grant is None or grant["until"] <= timezone.now().timestamp():
        return None
    return grant


def _needs_reason(request, person: Person) -> bool:
    return policy.needs_reason(request.user, person) and _reason_grant(request, person) is None


@login_required
def youth_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A youth's page. Outside the user's caseload (policy.needs_reason) the user states a
    reason first; the reason page shows nothing about the youth."""
    # The county comes along for the audit trail's entry.
    person = get_object_or_404(Person.objects.select_related("county"), pk=pk)
    user = request.user
    policy.require(user, policy.VIEW, person)
    if not policy.needs_reason(user, person):
        audit.log(user, "people.person.viewed", person)
        return render(request, "web/youth.html", _youth_page_context(request, person))
    grant = _reason_grant(request, person)
    if grant is None or request.method == "POST":
        form = forms.AccessReasonForm(request.POST if request.method == "POST" else None)
        if not form.is_valid():
            return render(
                request,
                "web/access_reason.html",
                {
                    "form": form,
                    "pk": person.pk,
                    "grant_hours": policy.REASON_GRANT_HOURS,
                    "endre": request.GET.get("endre", "")[:OPEN_FORM_MAX],
                },
                status=400 if form.errors else 200,
            )
        reason = form.cleaned_data["reason"]
        audit.log(user, "people.person.viewed", person, reason=reason, data={"reason_given": True})
        grants = {
            key: value
            for key, value in request.session.get(GRANTS_KEY, {}).items()
            if value["until"] > timezone.now().timestamp()
        }
        until = timezone.now() + timedelta(hours=policy.REASON_GRANT_HOURS)
        # `logged`: the opening right after the reason is already in the trail.
        grants[str(person.pk)] = {"until": until.timestamp(), "reason": reason, "logged": True}
        request.session[GRANTS_KEY] = grants
        page = reverse("web:youth", args=[person.pk])
        opened = request.GET.get("endre", "")[:OPEN_FORM_MAX]
        return redirect(f"{page}?{urlencode({'endre': opened})}" if opened else page)
    if grant.pop("logged", False):
        request.session.modified = True
    else:
        audit.log(user, "people.person.viewed", person, reason=grant["reason"])
    return render(request, "web/youth.html", _youth_page_context(request, person))


# `?endre=` names a form of the youth page: its prefix or its slot's key (web/lazy_forms.py).
OPEN_FORM_MAX = 40


def _youth_page_context(request, person: Person) -> dict:
    """The youth page's context; `?endre=<form prefix or slot key>` opens that form in place
    (a fix link from the data-quality check opens the form that fixes the finding, and a
    browser without JavaScript opens a form this way)."""
    context = _youth_context(request, person)
    context["open_form"] = request.GET.get("endre", "")[:OPEN_FORM_MAX]
    return context


@login_required
@require_GET
def youth_form_view(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One form of the youth page, fetched by htmx when the user opens it (web/lazy_forms.py).

    The same checks as the page: the user may view the youth, and outside their caseload has
    stated a reason that still holds (no reason is asked here: the page asks, 403 here). The
    form is made as the page makes it (`_youth_slot`), so only a form the page would show this
    user is given (404 otherwise). A request that is not htmx's is sent to the page with the form
    open. Audited as a reading of the youth's record, as the page is: some forms show it
    (the plan, the outcomes recorded)."""
    # The county comes along for the audit trail's entry.
    person = get_object_or_404(Person.objects.select_related("county"), pk=pk)
    user = request.user
    policy.require(user, policy.VIEW, person)
    grant = None
    if policy.needs_reason(user, person):
        grant = _reason_grant(request, person)
        if grant is None:
            raise PermissionDenied("state a reason on the youth's page first")
    slot = _youth_slot(request, person, key)
    if slot is None:
        raise Http404("no such form on this youth's page")
    if request.headers.get("HX-Request") != "true":
        page = reverse("web:youth", args=[person.pk])
        return redirect(f"{page}?{urlencode({'endre': key})}#{key}")
    audit.log(
        user,
        "people.person.viewed",
        person,
        reason=grant["reason"] if grant else "",
        data={"form": key},
    )
    response = render(request, slot.template, {"form": slot.form, "person": person, **slot.context})
    patch_vary_headers(response, ["HX-Request"])
    return response


# The forms of a registration's own section (`_registration_slots`): whether the page offers
# one, and how, depends only on that registration and the user's rights on it.
REGISTRATION_FORMS = frozenset(
    {
        "contact",
        "status",
        "reason",
        "assign",
        "move-unit",
        "note",
        "partner",
        "consent",
        "plan",
        "transfer",
    }
)


def _youth_slot(request, person: Person, key: str) -> FormSlot | None:
    """The youth page's form `key` as the page would make it for this user, or None. A form of
    a registration's own section comes from that registration alone, through the page's own
    `_registration_slots` with the same rights (a fraction of the page's queries); any other
    from the page's whole context."""
    kind, _, pk = key.rpartition("-")
    if kind not in REGISTRATION_FORMS or not pk.isdigit():
        return slot_of(_youth_context(request, person), key)
    user = request.user
    registration = policy.annotate_rights(
        registrations_for(user).filter(person=person, pk=int(pk)).select_related("plan", "county"),
        user,
        policy.CHANGE,
        policy.CONFIDENTIAL,
        policy.ASSIGN,
    ).first()
    if registration is None:
        return None
    slots = _registration_slots(
        registration,
        can_change=registration.may_change,
        can_assign=registration.may_assign,
        can_confidential=registration.may_confidential,
    )
    return next((s for s in slots.values() if s is not None and s.key == key), None)


def _registration_for_change(request, pk: int, action: str = policy.CHANGE) -> Registration:
    """The registration, if the user may do `action` to it (403 otherwise, before any input
    is read; the service checks again when it writes)."""
    registration = get_object_or_404(Registration.objects.select_related("person"), pk=pk)
    policy.require(request.user, action, registration)
    return registration


def _back(registration: Registration):
    return redirect("web:youth", pk=registration.person_id)


def _action(request, registration, form, act, done_message, *, key: str):
    """Run a youth-page action: on invalid input or refused rules, show the page again with
    the form's errors in place (in the slot `key`, open)."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationFailed as failed:
            forms.add_problems(form, failed)
        else:
            messages.success(request, done_message)
            return _back(registration)
    if _needs_reason(request, registration.person):
        # The page with the errors would show the youth: ask for the reason first.
        return _back(registration)
    context = _youth_context(request, registration.person)
    show_with_errors(context, key, form)
    return render(request, "web/youth.html", context, status=400)


@login_required
@require_POST
def contact_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration_for_change(request, pk)
    form = forms.ContactForm(request.POST, prefix=f"c{registration.pk}")

    def act(data):
        contact = casework.contact_record(actor=request.user, registration=registration, **data)
        status = rules.value_at(
            [
                rules.TimedValue(f.valid_from, f.recorded_at, f.code)
                for f in registration.status_facts.all()
            ],
            timezone.localdate(),
            None,
            rules.DEFAULT_STATUS,
        )
        if contact.establishes_contact and status == rules.DEFAULT_STATUS:
            messages.info(
                request,
                _(
                    "Contact is established: the status is still OTUK. Change it below "
                    "(usually to OTOV) with the date of this contact."
                ),
            )

    return _action(
        request,
        registration,
        form,
        act,
        _("The contact was recorded."),
        key=f"contact-{registration.pk}",
    )


@login_required
@require_POST
def note_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration_for_change(request, pk)
    form = forms.NoteForm(
        request.POST,
        prefix=f"n{registration.pk}",
        confidential_allowed=policy.can(request.user, policy.CONFIDENTIAL, registration),
    )

    def act(data):
        casework.note_add(actor=request.user, registration=registration, **data)

    return _action(
        request, registration, form, act, _("The note was saved."), key=f"note-{registration.pk}"
    )


@login_required
@require_POST
def partner_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration_for_change(request, pk)
    form = forms.PartnerForm(request.POST, prefix=f"p{registration.pk}")

    def act(data):
        casework.partner_add(actor=request.user, registration=registration, **data)

    return _action(
        request,
        registration,
        form,
        act,
        _("The partner was added."),
        key=f"partner-{registration.pk}",
    )


@login_required
@require_POST
def consent_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration_for_change(request, pk)
    form = forms.ConsentForm(request.POST, prefix=f"k{registration.pk}")

    def act(data):
        casework.consent_record(actor=request.user, registration=registration, **data)

    return _action(
        request,
        registration,
        form,
        act,
        _("The consent was recorded."),
        key=f"consent-{registration.pk}",
    )


@login_required
@require_POST
def consent_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.select_related("registration"), pk=pk)
    policy.require(request.user, policy.VIEW, consent.registration)
    casework.consent_withdraw(
        actor=request.user, consent=consent, withdrawn_on=timezone.localdate()
    )
    messages.success(request, _("The consent was withdrawn."))
    return _back(consent.registration)


@login_required
@require_POST
def plan_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration_for_change(request, pk)
    form = _plan_form(registration, request.POST)

    def act(data):
        casework.plan_save(actor=request.user, registration=registration, **data)

    return _action(
        request, registration, form, act, _("The plan was saved."), key=f"plan-{registration.pk}"
    )


def _person_action(request, pk: int, form_class, prefix: str, act, done: str):
    """Run an action on the person: refused before reading input without the right to change;
    invalid input or a refused rule comes back as a message on the youth page."""
    person = get_object_or_404(Person, pk=pk)
    policy.require(request.user, policy.CHANGE, person)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            act(person, form.cleaned_data)
        except ValidationFailed as failed:
            messages.error(request, " ".join(p.reason for p in failed.problems))
        else:
            messages.success(request, done)
    else:
        messages.error(
            request,
            " ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()),
        )
    return redirect("web:youth", pk=person.pk)


@login_required
@require_POST
def person_contact_view(request: HttpRequest, pk: int) -> HttpResponse:
    def act(person, data):
        people.person_update(actor=request.user, person=person, **data)

    return _person_action(
        request, pk, forms.PersonContactForm, "person", act, _("The contact details were saved.")
    )


@login_required
@require_POST
def guardian_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    def act(person, data):
        people.guardian_add(actor=request.user, person=person, **data)

    return _person_action(
        request, pk, forms.GuardianForm, "guardian", act, _("The guardian was added.")
    )


@login_required
@require_POST
def carry_over_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration_for_change(request, pk)
    try:
        registry.registration_carry_over(actor=request.user, registration=registration)
    except ValidationFailed as failed:
        messages.error(request, " ".join(p.reason for p in failed.problems))
    else:
        messages.success(request, _("The youth was carried over to the next school year."))
    return _back(registration)


@login_required
@require_POST
def status_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration_for_change(request, pk)
    form = forms.StatusForm(
        request.POST, prefix=f"s{registration.pk}", school_year=registration.school_year
    )

    def act(data):
        registry.status_record(actor=request.user, registration=registration, **data)

    return _action(
        request,
        registration,
        form,
        act,
        _("The status was recorded."),
        key=f"status-{registration.pk}",
    )


@login_required
@require_POST
def reason_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration_for_change(request, pk)
    form = forms.ReasonForm(request.POST, prefix=f"r{registration.pk}")

    def act(data):
        registry.reason_record(actor=request.user, registration=registration, **data)

    return _action(
        request,
        registration,
        form,
        act,
        _("The reason was recorded."),
        key=f"reason-{registration.pk}",
    )


@login_required
@require_POST
def assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration_for_change(request, pk, policy.ASSIGN)
    form = forms.AssignForm(
        request.POST,
        prefix=f"a{registration.pk}",
        county_id=registration.county_id,
        unit_id=registration.unit_id,
    )

    def act(data):
        registry.registration_assign(
            actor=request.user, registration=registration, advisor=data["advisor"]
        )

    return _action(
        request,
        registration,
        form,
        act,
        _("The youth was reassigned."),
        key=f"assign-{registration.pk}",
    )


@login_required
@require_POST
def move_unit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the registration to another unit of the county (registry.registration_move_unit)."""
    registration = _registration_for_change(request, pk, policy.ASSIGN)
    form = forms.MoveUnitForm(
        request.POST,
        prefix=f"u{registration.pk}",
        county_id=registration.county_id,
        current_unit_id=registration.unit_id,
    )

    def act(data):
        registry.registration_move_unit(
            actor=request.user, registration=registration, unit=data["unit"]
        )

    return _action(
        request,
        registration,
        form,
        act,
        _("The youth was moved to another unit."),
        key=f"move-unit-{registration.pk}",
    )


@login_required
def register_view(request: HttpRequest) -> HttpResponse:
    """The intake form: register a youth for the current school year."""
    user = request.user
    if policy.scope(user, policy.REGISTER) == policy.NOTHING:
        raise PermissionDenied
    form = forms.RegisterForm(request.POST or None, county_id=user.county_id)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        registered_on = data.pop("registered_on")
        try:
            registration = registry.youth_register(
                actor=user,
                county=user.county,
                school_year=school_year_of(registered_on),
                registered_on=registered_on,
                **data,
            )
        except ValidationFailed as failed:
            forms.add_problems(form, failed, {"school_year": "registered_on"})
        else:
            messages.success(request, _("The youth was registered."))
            return redirect("web:youth", pk=registration.person_id)
    duplicate = "confirm_duplicate" in form.errors
    return render(
        request,
        "web/register.html",
        {"form": form, "duplicate": duplicate},
        status=400 if form.errors else 200,
    )
