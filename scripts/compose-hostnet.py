#!/usr/bin/env python3
"""Turns the resolved docker-compose-mlops.yml (`docker-compose config` as JSON on stdin) into a host-network variant.

For engines without bridge networking (the private engine of scripts/docker-engine.sh runs with --bridge=none and
no iptables) and for tests, whose traffic may only ever reach loopback. Every service gets `network_mode: host`, its
`ports:` and networks removed (compose rejects both beside host networking, and an override file cannot remove them),
every service name mapped to 127.0.0.1 with `extra_hosts`, and every listener bound to 127.0.0.1 on a port of its
own: the published port, or for an unpublished one its container port, plus --offset. References such as
`postgres:5432`, `http://mlflow:5000` or a published `http://localhost:8082` in environment values, commands and
healthchecks move with them.

    docker-compose config | python3 -c 'import json,sys,yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)' \
      | compose-hostnet.py --offset 10000 --profiles seaweedfs > stack.yml

Services in a profile that --profiles does not name are dropped, as compose would skip them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from typing import Any

LOOPBACK = "127.0.0.1"

# Listeners nobody publishes, by service: the port each uses inside the container.
UNPUBLISHED: dict[str, list[int]] = {
    "postgres": [5432],
    "redis": [6379],
    "airflow-apiserver": [8080],
    "airflow-scheduler": [8974],
    "mlflow": [5000],
    "bot": [3000],
    # master, volume server, filer, S3 gateway, and their gRPC ports (weed's default: HTTP port + 10000).
    "seaweedfs": [9333, 8080, 8888, 8333, 19333, 18080, 18888, 18333],
}

Port = Callable[[int], int]


def _postgres(s: dict[str, Any], port: Port) -> None:
    s["environment"]["PGPORT"] = str(port(5432))
    s["command"] = ["postgres", "-c", f"listen_addresses={LOOPBACK}", "-p", str(port(5432))]


def _redis(s: dict[str, Any], port: Port) -> None:
    s["command"] = [*(s.get("command") or ["redis-server"]), "--bind", LOOPBACK, "--port", str(port(6379))]
    s["healthcheck"]["test"] = ["CMD", "redis-cli", "-p", str(port(6379)), "ping"]


def _seaweedfs(s: dict[str, Any], port: Port) -> None:
    args = [a for a in s["command"] if not a.startswith("-ip.bind=")]
    flags = {
        "master.port": 9333, "volume.port": 8080, "filer.port": 8888, "s3.port": 8333,
        "master.port.grpc": 19333, "volume.port.grpc": 18080, "filer.port.grpc": 18888, "s3.port.grpc": 18333,
    }
    args = [a for a in args if a.lstrip("-").split("=")[0] not in flags]
    s["command"] = [*args, f"-ip.bind={LOOPBACK}", *(f"-{k}={port(v)}" for k, v in flags.items())]


def _apiserver(s: dict[str, Any], port: Port) -> None:
    s["environment"].update({"AIRFLOW__API__HOST": LOOPBACK, "AIRFLOW__API__PORT": str(port(8080))})


def _scheduler(s: dict[str, Any], port: Port) -> None:
    s["environment"].update({
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST": LOOPBACK,
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(port(8974)),
    })


def _mlflow(s: dict[str, Any], port: Port) -> None:
    s["environment"].update({"MLFLOW_HOST": LOOPBACK, "MLFLOW_PORT": str(port(5000))})


def _bot(s: dict[str, Any], port: Port) -> None:
    s["environment"].update({"HOST": LOOPBACK, "PORT": str(port(3000))})


# How each service is told where to listen.
LISTEN: dict[str, Callable[[dict[str, Any], Port], None]] = {
    "postgres": _postgres,
    "redis": _redis,
    "seaweedfs": _seaweedfs,
    "airflow-apiserver": _apiserver,
    "airflow-scheduler": _scheduler,
    "mlflow": _mlflow,
    "bot": _bot,
}


def published(service: dict[str, Any]) -> dict[int, int]:
    """container port -> published host port, from compose's resolved `ip:host:container/proto` strings."""
    out: dict[int, int] = {}
    for p in service.get("ports") or []:
        if isinstance(p, dict):
            out[int(p["target"])] = int(p["published"])
            continue
        parts = str(p).split("/")[0].split(":")
        out[int(parts[-1])] = int(parts[-2])
    return out


def rewrite(value: Any, moves: dict[tuple[str, int], str]) -> Any:
    """Replaces every `host:port` in strings that moves names, in one pass (a moved port is never moved again)."""
    if isinstance(value, str):
        hosts = "|".join(sorted({re.escape(h) for h, _ in moves}, key=len, reverse=True))
        # host not part of a longer host name, port not part of a longer number
        pattern = re.compile(rf"(?<![\w.-])({hosts}):(\d+)(?!\d)")
        return pattern.sub(lambda m: moves.get((m[1], int(m[2])), m[0]), value)
    if isinstance(value, list):
        return [rewrite(v, moves) for v in value]
    if isinstance(value, dict):
        return {k: rewrite(v, moves) for k, v in value.items()}
    return value


def hostnet(config: dict[str, Any], offset: int, profiles: set[str]) -> dict[str, Any]:
    services = {
        name: s
        for name, s in config["services"].items()
        if not s.get("profiles") or profiles.intersection(s["profiles"])
    }
    ports: dict[str, dict[int, int]] = {}
    for name, s in services.items():
        pub = published(s)
        ports[name] = {c: pub.get(c, c) + offset for c in {*UNPUBLISHED.get(name, []), *pub}}

    shared = {(name, c): f"{name}:{h}" for name, m in ports.items() for c, h in m.items()}
    # Addresses published on the host (UI links such as http://localhost:8082) move to the new listeners too.
    for name, s in services.items():
        for c, h in published(s).items():
            shared.update({(host, h): f"{LOOPBACK}:{ports[name][c]}" for host in ("localhost", LOOPBACK)})
    out: dict[str, Any] = {}
    for name, s in services.items():
        own = {(h, c): f"{LOOPBACK}:{p}" for c, p in ports[name].items() for h in ("localhost", LOOPBACK)}
        s = {k: v for k, v in s.items() if k not in ("ports", "networks", "profiles", "hostname")}
        for key in ("environment", "command", "entrypoint", "healthcheck"):
            if key in s:
                s[key] = rewrite(s[key], {**shared, **own})
        s.setdefault("environment", {})
        if name in LISTEN:
            LISTEN[name](s, lambda c, n=name: ports[n][c])
        s["network_mode"] = "host"
        s["extra_hosts"] = [f"{other}:{LOOPBACK}" for other in sorted(services)]
        out[name] = s
    result = {k: v for k, v in config.items() if k not in ("services", "networks")}
    result["services"] = out
    # For a check before start: which host ports the variant will listen on.
    result["x-listen-ports"] = sorted({p for m in ports.values() for p in m.values()})
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offset", type=int, default=0, help="added to every listening port")
    parser.add_argument("--profiles", default="", help="comma list of active profiles (COMPOSE_PROFILES)")
    args = parser.parse_args()
    config = json.load(sys.stdin)
    profiles = {p.strip() for p in args.profiles.split(",") if p.strip()}
    json.dump(hostnet(config, args.offset, profiles), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
