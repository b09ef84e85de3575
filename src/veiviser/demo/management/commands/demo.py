import random
import sys
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser.api.demo import demo_clients
from veiviser.casework import demo as casework_demo
from veiviser.casework import services as casework
from veiviser.casework.models import Channel, Outcome, PartnerKind
from veiviser.codes.selectors import kodeverk
from veiviser.demo import generator
from veiviser.demo.households import add_households
from veiviser.exchange.importer import ImportFailed, import_lines
from veiviser.letters import demo as letters_demo
from veiviser.measures import demo as measures_demo
from veiviser.organisation import services as organisation
from veiviser.organisation.models import County, Role, User
from veiviser.people.models import Person
from veiviser.people.rules import is_minor
from veiviser.public import demo as public_demo
from veiviser.quality.demo import seed_faults
from veiviser.registry import services as registry
from veiviser.registry.models import Registration
from veiviser.reports import demo as report_demo
from veiviser.udir import demo as udir_demo

MAX_ERRORS_SHOWN = 20
UNASSIGNED_PER_UNIT = 12
FOLLOW_UP_DAYS = (60, 120)  # between two follow-up conversations in main groups 2–4
TRANSFER_ADVISOR = "silje"  # the README's advisor: her youth who moved can be sent on
OSLO = ZoneInfo("Europe/Oslo")


