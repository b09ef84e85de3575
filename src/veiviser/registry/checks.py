"""Checks on registrations and facts against the kodeverk, shared by services and importers.

Each returns a list of problems (field and reason); an empty list means acceptable.
"""

from datetime import date

from django.utils.translation import gettext as _

from veiviser.codes.selectors import Kodeverk, school_year_bounds, school_year_label
from veiviser.problems import Problem


def check_registration(
    kv: Kodeverk, *, school_year: int, registered_on: date, reason: str, reason_code: str = ""
) -> list[Problem]:
    problems = []
    start, end = school_year_bounds(school_year)
    if not start <= registered_on <= end:
        problems.append(
            Problem(
                "registered_on",
                _("%(value)s is outside school year %(year)s (%(start)s – %(end)s)")
                % {
                    "value": registered_on.isoformat(),
                    "year": school_year_label(school_year),
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                },
            )
        )
    problems += check_reason(kv, reason)
    if reason_code:
        group = kv.reason_group_of_code(reason_code, school_year)
        # Unknown detail codes are kept as data (sources use their own); a known code must
        # belong to the reason group it is given with.
        if group is not None and reason in kv.reason_groups and group != reason:
            problems.append(
                Problem(
                    "reason_code",
                    _("%(code)s belongs to reason group %(group)s, not %(reason)s")
                    % {"code": reason_code, "group": repr(group), "reason": repr(reason)},
                )
            )
    return problems


def check_reason(kv: Kodeverk, reason: str, field: str = "reason") -> list[Problem]:
    if reason not in kv.reason_groups:
        return [
            Problem(
                field,
                _("%(reason)s is not a reason group (one of %(groups)s)")
                % {"reason": repr(reason), "groups": ", ".join(kv.reason_groups)},
            )
        ]
    return []


def check_valid_from(school_year: int, valid_from: date) -> list[Problem]:
    start, end = school_year_bounds(school_year)
    if not start <= valid_from <= end:
        return [
            Problem(
                "valid_from",
                _(
                    "%(value)s is outside the registration's school year %(year)s "
                    "(%(start)s – %(end)s)"
                )
                % {
                    "value": valid_from.isoformat(),
                    "year": school_year_label(school_year),
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                },
            )
        ]
    return []


def check_status_code(kv: Kodeverk, code: str, school_year: int) -> list[Problem]:
    if kv.status_main_group(code, school_year) is None:
        if code in kv.status_codes:
            why = _("%(code)s is not valid in school year %(year)s") % {
                "code": repr(code),
                "year": school_year_label(school_year),
            }
        else:
            why = _("%(code)s is not an OT status code") % {"code": repr(code)}
        return [Problem("code", why)]
    return []
