import sys
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from veiviser.api.demo import demo_clients
from veiviser.casework import demo as casework_demo
from veiviser.casework import services as casework
from veiviser.casework.models import Channel, Outcome
from veiviser.demo import generator
from veiviser.exchange.importer import ImportFailed, import_lines
from veiviser.letters import demo as letters_demo
from veiviser.measures import demo as measures_demo
from veiviser.organisation import services as organisation
from veiviser.organisation.models import County, Role, User
from veiviser.people.models import Person
from veiviser.public import demo as public_demo
from veiviser.quality.demo import seed_faults
from veiviser.registry import services as registry
from veiviser.registry.models import Registration
from veiviser.reports import demo as report_demo
from veiviser.udir import demo as udir_demo

MAX_ERRORS_SHOWN = 20
UNASSIGNED_PER_UNIT = 12


class Command(BaseCommand):
    help = (
        "Build the demo county: Vestfold (39) with its four OT units, about 2,000 invented "
        "youths in each of three school years (2022/23 to 2024/25), and a staff user for every "
        "role, all with the password 'demo'. Every person is invented and has a synthetic "
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

    def handle(self, *args, **options):
        if not settings.ALLOW_SYNTHETIC_FNR:
            raise CommandError(
                _(
                    "The demo county uses synthetic identity numbers, which this installation "
                    "refuses. Set VEIVISER_ALLOW_SYNTHETIC_FNR=1 for a demo or test installation "
                    "(never in production) and run the command again."
                )
            )
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
        try:
            with transaction.atomic():
                county = organisation.county_ensure(
                    actor=None, number=generator.COUNTY_NUMBER, name=generator.COUNTY_NAME
                )
                result = import_lines(
                    generator.generate(seed),
                    county=generator.COUNTY_NUMBER,
                    actor=None,
                    filename=f"demo (seed {seed})",
                    progress=options["verbosity"] >= 1 and sys.stderr.isatty(),
                )
                for number, name in generator.MUNICIPALITIES.items():
                    organisation.municipality_name(
                        actor=None, county=county, number=number, name=name
                    )
                users = self.create_staff(county)
                self.assign_caseloads(county)
                contacts = self.record_contacts(county)
                seed_faults(county, seed=seed)  # known faults for the data-quality check
                for udir_year in generator.SCHOOL_YEARS[-2:]:  # the latest table last
                    udir_demo.demo_udir_table(county=county, school_year=udir_year, seed=seed)
                report_demo.narratives_create(county, seed=seed)
                public_demo.add_referrals(county, seed)
                public_demo.add_contact_points(county)
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
                letters = letters_demo.queue_information_letters(county, seed)
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

        created = result.created
        self.stdout.write(
            _(
                "Demo county %(number)s %(name)s built (seed %(seed)s): %(units)s units, "
                "%(persons)s young people, %(registrations)s registrations, %(reasons)s reason "
                "facts, %(statuses)s status facts."
            )
            % {
                "number": generator.COUNTY_NUMBER,
                "name": generator.COUNTY_NAME,
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
        self.stdout.write(
            _("Staff users (password for all: %(password)s):")
            % {"password": generator.DEMO_PASSWORD}
        )
        for user in users:
            where = f", {user.unit.name}" if user.unit else ""
            self.stdout.write(f"  {user.username:<24} {Role(user.role).label}{where}")
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

    def existing_data(self) -> str:
        """What keeps the demo from being built here, in words; empty when nothing does."""
        if County.objects.filter(number=generator.COUNTY_NUMBER).exists():
            return _("county %(number)s") % {"number": generator.COUNTY_NUMBER}
        people = Person.objects.count()
        if people:
            return _("%(count)s young people") % {"count": people}
        return ""

    def create_staff(self, county: County) -> list:
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
            for staff in generator.STAFF
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

    def record_contacts(self, county: County) -> int:
        """The contacts behind the status histories of the latest school year: the conversation
        that established contact (the first status after OTUK), and an unanswered SMS for
        youths still OTUK."""
        latest = max(generator.SCHOOL_YEARS)
        count = 0
        registrations = Registration.objects.filter(county=county, school_year=latest)
        for registration in registrations.prefetch_related("status_facts").select_related(
            "advisor"
        ):
            facts = sorted(
                (f for f in registration.status_facts.all() if f.code != "OTUK"),
                key=lambda f: (f.valid_from, f.recorded_at),
            )
            when = datetime.combine(
                facts[0].valid_from if facts else registration.registered_on,
                time(10, 0),
                tzinfo=ZoneInfo("Europe/Oslo"),
            )
            casework.contact_record(
                actor=None,
                registration=registration,
                at=when if facts else when + timedelta(days=3),
                channel=Channel.PHONE if facts else Channel.SMS,
                outcome=Outcome.REACHED if facts else Outcome.NO_ANSWER,
            )
            count += 1
        return count
