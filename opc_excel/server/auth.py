"""Authentication by a shared token, xlwings Server's ``custom`` provider.

The token is set with ``OPC_EXCEL_TOKEN`` (or :func:`set_token` in tests). Users type it once in
the task pane; the add-in sends it in the ``Authorization`` header. A request without the right
token gets 401 before its workbook is even read. Microsoft Entra ID is the other way, configured
through xlwings Server's own settings (``XLWINGS_AUTH_PROVIDERS=["entraid"]``).
"""

from __future__ import annotations

import os
import secrets

from fastapi import HTTPException, status
from xlwings_server.models import User

TOKEN_VARIABLE = "OPC_EXCEL_TOKEN"
MIN_TOKEN_LENGTH = 16
_token: str | None = None


def set_token(token: str | None) -> None:
    """Set the expected token (``None``: read ``OPC_EXCEL_TOKEN``)."""
    global _token
    _token = token


def expected_token() -> str | None:
    return _token if _token is not None else os.environ.get(TOKEN_VARIABLE) or None


async def validate_token(token_string: str) -> User:
    """Return the user of a valid token; raise 401 with a French message otherwise."""
    expected = expected_token()
    given = token_string.removeprefix("Bearer ").strip()
    if expected and given and secrets.compare_digest(given.encode(), expected.encode()):
        return User(id="jeton-opc", name="Utilisateur OPC urbain")
    raise HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Accès refusé : jeton d'accès absent ou incorrect. Saisissez le jeton fourni par le service "
               "informatique dans le volet OPC urbain (rubrique « Jeton d'accès »), puis recommencez.")
