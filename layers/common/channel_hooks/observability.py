"""The one Logger and the one Metrics every module shares.

Log calls take a fixed lowercase message and keyword fields. Never log a hook id,
a hook URL, a raw path, an event or a body: the hook id is a credential.
"""

import logging
import warnings

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric

NAMESPACE = "ChannelHooks"

logger = Logger(service="channel-hooks")
metrics = Metrics(namespace=NAMESPACE, service="channel-hooks")

# A refusal's metric is flushed on its own (it has its own dimension), which leaves the
# invocation's document empty: that is expected, not worth a warning per request.
warnings.filterwarnings("ignore", message="No application metrics to publish")

# Powertools' debug logs name the request path, and the AWS SDK's show whole DynamoDB
# requests and responses: both hold hook ids. Keep them quiet whatever the environment
# (POWERTOOLS_DEBUG, AWS_LAMBDA_LOG_LEVEL, a root logger at DEBUG) asks for.
for _talkative in ("aws_lambda_powertools", "boto3", "botocore", "urllib3", "s3transfer"):
    logging.getLogger(_talkative).setLevel(logging.WARNING)


def count(name: str) -> None:
    """Add one to a metric of this invocation (flushed by the handler's log_metrics)."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


def count_refusal(error_code: str) -> None:
    """Add one to Refusals, by error code, as its own metric document."""
    with single_metric(
        name="Refusals",
        unit=MetricUnit.Count,
        value=1,
        namespace=NAMESPACE,
        default_dimensions=metrics.default_dimensions,
    ) as metric:
        metric.add_dimension(name="error_code", value=error_code)
