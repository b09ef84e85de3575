from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veiviser.accounts import services as accounts


class Command(BaseCommand):
    help = (
        "Lift a login lock before its 15 minutes are over (docs/security.md): "
        "`unlock --username kari`, `unlock --address 10.0.0.7`, or both. The failed attempts "
        "of the current window are forgotten; the audit trail keeps them and records the "
        "lifting (accounts.lock.lifted)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="", help="the locked username")
        parser.add_argument("--address", default="", help="the locked client address (IP)")

    def handle(self, *args, **options):
        username = options["username"].strip()
        address = options["address"].strip()
        if not username and not address:
            raise CommandError(_("give --username or --address (or both)"))
        forgotten = accounts.lock_lift(actor=None, username=username, address=address)
        self.stdout.write(
            _("Lock lifted: %(count)s failed attempts forgotten.") % {"count": forgotten}
        )
