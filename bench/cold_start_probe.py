"""One cold start, in a fresh interpreter: import a handler and serve its first request.

Usage: python bench/cold_start_probe.py floor|ingest|manage_hooks
Prints the milliseconds from this script's first line to the first answer.
"""

import time

started = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]

from bench import fake_dynamodb  # noqa: E402
from bench.events import Context, event_for  # noqa: E402

os.environ.update(
    TABLE_NAME="bench-table",
    CURSOR_SECRET="b" * 32,
    AWS_DEFAULT_REGION="us-east-1",
    AWS_ACCESS_KEY_ID="bench",
    AWS_SECRET_ACCESS_KEY="bench",
)
fake_dynamodb.install("plain", "bench-table")

which = sys.argv[1]
if which == "floor":
    from bench import floor as module
else:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        f"{which}_app", ROOT / "functions" / which / "app.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

request = event_for("plain") if which != "manage_hooks" else event_for("list_hooks")
answer = module.lambda_handler(request, Context())
elapsed = (time.perf_counter() - started) * 1000
assert answer["statusCode"] < 300, answer
sys.stderr.write(json.dumps({"ms": elapsed}) + "\n")
