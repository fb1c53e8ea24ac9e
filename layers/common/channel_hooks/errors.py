"""Every error the service can answer with, free of HTTP and of boto3.

The mapping to status codes lives in ``channel_hooks.http_api``.
"""


class ChannelHooksError(Exception):
    """Base of the errors that end a request with a refusal."""

    def __init__(self, message: str, details: list[dict] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class InvalidJson(ChannelHooksError):
    """The body is not one JSON object."""


class UnsupportedMediaType(ChannelHooksError):
    """The body was sent with a Content-Type other than JSON."""


class PayloadTooLarge(ChannelHooksError):
    """The body is over the size limit."""


class ValidationFailed(ChannelHooksError):
    """Fields break the contract's rules; ``details`` names each one."""


class InvalidCursor(ChannelHooksError):
    """A list cursor that the service did not issue."""


class NotFound(ChannelHooksError):
    """An unknown route, hook or case."""


class HookNotFound(NotFound):
    """No active hook with that id in that channel; unknown and revoked look alike."""

    def __init__(self) -> None:
        super().__init__("hook not found")


class CaseNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("case not found")


class MethodNotAllowed(ChannelHooksError):
    def __init__(self, allowed: list[str]) -> None:
        super().__init__("this path does not accept that method")
        self.allowed = allowed


class ChannelFull(ChannelHooksError):
    """The channel holds all DynamoDB keeps under one partition key (10 GB)."""

    def __init__(self) -> None:
        super().__init__("this channel is full; nothing more can be stored in it")


class StoreUnavailable(ChannelHooksError):
    """The database throttled or failed after retries; nothing was half-written."""

    def __init__(self) -> None:
        super().__init__("the service is busy, try again shortly")


class MessageIdTaken(Exception):
    """A message id is already used in the channel: the post is a duplicate.

    Not a refusal: the domain turns it into a ``duplicate`` answer.
    """

    def __init__(self, message_id: str, case_id: str | None) -> None:
        super().__init__("message id already used in this channel")
        self.message_id = message_id
        self.case_id = case_id
