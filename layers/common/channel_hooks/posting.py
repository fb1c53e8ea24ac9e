"""What a post to a hook does: the four rules of the contract, in order.

1. An id already used in the channel: a duplicate; nothing is written.
2. A reference that resolves: the message joins that case's thread.
3. An id: a new case, holding the message as its first.
4. Otherwise: a plain activity in the channel stream.

Rule 1 is decided by the database's conditional writes in rules 2 and 3, never
by a read before the write, so two posts of one new id make exactly one case.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from channel_hooks.errors import HookNotFound, MessageIdTaken
from channel_hooks.models import (
    Case,
    Hook,
    IncomingPost,
    Message,
    could_be_hook_id,
    is_channel_id,
)


class PostResult(StrEnum):
    POSTED = "posted"
    CASE_CREATED = "case_created"
    CASE_UPDATED = "case_updated"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class PostOutcome:
    result: PostResult
    channel_id: str
    message_id: str
    case_id: str | None
    unresolved_references: list[str] = field(default_factory=list)


class PostStore(Protocol):
    def get_hook(self, channel_id: str, hook_id: str) -> Hook | None: ...

    def find_message_cases(
        self, channel_id: str, message_ids: list[str]
    ) -> dict[str, str | None]: ...

    def add_activity(self, message: Message) -> None: ...

    def create_case(self, message: Message, case: Case) -> None: ...

    def append_to_case(self, message: Message) -> None: ...


def require_active_hook(store: PostStore, channel_id: str, hook_id: str) -> Hook:
    """The hook behind a hook URL; unknown, revoked and other-channel hooks look alike."""
    if not is_channel_id(channel_id) or not could_be_hook_id(hook_id):
        raise HookNotFound()
    hook = store.get_hook(channel_id, hook_id)
    if hook is None or not hook.is_active:
        raise HookNotFound()
    return hook


def resolve_reference(references: list[str], cases_by_id: dict[str, str | None]) -> str | None:
    """The case of the first reference that names a message held by a case."""
    for reference in references:
        case_id = cases_by_id.get(reference)
        if case_id is not None:
            return case_id
    return None


def post_message(
    store: PostStore, channel_id: str, post: IncomingPost, received_at: datetime
) -> PostOutcome:
    references = post.distinct_references()
    cases_by_id = store.find_message_cases(channel_id, references) if references else {}
    target_case = resolve_reference(references, cases_by_id)
    unresolved = [reference for reference in references if cases_by_id.get(reference) is None]

    message_id = post.id if post.id is not None else str(uuid.uuid4())
    case_id = target_case or post.id
    message = Message(
        message_id=message_id,
        channel_id=channel_id,
        case_id=case_id,
        text=post.text,
        attachments=post.attachments,
        references=references,
        received_at=received_at,
    )

    try:
        result = _write(store, message, target_case)
    except MessageIdTaken as taken:
        return PostOutcome(PostResult.DUPLICATE, channel_id, taken.message_id, taken.case_id)
    return PostOutcome(result, channel_id, message_id, case_id, unresolved)


def _write(store: PostStore, message: Message, target_case: str | None) -> PostResult:
    if target_case is not None:
        store.append_to_case(message)
        return PostResult.CASE_UPDATED

    if message.case_id is not None:
        case = Case(
            case_id=message.case_id,
            channel_id=message.channel_id,
            created_at=message.received_at,
            updated_at=message.received_at,
            message_count=1,
        )
        store.create_case(message, case)
        return PostResult.CASE_CREATED

    store.add_activity(message)
    return PostResult.POSTED
