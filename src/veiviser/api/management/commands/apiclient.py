import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser.api import services
from veiviser.api.models import SCOPES, ApiClient
from veiviser.organisation.models import County, Unit
from veiviser.problems import ValidationFailed


class Command(BaseCommand):
    help = (
        "API clients (docs/api.md). `apiclient create NAME --county 39 --scope registry:read "
        "--purpose '…'` prints the new token once (only its hash is kept); `apiclient list` "
        "shows every client and when its token expires; `apiclient renew NAME` issues a new token "
        "(the old one stops at once); `apiclient revoke NAME` ends a client for good. Scopes: "
        + ", ".join(SCOPES)
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a client and print its token once")
        create.add_argument("name", help="a short name: letters, digits, - and _")
        create.add_argument("--county", required=True, help="two-digit county number, e.g. 39")
        create.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=list(SCOPES),
            help="a scope the token grants (repeat for more)",
        )
        create.add_argument(
            "--purpose",
            required=True,
            help="why the system reads youths' records (the reason in the audit trail)",
        )
        create.add_argument(
            "--unit",
            help="keep the client to this unit (its key): the policy of a unit coordinator "
            "instead of the whole county",
        )
        create.add_argument(
            "--rate-limit", type=int, default=120, help="requests per minute (default 120)"
        )
        create.add_argument(
            "--days",
            type=int,
            help="the token expires after this many days (default VEIVISER_API_TOKEN_DAYS)",
        )
        listing = sub.add_parser("list", help="list the clients")
        listing.add_argument("--county", help="only this county's clients")
        listing.add_argument("--json", action="store_true", help="as JSON lines")
        renew = sub.add_parser(
            "renew", help="issue a new token (printed once); the old one stops working at once"
        )
        renew.add_argument("name")
        renew.add_argument(
            "--days",
            type=int,
            help="the new token expires after this many days (default VEIVISER_API_TOKEN_DAYS)",
        )
        revoke = sub.add_parser("revoke", help="revoke a client's token for good")
        revoke.add_argument("name")

    def handle(self, *args, **options):
        getattr(self, "_" + options["action"])(options)

    def _create(self, options):
        county = County.objects.filter(number=options["county"]).first()
        if county is None:
            raise CommandError(
                _("no county %(county)s in this database") % {"county": repr(options["county"])}
            )
        unit = None
        if options.get("unit"):
            unit = Unit.objects.filter(county=county, key=options["unit"]).first()
            if unit is None:
                raise CommandError(
                    _("no unit %(unit)s in county %(county)s")
                    % {"unit": repr(options["unit"]), "county": county.number}
                )
        try:
            client, token = services.apiclient_create(
                actor=None,
                name=options["name"],
                county=county,
                scopes=options["scope"],
                purpose=options["purpose"],
                rate_limit=options["rate_limit"],
                unit=unit,
                days=options.get("days"),
            )
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(
            _(
                "Created API client %(name)s for county %(county)s; the token expires "
                "%(expires)s. Its token (shown only now):"
            )
            % {"name": client.name, "county": county.number, "expires": _when(client.expires_at)}
        )
        self.stdout.write(token)

    def _renew(self, options):
        client = _client(options["name"])
        try:
            token = services.apiclient_renew(actor=None, client=client, days=options.get("days"))
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(
            _(
                "New token for %(name)s; it expires %(expires)s and the old one no longer "
                "works. The token (shown only now):"
            )
            % {"name": client.name, "expires": _when(client.expires_at)}
        )
        self.stdout.write(token)

    def _list(self, options):
        clients = ApiClient.objects.select_related("county", "user__unit").order_by(
            "county__number", "name"
        )
        if options.get("county"):
            clients = clients.filter(county__number=options["county"])
        now = timezone.now()
        for client in clients:
            row = {
                "name": client.name,
                "county": client.county.number,
                "unit": client.user.unit.key if client.user.unit_id else None,
                "scopes": client.scopes,
                "token_hint": client.token_hint,
                "rate_limit": client.rate_limit,
                "created_at": client.created_at.isoformat(),
                "expires_at": client.expires_at.isoformat(),
                "last_used_at": client.last_used_at.isoformat() if client.last_used_at else None,
                "revoked_at": client.revoked_at.isoformat() if client.revoked_at else None,
            }
            if options["json"]:
                self.stdout.write(json.dumps(row))
            else:
                if client.revoked_at:
                    state = _("revoked")
                elif client.is_expired(now):
                    state = _("expired")
                else:
                    state = _("active")
                self.stdout.write(
                    f"{client.name}\t{client.county.number}\t{','.join(client.scopes)}\t"
                    f"{client.token_hint}…\t{state}\t{_when(client.expires_at)}\t"
                    f"{row['last_used_at'] or '-'}"
                )

    def _revoke(self, options):
        client = _client(options["name"])
        if services.apiclient_revoke(actor=None, client=client):
            self.stdout.write(_("Revoked %(name)s.") % {"name": client.name})
        else:
            self.stdout.write(_("%(name)s was already revoked.") % {"name": client.name})


def _client(name: str) -> ApiClient:
    client = ApiClient.objects.select_related("user").filter(name=name).first()
    if client is None:
        raise CommandError(_("no API client %(name)s") % {"name": repr(name)})
    return client


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
