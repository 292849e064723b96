"""Time `pull pga` (the agency link check) with no network, the case the issue complained about.

It runs the real command, with its real defaults (one request per second per host, 60 s
timeouts, retries), against the guidance URLs curated in centers/agencies.yaml, into a
temporary data and cache folder, and prints the wall time as one JSON object.

"No network" must really be no network: on a machine that can resolve the agencies' hosts the
script rewrites every URL to the same host under `.invalid`, a top-level domain that never
resolves (RFC 6761), so that the run fails for the same reason it does offline.

    .venv/bin/python bench/linkcheck_timing.py                     # this checkout's code
    .venv/bin/python bench/linkcheck_timing.py --code /tmp/before  # another checkout (e.g. main)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

REPO = Path(__file__).resolve().parent.parent


def guidance_hosts(agencies_file: Path) -> list[str]:
    agencies = yaml.safe_load(agencies_file.read_text(encoding="utf-8"))["agencies"]
    return [urlsplit(agency["guidance_url"]).hostname for agency in agencies if agency["guidance_url"]]


def resolvable(host: str) -> bool:
    try:
        socket.getaddrinfo(host, 443)
    except OSError:
        return False
    return True


def unresolvable_copy(centers: Path, target: Path) -> Path:
    """A copy of centers/ whose guidance URLs point at HOST.invalid instead of HOST."""
    shutil.copytree(centers, target)
    path = target / "agencies.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for agency in data["agencies"]:
        if agency["guidance_url"]:
            parts = urlsplit(agency["guidance_url"])
            agency["guidance_url"] = urlunsplit(parts._replace(netloc=f"{parts.hostname}.invalid"))
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def measure(code: Path, centers: Path, limit: float) -> dict:
    hosts = guidance_hosts(centers / "agencies.yaml")
    with tempfile.TemporaryDirectory(prefix="linkcheck-bench-") as folder:
        work = Path(folder)
        offline = not any(resolvable(host) for host in hosts)
        if not offline:
            centers = unresolvable_copy(centers, work / "centers")
        command = [
            sys.executable,
            "-m",
            "ceeatlas",
            "--centers-dir",
            str(centers),
            "pull",
            "pga",
            "--data-dir",
            str(work / "data"),
            "--cache-dir",
            str(work / "cache"),
        ]
        # The code under test runs from its own folder; no .pyc files are left in it.
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("CEEATLAS_MIN_INTERVAL", None)  # the real default, one request per second per host
        started = time.monotonic()
        try:
            run = subprocess.run(command, cwd=code, env=env, capture_output=True, text=True, timeout=limit)
            exit_code, output = run.returncode, run.stdout + run.stderr
        except subprocess.TimeoutExpired as stopped:
            exit_code, output = None, f"stopped after {limit:.0f} s: {stopped.stdout or ''}"
        seconds = time.monotonic() - started
        links_file_written = (work / "data" / "links" / "agencies.jsonl").exists()
    return {
        "code": str(code),
        "hosts": "real (they do not resolve here)" if offline else "rewritten to .invalid",
        "links": len(hosts),
        "exit_code": exit_code,
        "seconds": round(seconds, 1),
        "links_file_written": links_file_written,
        "output": output.strip().splitlines()[-20:],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=REPO, help="checkout whose ceeatlas to run")
    parser.add_argument("--centers", type=Path, default=REPO / "centers", help="curated data to check")
    parser.add_argument("--limit", type=float, default=1800, help="give up after this many seconds")
    args = parser.parse_args()
    print(json.dumps(measure(args.code.resolve(), args.centers.resolve(), args.limit), indent=1))
