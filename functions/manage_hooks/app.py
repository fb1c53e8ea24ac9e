"""Admin API: hooks of a channel (create, list, get, revoke) and reading a channel."""

from datetime import UTC, datetime

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from channel_hooks.errors import CaseNotFound
from channel_hooks.hooks import find_hook, hook_url, issue_hook, revoke_hook
from channel_hooks.http_api import (
    PAGED,
    SIGV4,
    create_resolver,
    documented,
    empty_response,
    json_response,
    page_request,
    path_value,
    public_base_url,
    read_json_object,
    request_body,
    require_channel_id,
    validate,
)
from channel_hooks.models import (
    CasePage,
    CaseThread,
    Hook,
    HookPage,
    HookRequest,
    HookView,
    MessagePage,
    could_be_sender_id,
)
from channel_hooks.observability import logger, metrics
from channel_hooks.runtime import channel_repository, start_request
from channel_hooks.settings import get_settings

app = create_resolver()


def hook_view(hook: Hook) -> HookView:
    base_url = public_base_url(app, get_settings().public_base_url)
    return HookView(**hook.model_dump(by_alias=False), url=hook_url(base_url, hook))


@app.post(
    "/channels/<channel_id>/hooks",
    operation_id="createHook",
    summary="Create a hook for a channel",
    tags=["hooks"],
    security=SIGV4,
    responses=documented(
        {201: ("the hook, with its URL", HookView)}, (400, 413, 415, 422, 503, 507)
    ),
    openapi_extensions=request_body(HookRequest),
)
def create_hook(channel_id: str):
    channel_id = require_channel_id(channel_id)
    request = validate(HookRequest, read_json_object(app))

    hook = issue_hook(channel_repository(), channel_id, request.purpose, _now())

    logger.info("hook created", channel_id=channel_id)
    return json_response(201, hook_view(hook))


@app.get(
    "/channels/<channel_id>/hooks",
    operation_id="listHooks",
    summary="The channel's hooks, revoked ones too, newest first",
    tags=["hooks"],
    security=SIGV4,
    responses=documented({200: ("one page of hooks", HookPage)}, (400, 422, 503)),
    openapi_extensions=PAGED,
)
def list_hooks(channel_id: str):
    channel_id = require_channel_id(channel_id)
    page = page_request(app)

    hooks = channel_repository().list_hooks(channel_id, page.limit, page.cursor)
    views = [hook_view(hook) for hook in hooks.items]
    return json_response(200, HookPage(items=views, next_cursor=hooks.next_cursor))


@app.get(
    "/channels/<channel_id>/hooks/<hook_id>",
    operation_id="getHook",
    summary="One hook",
    tags=["hooks"],
    security=SIGV4,
    responses=documented({200: ("the hook", HookView)}, (404, 422, 503)),
)
def get_hook(channel_id: str, hook_id: str):
    channel_id = require_channel_id(channel_id)

    hook = find_hook(channel_repository(), channel_id, path_value(hook_id))
    return json_response(200, hook_view(hook))


@app.delete(
    "/channels/<channel_id>/hooks/<hook_id>",
    operation_id="revokeHook",
    summary="Revoke a hook: its URL answers 404 from then on; what it posted stays",
    tags=["hooks"],
    security=SIGV4,
    responses=documented({204: ("revoked, now or before", None)}, (404, 422, 503)),
)
def delete_hook(channel_id: str, hook_id: str):
    channel_id = require_channel_id(channel_id)

    revoke_hook(channel_repository(), channel_id, path_value(hook_id), _now())

    logger.info("hook revoked", channel_id=channel_id)
    return empty_response(204)


@app.get(
    "/channels/<channel_id>/activities",
    operation_id="listActivities",
    summary="Every message posted to the channel, newest first",
    tags=["channel"],
    security=SIGV4,
    responses=documented({200: ("one page of messages", MessagePage)}, (400, 422, 503)),
    openapi_extensions=PAGED,
)
def list_activities(channel_id: str):
    channel_id = require_channel_id(channel_id)
    page = page_request(app)

    messages = channel_repository().list_activities(channel_id, page.limit, page.cursor)
    return json_response(200, MessagePage(items=messages.items, next_cursor=messages.next_cursor))


@app.get(
    "/channels/<channel_id>/cases",
    operation_id="listCases",
    summary="The channel's cases, newest first",
    tags=["channel"],
    security=SIGV4,
    responses=documented({200: ("one page of cases", CasePage)}, (400, 422, 503)),
    openapi_extensions=PAGED,
)
def list_cases(channel_id: str):
    channel_id = require_channel_id(channel_id)
    page = page_request(app)

    cases = channel_repository().list_cases(channel_id, page.limit, page.cursor)
    return json_response(200, CasePage(items=cases.items, next_cursor=cases.next_cursor))


@app.get(
    "/channels/<channel_id>/cases/<case_id>",
    operation_id="getCase",
    summary="One case and a page of its thread, oldest message first",
    tags=["channel"],
    security=SIGV4,
    responses=documented({200: ("the case and its thread", CaseThread)}, (400, 404, 422, 503)),
    openapi_extensions=PAGED,
)
def get_case(channel_id: str, case_id: str):
    channel_id = require_channel_id(channel_id)
    page = page_request(app)

    case_id = path_value(case_id)
    repository = channel_repository()
    case = repository.get_case(channel_id, case_id) if could_be_sender_id(case_id) else None
    if case is None:
        raise CaseNotFound()
    thread = repository.list_thread(channel_id, case_id, page.limit, page.cursor)

    answer = CaseThread(
        **case.model_dump(by_alias=False), messages=thread.items, next_cursor=thread.next_cursor
    )
    return json_response(200, answer)


def _now() -> datetime:
    return datetime.now(UTC)


# log_event stays False whatever POWERTOOLS_LOGGER_LOG_EVENT says: events hold hook ids.
@logger.inject_lambda_context(
    log_event=False, correlation_id_path=correlation_paths.API_GATEWAY_HTTP
)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    start_request(context)
    return app.resolve(event, context)
