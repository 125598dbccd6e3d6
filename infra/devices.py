"""Device identity in AWS IoT: the gateway thing type and the one IoT policy every gateway certificate gets.

Convention (docs/device-identity.md, `catalog.DEVICE_TOPICS`): a gateway is a thing of type
`<prefix>-gateway` named like its registry id, with the attribute `enterprise_id`; its X.509 certificate is
attached to that thing alone (exclusive) and to the policy below. Policy variables make one policy fit every
gateway: it connects only as its thing name, publishes only to its own enterprise's rule topics (telemetry
through Basic Ingest, `$aws/rules/<rule>/park/<enterprise>/telemetry`; acks on `park/<enterprise>/acks`) and
subscribes to and receives only `park/<enterprise>/commands/<device>`. A certificate that is not attached to a
thing of that type resolves none of the variables and is refused everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_iot as iot
from constructs import Construct

from chalicelib.core import catalog
from infra.rules import Rule

THING_NAME = "${iot:Connection.Thing.ThingName}"
ENTERPRISE = f"${{iot:Connection.Thing.Attributes[{catalog.DEVICE_TOPICS.enterprise_attribute}]}}"


@dataclass(frozen=True)
class Devices:
    thing_type: iot.CfnThingType
    policy: iot.CfnPolicy


def thing_type_name() -> str:
    return catalog.resource_name(catalog.DEVICE_TOPICS.thing_type)


def device_topics(rules: dict[str, Rule]) -> list[str]:
    """What a gateway publishes to, from the rules' device-facing topics: `park/+/<kind>` with the `+` (the
    enterprise, `topic(2)` in the rule SQL) bound to the thing's attribute; Basic Ingest rules only through
    their `$aws/rules/<rule>/` prefix (no broker, no messaging charge)."""
    topics = []
    for stem, rule in sorted(rules.items()):
        prefix, _, topic = rule.publish_topic.rpartition("park/")
        levels = topic.split("/")
        if len(levels) != 2 or levels[0] != "+" or levels[1] not in catalog.DEVICE_TOPICS.publish:
            allowed = catalog.DEVICE_TOPICS.publish
            raise ValueError(f"iot_rules/{stem}.json: devices publish to park/+/<one of {allowed}>, not {topic}")
        topics.append(f"{prefix}park/{ENTERPRISE}/{levels[1]}")
    return topics


def policy_document(stack: Stack, rules: dict[str, Rule]) -> dict[str, Any]:
    def arn(resource: str, name: str) -> str:
        return stack.format_arn(service="iot", resource=resource, resource_name=name)

    attached = {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}
    commands = f"park/{ENTERPRISE}/{catalog.DEVICE_TOPICS.subscribe}/*"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ConnectAsItsThing",
                "Effect": "Allow",
                "Action": "iot:Connect",
                "Resource": arn("client", THING_NAME),
                "Condition": {
                    **attached,
                    "StringEquals": {"iot:Connection.Thing.ThingTypeName": thing_type_name()},
                },
            },
            {
                "Sid": "PublishToItsEnterprise",
                "Effect": "Allow",
                "Action": "iot:Publish",
                "Resource": [arn("topic", t) for t in device_topics(rules)],
                "Condition": attached,
            },
            {
                "Sid": "SubscribeToItsEnterpriseCommands",
                "Effect": "Allow",
                "Action": "iot:Subscribe",
                "Resource": arn("topicfilter", commands),
                "Condition": attached,
            },
            {
                "Sid": "ReceiveItsEnterpriseCommands",
                "Effect": "Allow",
                "Action": "iot:Receive",
                "Resource": arn("topic", commands),
                "Condition": attached,
            },
        ],
    }


def build(scope: Construct, rules: dict[str, Rule]) -> Devices:
    attribute = catalog.DEVICE_TOPICS.enterprise_attribute
    thing_type = iot.CfnThingType(
        scope,
        "GatewayThingType",
        thing_type_name=thing_type_name(),
        thing_type_properties=iot.CfnThingType.ThingTypePropertiesProperty(
            thing_type_description=f"园区数据采集网关：事物名称 = 网关编号，属性 {attribute} = 所属企业",
            searchable_attributes=[attribute],
        ),
    )
    policy = iot.CfnPolicy(
        scope,
        "GatewayPolicy",
        policy_name=catalog.resource_name("gateway-policy"),
        policy_document=policy_document(Stack.of(scope), rules),
    )
    CfnOutput(scope, "GatewayThingTypeName", value=thing_type_name(), description="thing type of every gateway")
    CfnOutput(scope, "GatewayPolicyName", value=policy.ref, description="IoT policy for every gateway certificate")
    return Devices(thing_type, policy)
