"""Issuing and revoking hooks: the admin side of section 2 of the contract."""

import uuid
from datetime import datetime
from typing import Protocol

from channel_hooks.errors import HookNotFound
from channel_hooks.models import Hook, could_be_hook_id


class HookStore(Protocol):
    def put_hook(self, hook: Hook) -> None: ...

    def get_hook(self, channel_id: str, hook_id: str) -> Hook | None: ...

    def revoke_hook(self, channel_id: str, hook_id: str, revoked_at: datetime) -> Hook | None: ...


def issue_hook(store: HookStore, channel_id: str, purpose: str, now: datetime) -> Hook:
    # A UUID4 carries 122 random bits from the operating system's generator.
    hook = Hook(
        hook_id=str(uuid.uuid4()),
        channel_id=channel_id,
        purpose=purpose,
        status="active",
        created_at=now,
    )
    store.put_hook(hook)
    return hook


def find_hook(store: HookStore, channel_id: str, hook_id: str) -> Hook:
    if not could_be_hook_id(hook_id):
        raise HookNotFound()
    hook = store.get_hook(channel_id, hook_id)
    if hook is None:
        raise HookNotFound()
    return hook


def revoke_hook(store: HookStore, channel_id: str, hook_id: str, now: datetime) -> Hook:
    """Revoke a hook; revoking it again changes nothing and is not an error."""
    if not could_be_hook_id(hook_id):
        raise HookNotFound()
    hook = store.revoke_hook(channel_id, hook_id, now)
    if hook is None:
        raise HookNotFound()
    return hook


def hook_url(base_url: str, hook: Hook) -> str:
    return f"{base_url}/hooks/channels/{hook.channel_id}/{hook.hook_id}"
