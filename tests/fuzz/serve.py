"""The embedded API for fuzzing, in a process of its own: moto, every resource provisioned, a small park, the
Chalice local server on a free 127.0.0.1 port. Fuzzing writes whatever the schema admits (rules, rosters, park
settings), so it must not share the test workers' moto. Prints one JSON line {"url", "token"} (a park-admin
token of its own issuer), then serves until its standard input closes."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from local import env


class _Seeder:
    """What tests.support.make_park needs of tests.conftest.Api (importing conftest would reconfigure the env)."""

    def __init__(self, client: Any, issuer: Any) -> None:
        self.client, self.issuer = client, issuer

    def post(self, path: str, role: str, json: Any) -> Any:
        import orjson

        token = self.issuer.token(f"seed-{role}", [role], None)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        reply = self.client.http.request("POST", path, headers=headers, body=orjson.dumps(json))
        reply.json = orjson.loads(reply.body) if reply.body else None
        return reply


def main() -> None:
    out, sys.stdout = sys.stdout, sys.stderr  # the handshake line alone on stdout (chalice prints "Serving on")
    env.configure(stage="fuzz", prefix="chempark-fuzz")
    env.share_botocore_loader()
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    from local.issuer import Issuer

    issuer = Issuer.generate()
    os.environ["CHEMPARK_JWT_PUBLIC_KEY"] = issuer.public_pem
    from local import moto_patches

    server, _ = env.start_moto(in_process=True)
    moto_patches.fast_waits()
    from chalicelib.core import settings
    from local.provision import provision

    settings.reset()
    provision()
    from chalice.test import Client

    import app as chalice_app
    from local.stack import _ApiServer
    from tests.support import make_park

    with Client(chalice_app.app) as client:
        make_park(_Seeder(client, issuer))
    api = _ApiServer(chalice_app.app, env.free_port())
    api.start()
    url = f"http://127.0.0.1:{api.server.port}"
    print(
        json.dumps({"url": url, "token": issuer.token("fuzz-park-admin", ["park_admin"], None)}), file=out, flush=True
    )
    sys.stdin.read()  # until the test closes the pipe
    api.stop()
    server.stop()


if __name__ == "__main__":
    main()
