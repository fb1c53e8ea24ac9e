"""The one Logger every module shares.

Log calls take a fixed lowercase message and keyword fields. Never log a hook id,
a hook URL, a raw path, an event or a body: the hook id is a credential.
"""

import logging

from aws_lambda_powertools import Logger

logger = Logger(service="channel-hooks")

# Powertools' own debug logs name the request path, which holds the hook id;
# keep them off even when POWERTOOLS_DEBUG asks for them.
logging.getLogger("aws_lambda_powertools").setLevel(logging.INFO)
