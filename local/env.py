"""Process environment for running the system over moto: dummy credentials, region, stage and prefix."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from moto.server import ThreadedMotoServer


def configure(stage: str = "local", prefix: str | None = None) -> None:
    """Set what every boto3/PynamoDB client and chalicelib.settings read. Call before importing the app."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_SESSION_TOKEN": "local",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "CHEMPARK_STAGE": stage,
            "CHEMPARK_RESOURCE_PREFIX": prefix or f"chempark-{stage}",
            "CHEMPARK_AUTH_MODE": "local",
            "POWERTOOLS_TRACE_DISABLED": "true",
            # moto's Step Functions TimestampPath compares with local time: run everything in UTC.
            "TZ": "UTC",
        }
    )
    # The embedded stack checks units' acknowledgement after 30 s rather than 5 min, so a demo completes.
    os.environ.setdefault("CHEMPARK_UNIT_ACK_S", "30")
    os.environ.pop("AWS_PROFILE", None)
    time.tzset()
    from chalicelib.core import aws, settings

    settings.reset()
    aws.reset()


def share_botocore_loader() -> None:
    """Let PynamoDB's connections share botocore sessions: one per thread, all with one data loader (local stack
    and tests only).

    PynamoDB gives each model class its own botocore session, and a new session registers its handlers and
    parses the DynamoDB service model and the endpoint table again: ~40 tables cost seconds per process, more
    on a loaded machine. A session only builds clients (one thread at a time, hence one per thread) and the
    loader only caches read-only JSON, so sharing them changes no behaviour; no model sets its own credentials.
    """
    import threading

    import botocore.loaders
    import botocore.session
    from pynamodb.connection import base

    if getattr(base.get_session, "shared", False):
        return
    if base.get_session is not botocore.session.get_session:
        raise RuntimeError("pynamodb.connection.base no longer builds sessions with botocore's get_session")
    loader, local = botocore.loaders.create_loader(), threading.local()

    def get_session() -> botocore.session.Session:
        if getattr(local, "session", None) is None:
            local.session = botocore.session.get_session()
            local.session.register_component("data_loader", loader)
        return local.session

    get_session.shared = True  # type: ignore[attr-defined]
    base.get_session = get_session


def free_port() -> int:
    """A loopback port nothing listens on now (for a broker or API started next to the tests or a bench)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_moto(port: int = 0, in_process: bool = False) -> tuple[ThreadedMotoServer, str]:
    """Start moto's threaded server with Step Functions execution on; point every AWS client at it.

    `in_process`: this process's own clients call moto's backends directly (moto's `mock_aws` dispatch, the
    backends the server also serves) instead of over HTTP, about three times cheaper a call; the server stays
    for other processes. For tests, which run nothing else that needs the loopback endpoint."""
    import logging

    import requests
    from moto.server import ThreadedMotoServer

    from local import moto_patches

    moto_patches.apply()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, bound = server.get_host_and_port()
    url = f"http://{host}:{bound}"
    os.environ["AWS_ENDPOINT_URL"] = url
    os.environ["MOTO_PORT"] = str(bound)  # moto's Step Functions engine calls back to this port
    requests.post(f"{url}/moto-api/config", json={"stepfunctions": {"execute_state_machine": True}}, timeout=10)
    if in_process:
        from moto import mock_aws

        # Our own dummy credentials and clients stay; the backends keep what the server was configured with.
        mock_aws(config={"core": {"mock_credentials": False, "reset_boto3_session": False}}).start(reset=False)
        del os.environ["AWS_ENDPOINT_URL"]  # clients address AWS's own hosts, which moto's dispatch recognises
    from chalicelib.core import aws

    aws.reset()
    return server, url


def log_to_file(path: os.PathLike[str] | str) -> None:
    """Send the Lambdas' JSON logs to a file (the console keeps the stack's own status lines)."""
    import logging

    from chalicelib.core.observability import logger

    stream = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (lives as long as the process)
    # Logger() was built without a handler: powertools gave it a StreamHandler.
    cast("logging.StreamHandler[Any]", logger.registered_handler).setStream(stream)
