"""List cursors: opaque to callers, signed so that only cursors this service issued
are taken back, and bound to the one list of the one channel they came from."""

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from channel_hooks.errors import InvalidCursor

MAX_CURSOR_CHARS = 4_096
SIGNATURE_BYTES = 16


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def encode(self, list_name: str, position: dict[str, str]) -> str:
        content = json.dumps(
            {"list": list_name, "at": position}, separators=(",", ":"), ensure_ascii=False
        )
        payload = _b64encode(content.encode("utf-8"))
        return f"{payload}.{self._sign(payload)}"

    def decode(self, list_name: str, cursor: str) -> dict[str, str]:
        """The position a cursor stands for, or InvalidCursor."""
        payload, _, signature = cursor.partition(".")
        if len(cursor) > MAX_CURSOR_CHARS or not hmac.compare_digest(
            signature.encode("ascii", "replace"), self._sign(payload).encode("ascii")
        ):
            raise InvalidCursor("cursor was not issued by this service")
        try:
            content: Any = json.loads(_b64decode(payload))
        except (ValueError, binascii.Error) as error:
            raise InvalidCursor("cursor was not issued by this service") from error
        if not isinstance(content, dict) or content.get("list") != list_name:
            raise InvalidCursor("cursor belongs to another list")
        return content["at"]

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode("utf-8", "replace"), hashlib.sha256).digest()
        return _b64encode(digest[:SIGNATURE_BYTES])
