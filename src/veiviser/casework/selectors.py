"""Reads of the casework."""

from django.db.models import Q

from veiviser.casework.models import WorkingList


def working_lists_for(user):
    """The user's own working lists and those shared by colleagues in the same unit."""
    shared = Q(shared=True, owner__unit_id=user.unit_id) if user.unit_id else Q(pk__in=[])
    return WorkingList.objects.filter(Q(owner=user) | shared).select_related("owner")
