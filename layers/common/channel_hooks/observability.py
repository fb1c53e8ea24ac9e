"""The one Logger every module shares.

Log calls take a fixed lowercase message and keyword fields. Never log a hook id,
a hook URL, a raw path, an event or a body: the hook id is a credential.
"""

import logging

from aws_lambda_powertools import Logger

logger = Logger(service="channel-hooks")

# Powertools' debug logs name the request path, and the AWS SDK's show whole DynamoDB
# requests and responses: both hold hook ids. Keep them quiet whatever the environment
# (POWERTOOLS_DEBUG, AWS_LAMBDA_LOG_LEVEL, a root logger at DEBUG) asks for.
for _talkative in ("aws_lambda_powertools", "boto3", "botocore", "urllib3", "s3transfer"):
    logging.getLogger(_talkative).setLevel(logging.WARNING)
