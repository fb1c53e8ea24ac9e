"""Ingest: POST /hooks/channels/{channelId}/{hookId}, the URL integrators post to.

Also answers API Gateway's default route, so that unknown routes and methods get
the service's JSON errors.
"""

from datetime import UTC, datetime

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from channel_hooks.http_api import (
    create_resolver,
    documented,
    json_response,
    path_value,
    read_json_object,
    request_body,
    validate,
)
from channel_hooks.models import IncomingPost, PostAnswer
from channel_hooks.observability import count, logger, metrics
from channel_hooks.posting import PostResult, post_message, require_active_hook
from channel_hooks.runtime import channel_repository, start_request

app = create_resolver()

STATUS_BY_RESULT = {
    PostResult.POSTED: 201,
    PostResult.CASE_CREATED: 201,
    PostResult.CASE_UPDATED: 201,
    PostResult.DUPLICATE: 200,
}
METRIC_BY_RESULT = {
    PostResult.POSTED: "Activities",
    PostResult.CASE_CREATED: "CasesCreated",
    PostResult.CASE_UPDATED: "CasesUpdated",
    PostResult.DUPLICATE: "Duplicates",
}


@app.post(
    "/hooks/channels/<channel_id>/<hook_id>",
    operation_id="postToHook",
    summary="Post a message to a channel through a hook",
    description=(
        "The URL is the credential. A plain post becomes an activity; a post with an id "
        "opens a case; a post whose references resolve joins that case's thread; an id "
        "seen before is a duplicate and writes nothing."
    ),
    tags=["ingest"],
    responses=documented(
        {
            201: ("posted, case_created or case_updated", PostAnswer),
            200: ("duplicate: the ids of the first post; nothing written", PostAnswer),
        },
        (400, 404, 413, 415, 422, 503, 507),
    ),
    openapi_extensions=request_body(IncomingPost),
)
def receive_post(channel_id: str, hook_id: str):
    channel_id, hook_id = path_value(channel_id), path_value(hook_id)
    repository = channel_repository()
    require_active_hook(repository, channel_id, hook_id)

    post = validate(IncomingPost, read_json_object(app))
    outcome = post_message(repository, channel_id, post, datetime.now(UTC))

    logger.info("post handled", channel_id=channel_id, result=outcome.result.value)
    count("Posts")
    count(METRIC_BY_RESULT[outcome.result])

    answer = PostAnswer(
        result=outcome.result.value,
        channel_id=outcome.channel_id,
        message_id=outcome.message_id,
        case_id=outcome.case_id,
        unresolved_references=outcome.unresolved_references,
    )
    return json_response(STATUS_BY_RESULT[outcome.result], answer)


# log_event stays False whatever POWERTOOLS_LOGGER_LOG_EVENT says: events hold hook ids.
@logger.inject_lambda_context(
    log_event=False, correlation_id_path=correlation_paths.API_GATEWAY_HTTP
)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    start_request(context)
    return app.resolve(event, context)
