"""The deployable artifacts: template checks of the SAM CLI, and an arm64 build whose
every compiled module is AArch64."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

SAM = ROOT / ".venv-sam" / "bin" / "sam"
ELF_MAGIC = b"\x7fELF"
AARCH64 = 183  # e_machine of an ELF file built for AArch64


def sam(*arguments: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    if not SAM.exists():
        pytest.fail("the SAM CLI is missing: `make test` installs it into .venv-sam")
    # The python3.13 runtime builds with a python3.13 from PATH: the project venv's.
    path = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"
    environment = {**os.environ, "PATH": path, "SAM_CLI_TELEMETRY": "0"}
    return subprocess.run(
        [str(SAM), *arguments],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )


def elf_machine(path: Path) -> int | None:
    with path.open("rb") as stream:
        header = stream.read(20)
    if not header.startswith(ELF_MAGIC):
        return None
    byte_order = "little" if header[5] == 1 else "big"
    return int.from_bytes(header[18:20], byte_order)


def test_sam_validate_lint_is_clean():
    run = sam("validate", "--lint")

    assert run.returncode == 0, run.stdout + run.stderr


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory) -> Path:
    if shutil.which("python3.13", path=str(ROOT / ".venv" / "bin")) is None and not shutil.which(
        "python3.13"
    ):
        pytest.skip("sam build for python3.13 needs Python 3.13, which this machine lacks")
    target = tmp_path_factory.mktemp("sam-build")
    run = sam("build", "--build-dir", str(target), "--no-cached")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return target


def test_build_has_both_functions_and_the_layer(build_dir):
    assert (build_dir / "IngestFunction" / "app.py").exists()
    assert (build_dir / "ManageHooksFunction" / "app.py").exists()
    assert (build_dir / "CommonLayer" / "python" / "channel_hooks" / "posting.py").exists()
    assert (build_dir / "CommonLayer" / "python" / "pydantic_core").is_dir()


def test_every_compiled_module_is_aarch64(build_dir):
    machines = {
        str(path.relative_to(build_dir)): elf_machine(path)
        for path in build_dir.rglob("*")
        if path.is_file() and elf_machine(path) is not None
    }

    assert machines, "the layer should hold compiled modules (pydantic_core)"
    assert {name: machine for name, machine in machines.items() if machine != AARCH64} == {}
