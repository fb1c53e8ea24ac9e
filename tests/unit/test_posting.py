"""The four rules of a post, against an in-memory store that keeps the same promises."""

from datetime import UTC, datetime

import pytest

from channel_hooks.errors import HookNotFound, MessageIdTaken
from channel_hooks.models import Case, Hook, IncomingPost, Message
from channel_hooks.posting import PostResult, post_message, require_active_hook, resolve_reference

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)


class MemoryStore:
    def __init__(self) -> None:
        self.messages: dict[tuple[str, str], Message] = {}
        self.cases: dict[tuple[str, str], Case] = {}
        self.hooks: dict[tuple[str, str], Hook] = {}

    def get_hook(self, channel_id, hook_id):
        return self.hooks.get((channel_id, hook_id))

    def find_message_cases(self, channel_id, message_ids):
        return {
            message_id: self.messages[(channel_id, message_id)].case_id
            for message_id in message_ids
            if (channel_id, message_id) in self.messages
        }

    def _claim(self, message):
        key = (message.channel_id, message.message_id)
        if key in self.messages:
            raise MessageIdTaken(message.message_id, self.messages[key].case_id)
        self.messages[key] = message

    def add_activity(self, message):
        self._claim(message)

    def create_case(self, message, case):
        self._claim(message)
        self.cases[(case.channel_id, case.case_id)] = case

    def append_to_case(self, message):
        self._claim(message)
        key = (message.channel_id, message.case_id)
        case = self.cases[key]
        self.cases[key] = case.model_copy(update={"message_count": case.message_count + 1})


def post(store, document, channel="c1"):
    return post_message(store, channel, IncomingPost.model_validate(document), NOW)


def test_plain_post_is_an_activity_with_a_generated_id():
    store = MemoryStore()

    outcome = post(store, {"text": "hello"})

    assert outcome.result is PostResult.POSTED
    assert outcome.case_id is None
    assert store.messages[("c1", outcome.message_id)].text == "hello"


def test_id_creates_a_case_holding_the_message():
    store = MemoryStore()

    outcome = post(store, {"id": "event1", "text": "hello"})

    assert (outcome.result, outcome.message_id, outcome.case_id) == (
        PostResult.CASE_CREATED,
        "event1",
        "event1",
    )
    assert store.cases[("c1", "event1")].message_count == 1


def test_repeated_id_is_a_duplicate_and_writes_nothing():
    store = MemoryStore()
    post(store, {"id": "event1", "text": "first"})

    outcome = post(store, {"id": "event1", "text": "second"})

    assert (outcome.result, outcome.message_id, outcome.case_id) == (
        PostResult.DUPLICATE,
        "event1",
        "event1",
    )
    assert store.messages[("c1", "event1")].text == "first"


def test_duplicate_wins_over_references():
    store = MemoryStore()
    post(store, {"id": "event1", "text": "case"})
    post(store, {"id": "event2", "references": ["event1"], "text": "reply"})

    outcome = post(store, {"id": "event2", "references": ["event1"], "text": "retry"})

    assert outcome.result is PostResult.DUPLICATE
    assert store.cases[("c1", "event1")].message_count == 2


def test_reference_to_a_message_id_reaches_the_case_that_holds_it():
    store = MemoryStore()
    post(store, {"id": "event1", "text": "case"})
    post(store, {"id": "event2", "references": ["event1"], "text": "reply"})

    outcome = post(store, {"id": "event3", "references": ["event2"], "text": "reply to reply"})

    assert (outcome.result, outcome.case_id) == (PostResult.CASE_UPDATED, "event1")
    assert store.cases[("c1", "event1")].message_count == 3


def test_first_resolving_reference_wins_and_the_rest_unresolved_are_listed():
    store = MemoryStore()
    post(store, {"id": "a", "text": "case a"})
    post(store, {"id": "b", "text": "case b"})

    outcome = post(store, {"references": ["missing", "b", "a"], "text": "reply"})

    assert outcome.case_id == "b"
    assert outcome.unresolved_references == ["missing"]


def test_unresolved_references_never_lose_the_message():
    store = MemoryStore()

    with_id = post(store, {"id": "x", "references": ["nowhere"], "text": "t"})
    without_id = post(store, {"references": ["nowhere"], "text": "t"})

    assert (with_id.result, with_id.unresolved_references) == (
        PostResult.CASE_CREATED,
        ["nowhere"],
    )
    assert (without_id.result, without_id.unresolved_references) == (
        PostResult.POSTED,
        ["nowhere"],
    )


def test_the_same_id_in_another_channel_is_another_case():
    store = MemoryStore()
    post(store, {"id": "event1", "text": "one"}, channel="c1")

    outcome = post(store, {"id": "event1", "text": "two"}, channel="c2")

    assert outcome.result is PostResult.CASE_CREATED


def test_resolve_reference_skips_messages_without_a_case():
    assert resolve_reference(["plain", "x"], {"plain": None, "x": "case-x"}) == "case-x"


def test_revoked_and_unknown_hooks_are_refused_alike():
    store = MemoryStore()
    store.hooks[("c1", "h1")] = Hook(
        hook_id="h1", channel_id="c1", purpose="p", status="revoked", created_at=NOW
    )

    for channel, hook in (("c1", "h1"), ("c1", "unknown"), ("c2", "h1"), ("bad/id", "h1")):
        with pytest.raises(HookNotFound):
            require_active_hook(store, channel, hook)
