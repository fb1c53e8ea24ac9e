"""docs/benchmarks.md: the figures of one `make bench` run, against their targets."""

from datetime import datetime

COLD_TARGET = 1.5
WARM_TARGET = 2.0
ROUND_TRIPS = {"plain": 2, "new_case": 2, "duplicate": 2, "reply": 3}
PLAIN_WRITE_UNITS = 2


def _rows(section: list | str, width: int) -> list:
    """A measured section's rows; a section that was not measured shows why."""
    if isinstance(section, str):
        return [(section, *([float("nan")] * (width - 1)))]
    return section


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.1f} KB"


def verdict(ok: bool) -> str:
    return "met" if ok else "missed"


def render_report(sections: dict, machine: str, when: datetime, seconds: float) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Run with `make bench` on {when:%Y-%m-%d %H:%M} UTC, on {machine}; "
        f"the whole run took {seconds:.0f} s. What was changed to get here, and why the "
        "missed targets are missed: [performance.md](performance.md).",
        "",
        "## Cold start",
        "",
        "A fresh interpreter imports the handler module and serves its first request "
        "(DynamoDB answered in-process); median of 7 runs. The floor imports `json` and "
        "boto3, makes a DynamoDB client and does one `put_item`.",
        "",
        "| handler | ms | x floor | target |",
        "| --- | ---: | ---: | --- |",
    ]
    for name, ms, ratio in _rows(sections["cold"], 3):
        target = "" if name == "floor" else f"{COLD_TARGET}x: {verdict(ratio <= COLD_TARGET)}"
        lines.append(f"| {name} | {ms:.0f} | {ratio:.2f} | {target} |")

    lines += [
        "",
        "## Warm cost per request",
        "",
        "1,000 invocations of the ingest handler per scenario, DynamoDB answered instantly "
        "inside botocore (requests still built, signed and parsed), beside the floor "
        "handler under the same fake.",
        "",
        "| scenario | us per request | x floor | target |",
        "| --- | ---: | ---: | --- |",
    ]
    for name, microseconds, ratio in _rows(sections["warm"], 3):
        target = "" if name == "floor" else f"{WARM_TARGET}x: {verdict(ratio <= WARM_TARGET)}"
        lines.append(f"| {name} | {microseconds:.0f} | {ratio:.2f} | {target} |")

    lines += ["", "## DynamoDB work per post", ""]
    work = sections["work"]
    if isinstance(work, str):
        lines.append(work)
    else:
        lines += [
            "On DynamoDB Local, with `ReturnConsumedCapacity=INDEXES` on every call; a post "
            "of about 1 KB. DynamoDB Local counts transactional writes at four times a plain "
            "write, where AWS bills two: the new-case and reply write units here are twice "
            "what AWS charges.",
            "",
            "| scenario | round trips | target | read units | write units |",
            "| --- | ---: | --- | ---: | ---: |",
        ]
        for name, trips, reads, writes in work:
            target = f"{ROUND_TRIPS[name]}: {verdict(trips <= ROUND_TRIPS[name])}"
            units = f"{writes:g}"
            if name == "plain":
                units += f" (target {PLAIN_WRITE_UNITS}: {verdict(writes <= PLAIN_WRITE_UNITS)})"
            lines.append(f"| {name} | {trips} | {target} | {reads:g} | {units} |")

    lines += [
        "",
        "## Throughput through the local run",
        "",
        "Plain posts of about 1 KB from 8 concurrent clients through `make run`'s server "
        "(4 worker processes), on this machine's cores shared by clients, server, workers "
        "and the database.",
        "",
        "| backend | posts a second | p50 ms | p99 ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, key in (("moto (one request at a time)", "moto"), ("DynamoDB Local", "local")):
        figures = sections[key]
        if isinstance(figures, str):
            lines.append(f"| {label} | {figures} | | |")
        else:
            rate, p50, p99 = figures
            lines.append(f"| {label} | {rate:.0f} | {p50:.1f} | {p99:.1f} |")

    lines += ["", "## Package size", ""]
    sizes = sections["sizes"]
    if isinstance(sizes, str):
        lines.append(sizes)
    else:
        lines += ["| artifact | unpacked | zipped |", "| --- | ---: | ---: |"]
        for name, unpacked, zipped in sizes:
            lines.append(f"| {name} | {_size(unpacked)} | {_size(zipped)} |")
    return "\n".join(lines) + "\n"
