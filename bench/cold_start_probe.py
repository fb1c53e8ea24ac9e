"""One cold start, in a fresh interpreter: import a handler and serve its first request.

Usage: python bench/cold_start_probe.py floor|ingest|manage_hooks
Prints the milliseconds from this script's first line to the first answer.
"""

import time

started = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]

from bench import fake_dynamodb  # noqa: E402
from bench.events import event_for  # noqa: E402
from bench.handlers import Context, load_function, prepare_environment  # noqa: E402

prepare_environment()
fake_dynamodb.install("plain", "bench-table")

which = sys.argv[1]
if which == "floor":
    from bench import floor as module
else:
    module = load_function(which)

request = event_for("plain") if which != "manage_hooks" else event_for("list_hooks")
answer = module.lambda_handler(request, Context())
elapsed = (time.perf_counter() - started) * 1000
assert answer["statusCode"] < 300, answer
sys.stderr.write(json.dumps({"ms": elapsed}) + "\n")
