"""The chempark-safety stack: catalogue resources, Cognito, the Chalice app, workflows, IoT rules, IAM, alarms,
mobile push platform applications."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack, Tags
from chalice.utils import to_cfn_resource_name as camel
from constructs import Construct

from chalicelib.core.settings import get_settings
from infra import alarms, api, auth, devices, gateway, iam, live, nag, push, rules, secrets, storage, workflows
from infra.introspect import app_shape
from infra.refs import Refs, known_machines


class ChemParkStack(Stack):
    """Build order matters only in Python: the authorizer (user pool ARN or oidc function URI) must be known
    before app.py is imported, and the oidc authorizer runs from the Chalice package built after that."""

    def __init__(self, scope: Construct, cid: str, **kwargs: Any) -> None:
        super().__init__(scope, cid, **kwargs)
        settings = get_settings()
        Tags.of(self).add("project", "chempark-safety")
        Tags.of(self).add("stage", settings.stage)

        data = storage.build(self)
        users = auth.build(self, auth.Options.from_context(self.node))
        shape = app_shape(api.load_app(users.app_settings))
        machines = known_machines(self)
        roles = iam.build(self, data, shape, list(machines.values()))
        deployed = api.deployed_settings(self.node, users.mode)
        env = api.runtime_env(data, machines, deployed, secrets.build(self))
        if users.pool is not None and users.client is not None:  # the live channel's identity pool (ADR 0006)
            live.build(self, users.pool, users.client, deployed.park_id)  # found by name at run time: no env var
        push.build(self)  # mobile push platform applications (their ARNs follow from the topics': catalog)
        chalice = api.build(self, data, roles, shape, env)
        gateway.apply(chalice, *gateway.throttling(self.node))
        extra_functions = {}
        if users.authorizer is not None:
            extra_functions["OidcAuthorizer"] = users.authorizer.attach(chalice).function_name

        refs = Refs(self, data, chalice.get_function, machines)
        state_machines = workflows.build(self, refs)
        topic_rules = rules.build(self, refs)
        devices.build(self, topic_rules)  # gateway thing type and IoT policy (device identity)
        ops_topic = alarms.build(self, data, chalice, shape.function_ids, state_machines, extra_functions)
        nag.acknowledge_iam_wildcards(self)

        token = "Cognito ID token" if users.pool is not None else f"{users.mode.upper()} token"
        CfnOutput(
            self,
            "ApiUrl",
            value=chalice.sam_template.get_output("EndpointURL").value,
            description=f"REST API base URL ({token} in Authorization)",
        )
        if users.pool is not None and users.client is not None:
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
