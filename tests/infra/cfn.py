"""Helpers for the infra tests: run a synth subprocess, read the template, follow Ref/GetAtt, list IAM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WHEELHOUSE = ROOT / ".cache" / "wheelhouse"
STAGE = "prod"
PREFIX = f"chempark-{STAGE}"  # the synthesized stack's prefix; the moto stack of the tests uses chempark-test
SYNTH_TIMEOUT_S = 600
# `-c auth=oidc`: the stack for regions without Cognito user pools (tests/infra/test_oidc_stack.py).
OIDC_CONTEXT = {
    "auth": "oidc",
    "oidc_issuer": "https://idp.example.test/realms/park",
    "oidc_audience": "chempark-api",
    "oidc_groups_claim": "roles",
    "oidc_authorizer_ttl_s": "120",
    "nag": "1",
}
# Contexts the synth must refuse (tests/infra/synth.py records what each raised).
REFUSED_CONTEXTS = {"oidc without an audience": {"auth": "oidc", "oidc_issuer": "https://idp.example.test"}}

# The session's test env (conftest.py at the root) must not leak into the CDK process: it would name every
# resource chempark-test, and point chalice's packaging at moto.
_DROP = ("CHEMPARK_", "AWS_ENDPOINT_URL", "MOTO_", "AWS_PROFILE", "CDK_OUTDIR", "CDK_CONTEXT_JSON")


def synth_env(outdir: Path, context: dict[str, str] | None = None) -> dict[str, str]:
    """`context`: CDK context on top of the stage (e.g. {"nag": "1"} runs cdk-nag in the synth)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROP)}
    env.update(
        {
            "CDK_OUTDIR": str(outdir),
            "CDK_CONTEXT_JSON": json.dumps({"stage": STAGE, **(context or {})}),
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
            "AWS_DEFAULT_REGION": "us-east-1",
            # No package index, ever: chalice's `pip download` may only read the wheelhouse.
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(WHEELHOUSE),
        }
    )
    return env


def run_synth(
    script: list[str], outdir: Path, cwd: Path, context: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *script],
        cwd=cwd,
        env=synth_env(outdir, context),
        capture_output=True,
        text=True,
        timeout=SYNTH_TIMEOUT_S,
        check=False,
    )


def load_template(outdir: Path) -> dict[str, Any]:
    (path,) = outdir.glob("*.template.json")
    return json.loads(path.read_text(encoding="utf-8"))


def deployed_resources(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The template's resources as the SAM transform deploys them: the Globals section's function environment
    (infra/api.py hoist_environment) merged into each AWS::Serverless::Function, its own variables winning."""
    shared = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables")
    if not shared:
        return dict(template["Resources"])
    out = {}
    for rid, r in template["Resources"].items():
        out[rid] = r
        if r["Type"] == "AWS::Serverless::Function":
            own = r["Properties"].get("Environment", {}).get("Variables", {})
            out[rid] = {**r, "Properties": {**r["Properties"], "Environment": {"Variables": {**shared, **own}}}}
    return out


def of_type(resources: dict[str, dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in resources.items() if r["Type"] == kind}


# CDK's AwsCustomResource provider (infra/push.py): runs only while deploying, none of the app's functions.
DEPLOY_TIME_PROVIDER = "AWS679f53fac002430cb0da5b7982bd2287"


def functions(resources: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The app's functions (Chalice's and the oidc authorizer), not CDK's deploy-time provider."""
    return {
        k: r
        for k, r in resources.items()
        if r["Type"] in ("AWS::Serverless::Function", "AWS::Lambda::Function")
        and not k.startswith(DEPLOY_TIME_PROVIDER)
    }


def strip(name: str, prefix: str, sep: str = "-") -> str:
    assert name.startswith(prefix + sep), f"{name!r} lacks the prefix {prefix!r}"
    return name[len(prefix) + 1 :]


def ref_id(value: Any) -> str | None:
    """The logical id behind {"Ref": id} or {"Fn::GetAtt": [id, attr]}."""
    if isinstance(value, dict):
        if "Ref" in value:
            return value["Ref"]
        if "Fn::GetAtt" in value:
            return value["Fn::GetAtt"][0]
    return None


def target(value: Any) -> str:
    """Like ref_id, for a value that must be a Ref or GetAtt."""
    rid = ref_id(value)
    assert rid is not None, f"not a Ref/GetAtt: {value!r}"
    return rid


def statements(resources: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Every IAM statement (identity policies, inline role policies) with the resource that holds it."""
    out = []
    for rid, res in resources.items():
        props = res.get("Properties", {})
        docs = []
        if res["Type"] == "AWS::IAM::Policy":
            docs.append(props["PolicyDocument"])
        if res["Type"] == "AWS::IAM::Role":
            docs += [p["PolicyDocument"] for p in props.get("Policies", [])]
        for doc in docs:
            out += [(rid, s) for s in doc["Statement"]]
    return out


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
