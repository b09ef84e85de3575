"""Subject training and exams, preventive work and projects in the staff web app: their
sections on the youth page (`programmes_context`), the actions behind them, their section of
the statistics page (`programmes_statistics`) and its drill-down lists.

Every view asks the access policy: writes need CHANGE on the youth's registration (the
services check again), the statistics need STATISTICS, and a drill-down list shows only the
youths the user may VIEW, saying so when that is fewer than the number it opens.
"""

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.casework.models import PartnerKind
from veiviser.codes.selectors import school_year_label
from veiviser.exams import selectors as exam_selectors
from veiviser.exams import services as exams
from veiviser.exams.models import ExamEntry, Result
from veiviser.organisation.models import Role, Unit, User
from veiviser.prevention import selectors as prevention_selectors
from veiviser.prevention import services as prevention
from veiviser.prevention.models import DropoutReason, PreventiveCase, PupilKind, YearOutcome
from veiviser.problems import ValidationFailed
from veiviser.projects import selectors as project_selectors
from veiviser.projects import services as projects
from veiviser.projects.models import Participant, Project, ProjectOutcome
from veiviser.web import views
from veiviser.web.forms import DateInput, add_problems
from veiviser.web.lazy_forms import form_slot, show_with_errors

PAGE_SIZE = 50


# --- forms (shape only; the rules are in the services) -------------------------------------


class ExamEntryForm(forms.Form):
    subject = forms.ModelChoiceField(
        label=gettext_lazy("Subject"), queryset=exam_selectors.active_subjects()
    )
    exam_date = forms.DateField(label=gettext_lazy("Exam date"), widget=DateInput())
    training = forms.CharField(
        label=gettext_lazy("Training given"),
        required=False,
        max_length=300,
        help_text=gettext_lazy(
            "E.g. subject training at the OT unit twice a week, or self-study with help."
        ),
    )
    training_hours = forms.IntegerField(
        label=gettext_lazy("Hours of training"), required=False, min_value=0, max_value=2000
    )


