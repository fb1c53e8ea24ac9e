"""The bench's way in to the functions: load a handler module, give it a context."""

import importlib.util
import os
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
# Placeholder credentials and a table name: nothing the bench does leaves the machine.
ENVIRONMENT = {
    "TABLE_NAME": "bench-table",
    "CURSOR_SECRET": "b" * 32,
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
}


def prepare_environment() -> None:
    os.environ.update(ENVIRONMENT)


def load_function(name: str) -> ModuleType:
    """functions/<name>/app.py, under a module name of its own."""
    spec = importlib.util.spec_from_file_location(
        f"bench_{name}_app", ROOT / "functions" / name / "app.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Context:
    """What Powertools reads of Lambda's context."""

    function_name = "bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    memory_limit_in_mb = 512
    aws_request_id = "bench"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000  # the template's Timeout
