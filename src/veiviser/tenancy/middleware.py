"""Set the database's tenant wall to the logged-in user's county for each request."""

from veiviser.tenancy.db import county_scope


class TenantWallMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        county_id = getattr(user, "county_id", None) if user and user.is_authenticated else None
        if county_id is None:
            return self.get_response(request)
        with county_scope(county_id):
            return self.get_response(request)
