"""The chempark-safety stack: catalogue resources, Cognito, the Chalice app, workflows, IoT rules, IAM, alarms."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import CfnOutput, Stack, Tags
from chalice.utils import to_cfn_resource_name as camel
from constructs import Construct

from chalicelib.core.settings import get_settings
from infra import alarms, api, auth, iam, rules, storage, workflows
from infra.introspect import app_shape
from infra.refs import Refs, known_machines


def context_settings(scope: Construct) -> dict[str, Any]:
    """Setting overrides for the Lambdas from the `settings` CDK context (cdk.json, or `-c settings='{...}'`),
    e.g. {"iot_data_endpoint": "https://xxxx-ats.iot.cn-north-1.amazonaws.com.cn", "unit_ack_s": 180}."""
    raw = scope.node.try_get_context("settings") or {}
    return dict(json.loads(raw) if isinstance(raw, str) else raw)


class ChemParkStack(Stack):
    """Build order matters only in Python: the user pool ARN must exist before app.py is imported."""

    def __init__(self, scope: Construct, cid: str, **kwargs: Any) -> None:
        super().__init__(scope, cid, **kwargs)
        settings = get_settings()
        Tags.of(self).add("project", "chempark-safety")
        Tags.of(self).add("stage", settings.stage)

        data = storage.build(self)
        users = auth.build(self)
        shape = app_shape(api.load_app(users.pool.user_pool_arn))
        machines = known_machines(self)
        roles = iam.build(self, data, shape, list(machines.values()))
        deployed = api.deployed_settings(context_settings(self))
        chalice = api.build(self, data, roles, shape, api.runtime_env(data, machines, deployed))

        refs = Refs(self, data, chalice.get_function, machines)
        state_machines = workflows.build(self, refs)
        topic_rules = rules.build(self, refs)
        ops_topic = alarms.build(self, data, chalice, shape.function_ids, state_machines)

        CfnOutput(
            self,
            "ApiUrl",
            value=chalice.sam_template.get_output("EndpointURL").value,
            description="REST API base URL (Cognito ID token in Authorization)",
        )
        CfnOutput(self, "UserPoolId", value=users.pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=users.client.user_pool_client_id)
        CfnOutput(self, "OpsAlarmTopicArn", value=ops_topic.topic_arn)
        for stem, rule in topic_rules.items():
            CfnOutput(
                self,
                f"{camel(stem)}Topic",
                value=rule.publish_topic,
                description=f"MQTT topic the gateways publish to (IoT rule {stem})",
            )
