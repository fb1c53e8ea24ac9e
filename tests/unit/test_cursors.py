"""Cursors come back only as the service issued them, for the list they came from."""

import pytest

from channel_hooks.cursors import CursorCodec
from channel_hooks.errors import InvalidCursor

POSITION = {"PK": "CHANNEL#c1", "SK": "MESSAGE#m1", "TimeKey": "ACTIVITY#2026#m1"}


def test_an_issued_cursor_decodes_to_its_position():
    codec = CursorCodec(b"k" * 32)

    cursor = codec.encode("activities@c1", POSITION)

    assert codec.decode("activities@c1", cursor) == POSITION


@pytest.mark.parametrize(
    "forge",
    [
        lambda cursor: cursor.split(".")[0],  # signature dropped
        lambda cursor: cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"),
        lambda cursor: CursorCodec(b"another key" * 3).encode("activities@c1", POSITION),
        lambda cursor: "",
        lambda cursor: cursor + "x" * 3000,
        lambda cursor: "é." + cursor,
    ],
)
def test_a_cursor_the_service_did_not_issue_is_refused(forge):
    codec = CursorCodec(b"k" * 32)
    issued = codec.encode("activities@c1", POSITION)

    with pytest.raises(InvalidCursor):
        codec.decode("activities@c1", forge(issued))


def test_a_cursor_of_another_list_is_refused():
    codec = CursorCodec(b"k" * 32)

    cursor = codec.encode("activities@c1", POSITION)

    with pytest.raises(InvalidCursor):
        codec.decode("activities@c2", cursor)