class Command(BaseCommand):
    help = (
        "Build the demo counties: Vestfold (39) with its four OT units, about 2,000 invented "
        "youths in each of three school years (2022/23 to 2024/25), and a small Telemark (40) "
        "to move youths to, with staff users for every role, all with the password 'demo'. "
        "Every person is invented and has a synthetic "
        "identity number, so this only runs where synthetic numbers are allowed "
        "(VEIVISER_ALLOW_SYNTHETIC_FNR=1), and only into a database without people."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=generator.DEFAULT_SEED,
            help=f"the random seed; the same seed gives the same county "
            f"(default {generator.DEFAULT_SEED})",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and succeed) when the database already holds people or the "
            "demo county, e.g. when a container starts for the second time",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Vestfold's size relative to the full demo, more than 0 and at most 1 "
            "(e.g. 0.1 for a quick build in a test; default 1); Telemark is small anyway",
        )

    def handle(self, *args, **options):
        if not settings.ALLOW_SYNTHETIC_FNR:
            raise CommandError(
                _(
                    "The demo county uses synthetic identity numbers, which this installation "
                    "refuses. Set VEIVISER_ALLOW_SYNTHETIC_FNR=1 for a demo or test installation "
                    "(never in production) and run the command again."
                )
            )
        scale = options["scale"]
        if not 0 < scale <= 1:
            raise CommandError(_("--scale must be more than 0 and at most 1"))
        holds = self.existing_data()
        if holds:
            if options["if_empty"]:
                self.stdout.write(
                    _("The database already holds %(holds)s: nothing done.") % {"holds": holds}
                )
                return
            raise CommandError(
                _(
                    "The database already holds %(holds)s. The demo county is built into an "
                    "empty database only; use --if-empty to skip this quietly."
                )
                % {"holds": holds}
            )

        seed = options["seed"]
        progress = options["verbosity"] >= 1 and sys.stderr.isatty()
        # The scale shrinks Vestfold; Telemark is small already.
        specs = [spec.scaled(scale) if spec.scale == 1 else spec for spec in generator.COUNTIES]
        built = []
        try:
            with transaction.atomic():
                for spec in specs:
                    built.append(self.build_county(spec, seed, progress))
                county = built[0][0]
                seed_faults(county, seed=seed)  # known faults for the data-quality check
                for udir_year in generator.SCHOOL_YEARS[-2:]:  # the latest table last
                    udir_demo.demo_udir_table(county=county, school_year=udir_year, seed=seed)
                report_demo.narratives_create(county, seed=seed)
                public_demo.add_referrals(county, seed)
                minside_fnr = public_demo.prepare_minside(county, seed)
                appointments = casework_demo.add_appointments(
                    county,
                    seed,
                    school_year=max(generator.SCHOOL_YEARS),
                    minside_fnr=minside_fnr,
                )
                measures = measures_demo.build(
                    county, seed=seed, school_years=generator.SCHOOL_YEARS
                )
                api_clients = demo_clients(county)
                programmes = self.record_programmes(county, seed)
                moved = self.prepare_transfer(county, to=specs[1])
                letters = sum(
                    letters_demo.queue_information_letters(each, seed) for each, *_ in built
                )
        except ImportFailed as failed:
            for error in failed.errors[:MAX_ERRORS_SHOWN]:
                self.stderr.write(str(error))
            raise CommandError(
                _(
                    "The generated demo county did not import (%(count)s error(s)); "
                    "nothing was written. This is a bug in the demo generator or the importer."
                )
                % {"count": len(failed.errors)}
            ) from None

        for (each, result, _users, contacts, households), spec in zip(built, specs, strict=True):
            self.report_county(each, spec, seed, result, contacts, households)
        self.stdout.write(
            _("Appointments booked in the coming weeks: %(count)s.") % {"count": appointments}
        )
        self.stdout.write(
            _(
                "Measures: %(measures)s in the catalogue, %(enrolments)s enrolments, "
                "%(placements)s work-practice placements with %(follow_ups)s follow-ups, "
                "%(autumn_outcomes)s autumn outcomes."
            )
            % measures
        )
        self.stdout.write(
            _(
                "Exam entries: %(exams)s. Preventive cases: %(prevention)s. "
                "Project participants: %(projects)s."
            )
            % programmes
        )
        if letters:
            self.stdout.write(
                _(
                    "Information letters: %(count)s queued; run `veiviser worker --batch` to "
                    "make them (real PDFs, some minutes; docs/letters.md)."
                )
                % {"count": letters}
            )
        if moved is not None:
            self.stdout.write(
                _(
                    "Moved to %(county)s: %(name)s (registration %(key)s, advisor %(advisor)s), "
                    "status OTFA_IM, consent to a transfer recorded. Send the history from the "
                    "youth's page as %(advisor)s and receive it as %(office)s under “Moved here "
                    "from another county?” (docs/quality.md)."
                )
                % moved
            )
        self.stdout.write(
            _("Staff users (password for all: %(password)s):")
            % {"password": generator.DEMO_PASSWORD}
        )
        for each, _result, users, *_rest in built:
            for user in users:
                where = f", {user.unit.name}" if user.unit else ""
                self.stdout.write(
                    f"  {user.username:<24} {Role(user.role).label}{where} ({each.number})"
                )
        if minside_fnr:
            self.stdout.write(
                _(
                    "Min side: /min-side/test-innlogging/ with the test identity number "
                    "%(fnr)s (needs VEIVISER_YOUTH_TEST_LOGIN=1)."
                )
                % {"fnr": minside_fnr}
            )
        for client, token in api_clients:
            self.stdout.write(
                _("API client %(name)s (every scope; docs/api.md), token shown only now: %(token)s")
                % {"name": client.name, "token": token}
            )

    def build_county(self, spec: generator.DemoCounty, seed: int, progress: bool) -> tuple:
        """One demo county from its generated file: units, youths and their histories,
        municipality names, staff, caseloads, contacts, households and letterhead."""
        county = organisation.county_ensure(actor=None, number=spec.number, name=spec.name)
        result = import_lines(
            generator.generate(seed, spec),
            county=spec.number,
            actor=None,
            filename=f"demo {spec.number} (seed {seed})",
            progress=progress,
        )
        for number, name in spec.municipalities.items():
            organisation.municipality_name(actor=None, county=county, number=number, name=name)
        users = self.create_staff(county, spec)
        self.assign_caseloads(county)
        contacts = self.record_contacts(county, seed)
        households = add_households(county, spec, seed)
        public_demo.add_contact_points(county)
        return county, result, users, contacts, households

    def report_county(self, county, spec, seed, result, contacts, households) -> None:
        created = result.created
        self.stdout.write(
            _(
                "Demo county %(number)s %(name)s built (seed %(seed)s): %(units)s units, "
                "%(persons)s young people, %(registrations)s registrations, %(reasons)s reason "
                "facts, %(statuses)s status facts."
            )
            % {
                "number": spec.number,
                "name": spec.name,
                "seed": seed,
                "units": created["unit"],
                "persons": created["person"],
                "registrations": created["registration"],
                "reasons": created["reason"],
                "statuses": created["status"],
            }
        )
        self.stdout.write(
            _("Contacts recorded in the latest school year: %(count)s.") % {"count": contacts}
        )
        self.stdout.write(
            _(
                "Guardians of the youths under 18: %(guardians)s; letters to the guardians "
                "blocked (confidentiality) for %(blocks)s of them."
            )
            % households
        )

    def existing_data(self) -> str:
        """What keeps the demo from being built here, in words; empty when nothing does."""
        for spec in generator.COUNTIES:
            if County.objects.filter(number=spec.number).exists():
                return _("county %(number)s") % {"number": spec.number}
        people = Person.objects.count()
        if people:
            return _("%(count)s young people") % {"count": people}
        return ""

    def create_staff(self, county: County, spec: generator.DemoCounty) -> list:
        units = {unit.key: unit for unit in county.units.all()}
        return [
            organisation.staff_user_create(
                actor=None,
                username=staff.username,
                password=generator.DEMO_PASSWORD,
                role=staff.role,
                county=county,
                unit=units[staff.unit] if staff.unit else None,
                first_name=staff.first_name,
                last_name=staff.last_name,
            )
            for staff in spec.staff
        ]

    def assign_caseloads(self, county: County) -> None:
        """Share each unit's registrations among its advisors, leaving the newest registrations
        of the latest school year unassigned for the unit coordinator's list."""
        latest = max(generator.SCHOOL_YEARS)
        for unit in county.units.all():
            advisors = list(User.objects.filter(unit=unit, role=Role.ADVISOR).order_by("username"))
            registrations = Registration.objects.filter(unit=unit).order_by(
                "school_year", "registered_on", "key"
            )
            newest = set(
                registrations.filter(school_year=latest)
                .order_by("-registered_on", "-key")
                .values_list("pk", flat=True)[:UNASSIGNED_PER_UNIT]
            )
            for n, registration in enumerate(registrations):
                if registration.pk in newest or not advisors:
                    continue
                registry.registration_assign(
                    actor=None, registration=registration, advisor=advisors[n % len(advisors)]
                )

    def record_programmes(self, county: County, seed: int) -> dict:
        """Exams, preventive work and a project cohort, each from its own app's demo."""
        from veiviser.exams import demo as exams_demo
        from veiviser.prevention import demo as prevention_demo
        from veiviser.projects import demo as projects_demo

        return {
            "exams": exams_demo.build(county, seed=seed),
            "prevention": prevention_demo.build(county, seed=seed),
            "projects": projects_demo.build(county, seed=seed),
        }

    def record_contacts(self, county: County, seed: int) -> int:
        """The contacts behind the status histories of the latest school year: the conversation
        that established contact (the first status after OTUK), an unanswered SMS for youths
        still OTUK, and the follow-up conversations every FOLLOW_UP_DAYS while the youth is in
        main groups 2–4, as an advisor keeps a status current (so the demo has no stale
        status but the seeded ones: docs/quality.md, "In the demo")."""
        rng = random.Random(f"contacts-{seed}-{county.number}")
        kv = kodeverk()
        latest = max(generator.SCHOOL_YEARS)
        until = min(date(latest + 1, 7, 31), timezone.localdate())
        count = 0
        registrations = Registration.objects.filter(county=county, school_year=latest)
        for registration in registrations.order_by("key").prefetch_related("status_facts"):
            all_facts = sorted(
                registration.status_facts.all(), key=lambda f: (f.valid_from, f.recorded_at)
            )
            facts = [f for f in all_facts if f.code != "OTUK"]
            first = facts[0].valid_from if facts else registration.registered_on
            when = datetime.combine(first, time(10, 0), tzinfo=OSLO)
            casework.contact_record(
                actor=None,
                registration=registration,
                at=when if facts else when + timedelta(days=3),
                channel=Channel.PHONE if facts else Channel.SMS,
                outcome=Outcome.REACHED if facts else Outcome.NO_ANSWER,
            )
            count += 1
            if not facts:
                continue
            in_force = {f.valid_from: f.code for f in all_facts}  # the last recorded wins
            days = sorted(in_force)
            day = first
            while True:
                day += timedelta(days=rng.randint(*FOLLOW_UP_DAYS))
                if day > until:
                    break
                code = in_force[max(d for d in days if d <= day)]
                if kv.status_main_group(code, latest) not in (2, 3, 4):
                    continue
                casework.contact_record(
                    actor=None,
                    registration=registration,
                    at=datetime.combine(day, time(rng.randint(9, 14), 0), tzinfo=OSLO),
                    channel=rng.choice((Channel.PHONE, Channel.MEETING, Channel.SMS)),
                    outcome=Outcome.REACHED,
                )
                count += 1
        return count

    def prepare_transfer(self, county: County, *, to: generator.DemoCounty) -> dict | None:
        """A youth of the latest school year who moved to the other demo county (status
        OTFA_IM at the end of the year) and gave consent to a transfer, so that the transfer
        can be tried (docs/quality.md, "Moving between counties"): preferably in the caseload
        of the advisor the README names. Returns what the command prints, or None."""
        latest = max(generator.SCHOOL_YEARS)
        moved = []
        registrations = (
            Registration.objects.filter(
                county=county, school_year=latest, person__fnr__isnull=False, advisor__isnull=False
            )
            .select_related("person", "advisor")
            .prefetch_related("status_facts")
            .order_by("key")
        )
        for registration in registrations:
            facts = sorted(
                registration.status_facts.all(), key=lambda f: (f.valid_from, f.recorded_at)
            )
            if facts and facts[-1].code == "OTFA_IM":
                moved.append((registration, facts[-1].valid_from))
        if not moved:
            return None
        preferred = [m for m in moved if m[0].advisor.username == TRANSFER_ADVISOR]
        registration, since = (preferred or moved)[0]
        casework.consent_record(
            actor=None,
            registration=registration,
            partner_kind=PartnerKind.OTHER_COUNTY,
            given_on=since,
            written=True,
            signed_by_guardian=is_minor(registration.person.birth_date, since),
        )
        casework.note_add(
            actor=None,
            registration=registration,
            text=(
                f"Har flyttet til {to.name}. Samtykker skriftlig i at OT-historikken sendes til "
                f"OT i {to.name}, så de kan følge opp videre."
            ),
            confidential=False,
        )
        office = next(s.username for s in to.staff if s.role == Role.OFFICE)
        return {
            "county": f"{to.number} {to.name}",
            "name": registration.person.full_name,
            "key": registration.key,
            "advisor": registration.advisor.username,
            "office": office,
        }
