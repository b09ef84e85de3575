"""The API's request and response shapes (OpenAPI components). Ids are the records' stable
keys, the same as in the exchange format (EXCHANGE.md §1)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from veiviser.casework.models import AppointmentMode, Channel, Outcome
from veiviser.people.models import ContactChannel
from veiviser.registry.models import Source

ReasonGroup = Literal["not_applied", "declined", "dropped_out", "other"]


def checked_instant(value: datetime) -> datetime:
    """An instant must say its UTC offset (a wall-clock time is ambiguous) and be of our era."""
    if value.tzinfo is None:
        raise ValueError("give the UTC offset, e.g. 2024-09-12T10:00:00+02:00")
    if not 1900 <= value.year <= 2100:
        raise ValueError("not an instant between 1900 and 2100")
    return value


class Error(Schema):
    field: str = Field(description="the field or parameter at fault; empty for the whole request")
    reason: str


class Errors(Schema):
    errors: list[Error]


class PersonIn(Schema):
    fnr: str | None = Field(
        None, description="11 digits; leave out when the youth has none (flagged)"
    )
    birth_date: date
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    municipality: str = Field("", pattern=r"^(\d{4})?$", description="home municipality number")
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    preferred_channel: Literal[(*ContactChannel.values, "")] = ""  # type: ignore[valid-type]


class PersonOut(Schema):
    id: str
    fnr: str | None
    birth_date: date
    given_name: str
    family_name: str
    municipality: str
    address: str
    phone: str
    email: str
    preferred_channel: str
    lacks_identity_number: bool


class RegistrationIn(Schema):
    person: str = Field(description="the person's id")
    school_year: int = Field(ge=2000, le=2100, description="start year: 2024 means 2024/25")
    registered_on: date
    reason: ReasonGroup
    reason_code: str = Field("", max_length=16)
    source: Literal[(*Source.values, "")] = ""  # type: ignore[valid-type]
    unit: str | None = Field(
        None, description="the unit's id; default: the unit of the home municipality"
    )


class RegistrationOut(Schema):
    id: str
    person: str
    school_year: int
    registered_on: date
    reason: str
    reason_code: str
    source: str
    unit: str | None
    recorded_at: datetime
    status_now: str | None = Field(description="the status in force today")
    reason_now: str | None = Field(description="the reason group in force today")


class StatusFactIn(Schema):
    code: str = Field(min_length=1, max_length=16, description="a status code, e.g. OTOV")
    valid_from: date


class StatusFactOut(Schema):
    id: str
    registration: str
    code: str
    valid_from: date
    recorded_at: datetime


class ReasonFactIn(Schema):
    reason: ReasonGroup
    valid_from: date


class ReasonFactOut(Schema):
    id: str
    registration: str
    reason: str
    valid_from: date
    recorded_at: datetime


class ContactIn(Schema):
    at: datetime
    channel: Literal[tuple(Channel.values)]  # type: ignore[valid-type]
    outcome: Literal[tuple(Outcome.values)]  # type: ignore[valid-type]
    note: str = Field("", max_length=10_000)

    @field_validator("at")
    @classmethod
    def _an_instant(cls, value: datetime) -> datetime:
        return checked_instant(value)


class ContactOut(Schema):
    id: int
    registration: str
    at: datetime
    channel: str
    outcome: str
    note: str
    recorded_at: datetime


class AppointmentIn(Schema):
    starts_at: datetime = Field(description="the start, with its UTC offset; a time to come")
    duration_minutes: int = Field(45, ge=5, le=480)
    mode: Literal[tuple(AppointmentMode.values)]  # type: ignore[valid-type]
    place: str = Field("", max_length=200, description="required for a meeting")
    note: str = Field(
        "", max_length=1000, description="the youth reads it on Min side: nothing confidential"
    )

    @field_validator("starts_at")
    @classmethod
    def _an_instant(cls, value: datetime) -> datetime:
        return checked_instant(value)


class AppointmentCancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class AppointmentOut(Schema):
    id: int
    registration: str
    starts_at: datetime
    ends_at: datetime
    mode: str
    place: str
    note: str
    created_at: datetime
    moved_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    contact: int | None = Field(description="the contact it was recorded as, once held")


class Page(Schema):
    count: int
    limit: int
    offset: int
    next_offset: int | None


class PersonPage(Page):
    items: list[PersonOut]


class RegistrationPage(Page):
    items: list[RegistrationOut]


class StatusFactPage(Page):
    items: list[StatusFactOut]


class ReasonFactPage(Page):
    items: list[ReasonFactOut]


class ContactPage(Page):
    items: list[ContactOut]


class AppointmentPage(Page):
    items: list[AppointmentOut]


class Table1(Schema):
    not_applied: int | None
    declined: int | None
    dropped_out: int | None
    other: int | None
    total: int | None


class Table2(Schema):
    group1: int | None
    group2: int | None
    group3: int | None
    group4: int | None
    target_group: int | None
    not_in_target_group: int | None
    outside_age: int | None
    total: int | None


class CountingDate(Schema):
    date: date
    table1: Table1
    table2: Table2


class StatisticsOut(Schema):
    """EXCHANGE.md §3; a suppressed cell is null."""

    county: str
    school_year: int
    known_at: str | None
    suppressed: bool
    counting_dates: list[CountingDate]
