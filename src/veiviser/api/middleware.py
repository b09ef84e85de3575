"""An API request acts as its client's service user.

This runs after Django's authentication and before the tenant wall
(`veiviser.tenancy.middleware.TenantWallMiddleware`), so a request with a valid bearer token is
walled to the client's county in PostgreSQL exactly as a logged-in user is. Only `/api/` paths
look at the header; a session cookie never authenticates an API call.
"""

from django.contrib.auth.models import AnonymousUser

from veiviser.api.selectors import client_for_token

API_PREFIX = "/api/"


class ApiClientMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            request.api_client = None
            request.api_token_expired = False
            request.user = AnonymousUser()
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                client = client_for_token(token.strip())
                if client is not None and client.is_expired():
                    # Only the holder of this very token learns that it expired (401).
                    request.api_token_expired = True
                elif client is not None:
                    request.api_client = client
                    request.user = client.user
        return self.get_response(request)
