"""Admin API: hooks of a channel (create, list, get, revoke) and reading a channel."""

from datetime import UTC, datetime

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from channel_hooks.errors import CaseNotFound
from channel_hooks.hooks import find_hook, hook_url, issue_hook, revoke_hook
from channel_hooks.http_api import (
    create_resolver,
    empty_response,
    json_response,
    page_request,
    path_value,
    public_base_url,
    read_json_object,
    require_channel_id,
    validate,
)
from channel_hooks.models import Hook, HookRequest, Page, could_be_sender_id
from channel_hooks.observability import logger, metrics
from channel_hooks.runtime import channel_repository
from channel_hooks.settings import get_settings

app = create_resolver()


def hook_view(hook: Hook) -> dict:
    base_url = public_base_url(app, get_settings().public_base_url)
    return {**hook.model_dump(mode="json"), "url": hook_url(base_url, hook)}


def page_view(page: Page, view=lambda item: item.model_dump(mode="json")) -> dict:
    return {"items": [view(item) for item in page.items], "nextCursor": page.next_cursor}


@app.post("/channels/<channel_id>/hooks")
def create_hook(channel_id: str):
    channel_id = require_channel_id(channel_id)
    request = validate(HookRequest, read_json_object(app))

    hook = issue_hook(channel_repository(), channel_id, request.purpose, _now())

    logger.info("hook created", channel_id=channel_id)
    return json_response(201, hook_view(hook))


@app.get("/channels/<channel_id>/hooks")
def list_hooks(channel_id: str):
    channel_id = require_channel_id(channel_id)
    page = page_request(app)

    hooks = channel_repository().list_hooks(channel_id, page.limit, page.cursor)
    return json_response(200, page_view(hooks, hook_view))


@app.get("/channels/<channel_id>/hooks/<hook_id>")
def get_hook(channel_id: str, hook_id: str):
    channel_id = require_channel_id(channel_id)

    hook = find_hook(channel_repository(), channel_id, path_value(hook_id))
    return json_response(200, hook_view(hook))


@app.delete("/channels/<channel_id>/hooks/<hook_id>")
def delete_hook(channel_id: str, hook_id: str):
    channel_id = require_channel_id(channel_id)

    revoke_hook(channel_repository(), channel_id, path_value(hook_id), _now())

    logger.info("hook revoked", channel_id=channel_id)
    return empty_response(204)


@app.get("/channels/<channel_id>/activities")
def list_activities(channel_id: str):
    channel_id = require_channel_id(channel_id)
    page = page_request(app)

    messages = channel_repository().list_activities(channel_id, page.limit, page.cursor)
    return json_response(200, page_view(messages))


@app.get("/channels/<channel_id>/cases")
def list_cases(channel_id: str):
    channel_id = require_channel_id(channel_id)
    page = page_request(app)

    cases = channel_repository().list_cases(channel_id, page.limit, page.cursor)
    return json_response(200, page_view(cases))


@app.get("/channels/<channel_id>/cases/<case_id>")
def get_case(channel_id: str, case_id: str):
    channel_id = require_channel_id(channel_id)
    page = page_request(app)

    case_id = path_value(case_id)
    repository = channel_repository()
    case = repository.get_case(channel_id, case_id) if could_be_sender_id(case_id) else None
    if case is None:
        raise CaseNotFound()
    thread = repository.list_thread(channel_id, case_id, page.limit, page.cursor)

    body = case.model_dump(mode="json")
    body.update(messages=[message.model_dump(mode="json") for message in thread.items])
    return json_response(200, {**body, "nextCursor": thread.next_cursor})


def _now() -> datetime:
    return datetime.now(UTC)


# log_event stays False whatever POWERTOOLS_LOGGER_LOG_EVENT says: events hold hook ids.
@logger.inject_lambda_context(
    log_event=False, correlation_id_path=correlation_paths.API_GATEWAY_HTTP
)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
