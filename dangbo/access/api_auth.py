"""Personal API tokens for django-ninja: `Authorization: Bearer dbs_...`.

The token resolves to its owner, who becomes `request.user`, so every route applies the owner's
scope exactly as for a signed-in session. Unknown, revoked or expired tokens, and tokens of a
deactivated account, get 401. No CSRF check is needed: a bearer header is never sent
automatically by a browser.

dangbo/api_urls.py tries it before the session cookie (whose CSRF check would otherwise refuse
every write made with a token): `AUTH = [TokenAuth(), *API_AUTH]`.
"""

from __future__ import annotations

from ninja.security import HttpBearer

from dangbo.access.services import token_resolve


class TokenAuth(HttpBearer):
    openapi_description = "Mã truy cập cá nhân (tạo tại /tai-khoan/ma-truy-cap/)."

    def authenticate(self, request, token: str):
        user = token_resolve(token)
        if user is None:
            return None
        request.user = user
        return user