class ExamResultForm(forms.Form):
    result = forms.ChoiceField(label=gettext_lazy("Result"), choices=Result.choices)
    grade = forms.TypedChoiceField(
        label=gettext_lazy("Grade"),
        choices=[("", gettext_lazy("No grade"))] + [(g, str(g)) for g in range(1, 7)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("1 is not passed, 2–6 passed; none for passed / not passed."),
    )


class PreventiveCaseForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Pupil or apprentice"), choices=PupilKind.choices)
    school = forms.CharField(label=gettext_lazy("School or training company"), max_length=200)
    started_on = forms.DateField(label=gettext_lazy("Started on"), widget=DateInput())
    concern = forms.CharField(
        label=gettext_lazy("Concern"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Why the school or OT is concerned. No health or child-welfare details here."
        ),
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Held on"), widget=DateInput())
    partners = forms.MultipleChoiceField(
        label=gettext_lazy("Partners present"),
        choices=PartnerKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participants = forms.CharField(
        label=gettext_lazy("Participants"),
        required=False,
        max_length=300,
        help_text=gettext_lazy(
            "E.g. the pupil, a guardian, the contact teacher, the school counsellor."
        ),
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome at the end of the school year"), choices=YearOutcome.choices
    )
    outcome_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    dropout_reason = forms.ChoiceField(
        label=gettext_lazy("Reason for dropping out"),
        choices=[("", "–"), *DropoutReason.choices],
        required=False,
    )


class JoinProjectForm(forms.Form):
    project = forms.ModelChoiceField(label=gettext_lazy("Project"), queryset=Project.objects.none())
    joined_on = forms.DateField(label=gettext_lazy("Joined on"), widget=DateInput())

    def __init__(self, *args, projects, **kw):
        super().__init__(*args, **kw)
        self.fields["project"].queryset = Project.objects.filter(pk__in=[p.pk for p in projects])


class ParticipantOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome at the end of the project year"),
        choices=ProjectOutcome.choices,
    )
    outcome_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())


class ProjectForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("County-wide"),
    )
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=DateInput(), required=False)
    partners = forms.CharField(
        label=gettext_lazy("Partners"),
        required=False,
        max_length=500,
        help_text=gettext_lazy(
            "E.g. NAV, the lower secondary schools, PPT, the competence centre."
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("Aim"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    workers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Project workers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kw):
        super().__init__(*args, **kw)
        units = Unit.objects.filter(county_id=user.county_id).order_by("name")
        if user.role != Role.OFFICE:
            units = units.filter(pk=user.unit_id)
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = None
        self.fields["unit"].queryset = units
        self.fields["workers"].queryset = User.objects.filter(
            county_id=user.county_id, role=Role.PROJECT_WORKER, is_active=True
        ).order_by("last_name", "username")


def may_start_projects(user) -> bool:
    return user.role == Role.OFFICE or (user.role == Role.UNIT_COORDINATOR and user.unit_id)


# --- the youth page -------------------------------------------------------------------------


def programmes_context(user, person, context: dict) -> None:
    """Add the sections of this module to the youth page's context (`views._youth_context`):
    for each registration its exam entries, with the forms where the user may change it."""
    registrations = [e["registration"] for e in context["entries"]]
    by_registration: dict[int, list] = {}
    for entry in exam_selectors.entries_of(registrations):
        by_registration.setdefault(entry.registration_id, []).append(entry)
    cases = {c.registration_id: c for c in prevention_selectors.cases_of(registrations)}
    participations: dict[int, list] = {}
    for p in Participant.objects.filter(registration__in=registrations).select_related("project"):
        participations.setdefault(p.registration_id, []).append(p)
    manageable = None  # the projects the user may add youths to: asked once, if needed
    for item in context["entries"]:
        registration = item["registration"]
        pk = registration.pk
        can_change = item.get("can_change", False)
        entries = by_registration.get(pk, [])
        item["exam_entries"] = [
            {
                "entry": e,
                "result_form": form_slot(
                    "exam-result",
                    e.pk,
                    f"er{e.pk}",
                    partial(
                        ExamResultForm,
                        prefix=f"er{e.pk}",
                        initial={"result": e.result, "grade": e.grade},
                    ),
                    exam_entry=e,
                )
                if can_change
                else None,
            }
            for e in entries
        ]
        item["exam_form"] = (
            form_slot("exam", pk, f"e{pk}", partial(ExamEntryForm, prefix=f"e{pk}"), r=registration)
            if can_change
            else None
        )
        case = cases.get(pk)
        item["preventive"] = case
        item["preventive_status_differs"] = (
            case is not None and not case.outcome and item.get("status") != case.expected_status
        )
        item["preventive_form"] = (
            form_slot(
                "preventive",
                pk,
                f"f{pk}",
                partial(PreventiveCaseForm, prefix=f"f{pk}"),
                r=registration,
            )
            if can_change and case is None
            else None
        )
        item["participations"] = participations.get(pk, [])
        if can_change and manageable is None:
            manageable = project_selectors.manageable_projects(user)
        item["join_form"] = (
            form_slot(
                "project-join",
                pk,
                f"j{pk}",
                partial(JoinProjectForm, prefix=f"j{pk}", projects=manageable),
                r=registration,
            )
            if can_change and manageable
            else None
        )
        item["meeting_form"] = (
            form_slot(
                "meeting",
                case.pk,
                f"m{case.pk}",
                partial(MeetingForm, prefix=f"m{case.pk}"),
                case=case,
            )
            if can_change and case is not None
            else None
        )
        item["outcome_form"] = (
            form_slot(
                "prevention-outcome",
                case.pk,
                f"u{case.pk}",
                partial(
                    OutcomeForm,
                    prefix=f"u{case.pk}",
                    initial={
                        "outcome": case.outcome,
                        "outcome_on": case.outcome_on,
                        "dropout_reason": case.dropout_reason,
                    },
                ),
                case=case,
            )
            if can_change and case is not None
            else None
        )


def _join_form(user, registration_pk: int, data=None) -> JoinProjectForm:
    return JoinProjectForm(
        data,
        prefix=f"j{registration_pk}",
        projects=project_selectors.manageable_projects(user),
    )


def _action(request, registration, form, act, done_message, *, key: str):
    """As `views._action`, for this module's forms: on invalid input or refused rules the
    youth page is shown again with the errors at the form (the slot `key`)."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationFailed as failed:
            add_problems(form, failed)
        else:
            messages.success(request, done_message)
            return views._back(registration)
    if views._needs_reason(request, registration.person):
        return views._back(registration)
    context = views._youth_context(request, registration.person)
    show_with_errors(context, key, form)
    return render(request, "web/youth.html", context, status=400)


@login_required
@require_POST
def exam_register_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = views._registration_for_change(request, pk)
    form = ExamEntryForm(request.POST, prefix=f"e{registration.pk}")

    def act(data):
        exams.exam_entry_register(actor=request.user, registration=registration, **data)

    return _action(
        request, registration, form, act, _("The exam entry was saved."), key=f"exam-{pk}"
    )


@login_required
@require_POST
def exam_result_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        ExamEntry.objects.select_related("registration__person", "subject"), pk=pk
    )
    policy.require(request.user, policy.CHANGE, entry.registration)
    form = ExamResultForm(request.POST, prefix=f"er{entry.pk}")

    def act(data):
        exams.exam_result_record(actor=request.user, entry=entry, **data)

    return _action(
        request,
        entry.registration,
        form,
        act,
        _("The exam result was saved."),
        key=f"exam-result-{entry.pk}",
    )


@login_required
@require_POST
def prevention_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = views._registration_for_change(request, pk)
    form = PreventiveCaseForm(request.POST, prefix=f"f{registration.pk}")

    def act(data):
        prevention.preventive_case_open(actor=request.user, registration=registration, **data)

    return _action(
        request,
        registration,
        form,
        act,
        _("The preventive work was recorded."),
        key=f"preventive-{registration.pk}",
    )


def _case_for_change(request, pk: int) -> PreventiveCase:
    case = get_object_or_404(PreventiveCase.objects.select_related("registration__person"), pk=pk)
    policy.require(request.user, policy.CHANGE, case.registration)
    return case


@login_required
@require_POST
def prevention_meeting_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = MeetingForm(request.POST, prefix=f"m{case.pk}")

    def act(data):
        prevention.meeting_record(actor=request.user, case=case, **data)

    return _action(
        request, case.registration, form, act, _("The meeting was recorded."), key=f"meeting-{pk}"
    )


@login_required
@require_POST
def prevention_outcome_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = OutcomeForm(request.POST, prefix=f"u{case.pk}")

    def act(data):
        prevention.preventive_outcome_record(actor=request.user, case=case, **data)

    return _action(
        request,
        case.registration,
        form,
        act,
        _("The outcome was recorded."),
        key=f"prevention-outcome-{case.pk}",
    )


@login_required
@require_POST
def project_join_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = views._registration_for_change(request, pk)
    form = _join_form(request.user, registration.pk, request.POST)

    def act(data):
        projects.participant_add(
            actor=request.user,
            project=data["project"],
            registration=registration,
            joined_on=data["joined_on"],
        )

    return _action(
        request,
        registration,
        form,
        act,
        _("The youth was added to the project."),
        key=f"project-join-{registration.pk}",
    )


# --- projects: the list and one project's page -------------------------------------------


@login_required
def projects_view(request: HttpRequest) -> HttpResponse:
    """The projects the user may see; the office and unit coordinators start new ones here."""
    user = request.user
    if user.role == Role.ADMINISTRATOR or not user.county_id:
        raise PermissionDenied
    form = None
    if may_start_projects(user):
        form = ProjectForm(request.POST if request.method == "POST" else None, user=user)
        if request.method == "POST" and form.is_valid():
            try:
                project = projects.project_create(
                    actor=user, county=user.county, **form.cleaned_data
                )
            except ValidationFailed as failed:
                add_problems(form, failed)
            else:
                messages.success(request, _("The project was created."))
                return redirect("web:project", pk=project.pk)
    elif request.method == "POST":
        raise PermissionDenied
    rows = project_selectors.projects_for(user).annotate(
        participant_count=Count("participants", distinct=True)
    )
    return render(
        request,
        "web/programmes/projects.html",
        {"projects": rows, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def project_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One project: its period, partners and workers, and a school year's cohort with each
    participant's outcome at the end of the project year (those the user may see)."""
    user = request.user
    project = get_object_or_404(project_selectors.projects_for(user), pk=pk)
    years = sorted(
        set(
            Participant.objects.filter(project=project)
            .values_list("registration__school_year", flat=True)
            .distinct()
        ),
        reverse=True,
    )
    try:
        year = int(request.GET.get("school_year") or (years[0] if years else 0))
    except ValueError:
        year = years[0] if years else 0
    cohort = project_selectors.cohort_of(project, year)
    total = cohort.count()
    visible = (
        project_selectors.visible_participants(user, cohort)
        .select_related("registration__person", "registration__unit")
        .order_by("registration__person__family_name", "registration__person__given_name", "pk")
    )
    manage = policy.can_manage_project(user, project)
    rows = [
        {
            "participant": p,
            "form": ParticipantOutcomeForm(
                prefix=f"o{p.pk}", initial={"outcome": p.outcome, "outcome_on": p.outcome_on}
            )
            if manage
            else None,
        }
        for p in visible
    ]
    counts = project_selectors.cohort_counts(county_id=project.county_id, school_year=year)
    row = next((r for r in counts["projects"] if r["project_id"] == project.pk), None)
    audit.log(
        user,
        "projects.project.viewed",
        project,
        data={"school_year": year, "listed": len(rows)},
    )
    return render(
        request,
        "web/programmes/project.html",
        {
            "project": project,
            "years": [(y, school_year_label(y)) for y in years],
            "year": year,
            "year_label": school_year_label(year) if year else "",
            "rows": rows,
            "total": total,
            "hidden": total - len(rows),
            "outcomes": [
                (label, row[key] if row else 0, row["shares"][key] if row else None)
                for key, label in ProjectOutcome.choices
            ]
            + [(_("No outcome recorded yet"), row["none"] if row else 0, None)],
            "manage": manage,
        },
    )


@login_required
@require_POST
def project_outcome_view(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_object_or_404(
        Participant.objects.select_related("project", "registration"), pk=pk
    )
    if not policy.can_manage_project(request.user, participant.project):
        raise PermissionDenied
    form = ParticipantOutcomeForm(request.POST, prefix=f"o{participant.pk}")
    back = (
        f"{reverse('web:project', args=[participant.project_id])}"
        f"?school_year={participant.registration.school_year}"
    )
    if form.is_valid():
        try:
            projects.participant_outcome_record(
                actor=request.user, participant=participant, **form.cleaned_data
            )
        except ValidationFailed as failed:
            for problem in failed.problems:
                messages.error(request, problem.reason)
        else:
            messages.success(request, _("The outcome was recorded."))
    else:
        messages.error(request, _("Choose an outcome and a date."))
    return redirect(back)


# --- the statistics page --------------------------------------------------------------------


def _scope(selection) -> dict:
    return {
        "county_id": selection.county.pk,
        "school_year": selection.school_year,
        "unit_id": selection.unit.pk if selection.unit else None,
    }


def _link(selection, name: str, **extra) -> str:
    return f"{reverse(name)}?{selection.query(**extra)}"


def programmes_statistics(selection) -> dict:
    """The numbers of this module for the statistics page's selection, each with the link to
    the list behind it."""
    counts = exam_selectors.exam_counts(**_scope(selection))

    def linked(row: dict, subject: str = "") -> dict:
        return {
            **row,
            "links": {
                cell: _link(selection, "web:statistics-exams", cell=cell, subject=subject or None)
                for cell in (*exam_selectors.CELLS, exam_selectors.YOUTHS)
            },
        }

    prevention_counts = prevention_selectors.prevention_counts(**_scope(selection))
    prevention_link = {
        cell: _link(selection, "web:statistics-prevention", cell=cell)
        for cell in (*prevention_selectors.CELLS, prevention_selectors.MEETINGS)
    }
    cohorts = project_selectors.cohort_counts(**_scope(selection))

    def cohort_row(row: dict, project_id=None) -> dict:
        return {
            **row,
            "cells": [
                (
                    row[o],
                    row["shares"][o],
                    _link(
                        selection,
                        "web:statistics-projects",
                        outcome=o,
                        project=project_id,
                    ),
                )
                for o in project_selectors.OUTCOMES
            ],
            "link": _link(
                selection, "web:statistics-projects", outcome="participants", project=project_id
            ),
        }

    return {
        "projects": {
            "outcomes": [*ProjectOutcome.labels, _("No outcome recorded yet")],
            "rows": [cohort_row(r, r["project_id"]) for r in cohorts["projects"]],
            "total": cohort_row(cohorts["total"]),
        },
        "prevention": {
            "counts": prevention_counts,
            "links": prevention_link,
            "kinds": [
                (label, prevention_counts[f"kind.{key}"], prevention_link[f"kind.{key}"])
                for key, label in PupilKind.choices
            ],
            "reasons": [
                (label, prevention_counts[f"reason.{key}"], prevention_link[f"reason.{key}"])
                for key, label in DropoutReason.choices
            ],
        },
        "exams": {
            "subjects": [linked(r, r["subject__code"]) for r in counts["subjects"]],
            "total": linked(counts["total"]),
        },
    }


EXAM_CELL_LABELS = {
    "exams": gettext_lazy("Exams taken"),
    "passed": gettext_lazy("Exams passed"),
    "not_passed": gettext_lazy("Exams not passed"),
    "withdrawn": gettext_lazy("Withdrew from the exam"),
    "pending": gettext_lazy("Registered, no result yet"),
    "youths": gettext_lazy("Youths who took at least one exam"),
}


class ExamDrilldownForm(forms.Form):
    cell = forms.ChoiceField(choices=[(c, c) for c in EXAM_CELL_LABELS])
    subject = forms.CharField(required=False, max_length=20)


@login_required
def statistics_exams_view(request: HttpRequest) -> HttpResponse:
    """The exam entries (or youths) behind one number of the exams section."""
    from veiviser.web import statistics_views

    _form, selection = statistics_views._selection(request)
    drill = ExamDrilldownForm(request.GET)
    if selection is None or not drill.is_valid():
        return render(request, "web/programmes/drilldown.html", {"selection": None}, status=400)
    cell = drill.cleaned_data["cell"]
    subject = drill.cleaned_data["subject"]
    behind = exam_selectors.exam_cell(**_scope(selection), cell=cell, subject=subject)
    if cell == exam_selectors.YOUTHS:
        visible = behind.filter(policy.registrations_q(request.user, policy.VIEW))
        visible = visible.select_related("person", "unit").order_by(
            "person__family_name", "person__given_name", "pk"
        )
    else:
        visible = exam_selectors.visible_entries(request.user, behind)
        visible = visible.select_related(
            "registration__person", "registration__unit", "subject"
        ).order_by(
            "registration__person__family_name", "registration__person__given_name", "exam_date"
        )
    label = EXAM_CELL_LABELS[cell]
    return _drilldown(
        request,
        selection,
        cell_name=f"exams.{cell}",
        behind=behind,
        label=f"{label}: {subject}" if subject else label,
        kind="youths" if cell == exam_selectors.YOUTHS else "exams",
        visible=visible,
    )


def prevention_cell_labels() -> dict:
    labels = {
        "cases": _("Pupils and apprentices worked with preventively"),
        "with_meeting": _("Of them, with at least one clarification meeting"),
        "meetings": _("Clarification meetings held"),
        "completed": _("Completed the school year"),
        "dropped_out": _("Dropped out"),
        "open": _("No outcome recorded yet"),
    }
    for key, label in PupilKind.choices:
        labels[f"kind.{key}"] = str(label)
    for key, label in DropoutReason.choices:
        labels[f"reason.{key}"] = _("Dropped out: %(reason)s") % {"reason": label}
    return labels


class PreventionDrilldownForm(forms.Form):
    cell = forms.ChoiceField(
        choices=[(c, c) for c in (*prevention_selectors.CELLS, prevention_selectors.MEETINGS)]
    )


def _drilldown(request, selection, *, cell_name, behind, label, kind, visible):
    from veiviser.web import statistics_views

    total = behind.count()
    page = Paginator(visible, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.log(
        request.user,
        "statistics.drilldown.viewed",
        county=selection.county.number,
        data={**statistics_views._audit_data(selection), "cell": cell_name, "count": total},
    )
    return render(
        request,
        "web/programmes/drilldown.html",
        {
            "selection": selection,
            "describe": statistics_views._describe(selection),
            "label": label,
            "kind": kind,
            "total": total,
            "visible_count": page.paginator.count,
            "narrower": page.paginator.count != total,
            "page_obj": page,
            "back_url": _link(selection, "web:statistics"),
        },
    )


@login_required
def statistics_prevention_view(request: HttpRequest) -> HttpResponse:
    """The preventive cases (or meetings) behind one number of the preventive-work section."""
    from veiviser.web import statistics_views

    _form, selection = statistics_views._selection(request)
    drill = PreventionDrilldownForm(request.GET)
    if selection is None or not drill.is_valid():
        return render(request, "web/programmes/drilldown.html", {"selection": None}, status=400)
    cell = drill.cleaned_data["cell"]
    behind = prevention_selectors.prevention_cell(**_scope(selection), cell=cell)
    visible = behind.filter(policy.registrations_q(request.user, policy.VIEW, "registration__"))
    visible = visible.select_related("registration__person", "registration__unit").order_by(
        "registration__person__family_name", "registration__person__given_name", "pk"
    )
    return _drilldown(
        request,
        selection,
        cell_name=f"prevention.{cell}",
        behind=behind,
        label=prevention_cell_labels()[cell],
        kind="meetings" if cell == prevention_selectors.MEETINGS else "cases",
        visible=visible,
    )


class ProjectDrilldownForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(o, o) for o in ("participants", *project_selectors.OUTCOMES)]
    )
    project = forms.IntegerField(required=False)


@login_required
def statistics_projects_view(request: HttpRequest) -> HttpResponse:
    """The participants behind one number of the projects section."""
    from veiviser.web import statistics_views

    _form, selection = statistics_views._selection(request)
    drill = ProjectDrilldownForm(request.GET)
    if selection is None or not drill.is_valid():
        return render(request, "web/programmes/drilldown.html", {"selection": None}, status=400)
    outcome = drill.cleaned_data["outcome"]
    behind = project_selectors.cohort_cell(
        **_scope(selection), outcome=outcome, project_id=drill.cleaned_data["project"]
    )
    visible = project_selectors.visible_participants(request.user, behind)
    visible = visible.select_related(
        "registration__person", "registration__unit", "project"
    ).order_by("registration__person__family_name", "registration__person__given_name", "pk")
    labels = {"participants": _("Participants"), "none": _("No outcome recorded yet")}
    labels.update({k: str(v) for k, v in ProjectOutcome.choices})
    return _drilldown(
        request,
        selection,
        cell_name=f"projects.{outcome}",
        behind=behind,
        label=_("Projects: %(outcome)s") % {"outcome": labels[outcome]},
        kind="participants",
        visible=visible,
    )


# --- list pages: the exams and the preventive work the user may see ----------------------


class ListForm(forms.Form):
    school_year = forms.TypedChoiceField(
        label=gettext_lazy("School year"), coerce=int, required=False
    )
    show = forms.ChoiceField(label=gettext_lazy("Show"), required=False)

    def __init__(self, *args, years, shows, **kw):
        super().__init__(*args, **kw)
        self.fields["school_year"].choices = [(y, school_year_label(y)) for y in years]
        self.fields["show"].choices = shows


def _list_page(request, *, title, intro, shows, listing):
    """A list page of this module: the items of one school year the user may view, filtered
    by one of `shows` (a key and its label); `listing(registrations, show)` gives the items."""
    from veiviser.registry.models import Registration

    user = request.user
    if policy.scope(user, policy.VIEW) == policy.NOTHING:
        raise PermissionDenied
    years = views._years(user)
    form = ListForm(request.GET or None, years=years, shows=shows)
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("school_year") or years[0]
    show = data.get("show") or shows[0][0]
    registrations = Registration.objects.filter(
        policy.registrations_q(user, policy.VIEW), school_year=year
    )
    items, kind = listing(registrations, show)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    label = dict(shows)[show]
    return render(
        request,
        "web/programmes/list.html",
        {
            "title": title,
            "intro": intro,
            "form": form,
            "label": f"{title}: {label}",
            "kind": kind,
            "page_obj": page,
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )


@login_required
def exams_list_view(request: HttpRequest) -> HttpResponse:
    """The exam entries of the youths the user may see, for one school year."""
    shows = [(k, str(v)) for k, v in EXAM_CELL_LABELS.items() if k != exam_selectors.YOUTHS]
    shows.insert(0, ("all", _("All exam entries")))

    def listing(registrations, show):
        entries = ExamEntry.objects.filter(registration__in=registrations)
        if show != "all":
            entries = entries.filter(exam_selectors.CELLS[show])
        entries = entries.select_related(
            "registration__person", "registration__unit", "subject"
        ).order_by("exam_date", "registration__person__family_name", "pk")
        return entries, "exams"

    return _list_page(
        request,
        title=_("Exams"),
        intro=_("Exam entries of the youths you have access to, oldest exam first."),
        shows=shows,
        listing=listing,
    )


@login_required
def prevention_list_view(request: HttpRequest) -> HttpResponse:
    """The preventive cases of the youths the user may see, for one school year."""
    labels = prevention_cell_labels()
    keys = ["cases", "open", "completed", "dropped_out", "with_meeting"]
    shows = [(k, labels[k]) for k in keys]

    def listing(registrations, show):
        cases = PreventiveCase.objects.filter(registration__in=registrations)
        cases = cases.filter(pk__in=cases.filter(prevention_selectors.CELLS[show]).values("pk"))
        cases = cases.select_related("registration__person", "registration__unit").order_by(
            "registration__person__family_name", "registration__person__given_name", "pk"
        )
        return cases, "cases"

    return _list_page(
        request,
        title=_("Preventive work"),
        intro=_("Pupils and apprentices you have access to whom OT works with preventively."),
        shows=shows,
        listing=listing,
    )
