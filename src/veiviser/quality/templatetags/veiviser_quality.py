"""The youth page's transfer panel: the history received from another county (read-only),
the transfers sent, and the form to send one (docs/quality.md, "Transfer")."""

from django import template

from veiviser.quality.models import ReceivedTransfer, SentTransfer

register = template.Library()


@register.inclusion_tag("web/_transfer_panel.html")
def transfer_panel(registration, can_change: bool):
    from veiviser.web.quality_views import TransferSendForm

    received = list(ReceivedTransfer.objects.filter(registration=registration))
    sent = list(SentTransfer.objects.filter(registration=registration))
    return {
        "registration": registration,
        "received": received,
        "sent": sent,
        "form": TransferSendForm(prefix=None, own=registration.county.number)
        if can_change
        else None,
    }
