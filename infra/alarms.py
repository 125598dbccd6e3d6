"""Operations alarms: any message in a DLQ, any Lambda error, any failed workflow, all to one SNS ops topic."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from chalice.cdk import Chalice
from chalice.utils import to_cfn_resource_name as camel
from constructs import Construct

from chalicelib.audit.sequencer import BROKEN_METRIC as AUDIT_CHAIN_BROKEN
from chalicelib.core import catalog, observability
from chalicelib.core.auditing import FAILURE_METRIC as AUDIT_APPEND_FAILED
from infra.storage import Data

_PERIOD = Duration.minutes(1)


def camel_dash(name: str) -> str:
    """AuditAppendFailed -> audit-append-failed (alarm names follow the resource names)."""
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")


def _alarm(
    scope: Construct, cid: str, name: str, metric: cw.IMetric, action: cw.IAlarmAction, description: str
) -> cw.Alarm:
    # "> 0 in one minute": a DLQ message or a Lambda error is always worth a look (ISA-18.2: actionable).
    alarm = cw.Alarm(
        scope,
        cid,
        alarm_name=name,
        alarm_description=description,
        metric=metric,
        threshold=0,
        comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluation_periods=1,
        treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
    )
    alarm.add_alarm_action(action)
    alarm.add_ok_action(action)
    return alarm


def build(
    scope: Construct,
    data: Data,
    chalice: Chalice,
    function_ids: Iterable[str],
    machines: dict[str, sfn.StateMachine],
    other_functions: Mapping[str, str] | None = None,
) -> sns.Topic:
    """`other_functions`: functions outside the Chalice app (the oidc authorizer), id -> function name."""
    # Infra-only topic (not in the catalogue): the runtime never publishes to it; operators subscribe.
    topic = sns.Topic(
        scope,
        "OpsAlarmTopic",
        topic_name=catalog.resource_name("ops-alarms"),
        display_name="chempark ops alarms",
        master_key=data.key,
        enforce_ssl=True,
    )
    action = cw_actions.SnsAction(topic)
    for spec, _main, dlq in data.queues.values():
        metric = dlq.metric_approximate_number_of_messages_visible(period=_PERIOD, statistic="Maximum")
        _alarm(
            scope,
            f"{camel(spec.logical)}DlqAlarm",
            f"{spec.dlq_name}-not-empty",
            metric,
            action,
            f"Messages in the dead-letter queue {spec.dlq_name}: inspect and replay.",
        )
    # Ref of a SAM function is its generated name: the FunctionName dimension of AWS/Lambda metrics.
    names = {fid: chalice.get_resource(fid).ref for fid in function_ids} | dict(other_functions or {})
    for fid, function_name in names.items():
        metric = cw.Metric(
            namespace="AWS/Lambda",
            metric_name="Errors",
            statistic="Sum",
            period=_PERIOD,
            dimensions_map={"FunctionName": function_name},
        )
        _alarm(
            scope,
            f"{fid}ErrorsAlarm",
            catalog.resource_name(f"{fid}-errors"),
            metric,
            action,
            f"Lambda function {fid} raised errors.",
        )
    # The audit log (docs/audit.md, runbook): an entry not stored (the request answered 503), or a chain the
    # sequencer refused to sign because a record changed after it was chained.
    for metric_name, description in (
        (AUDIT_APPEND_FAILED, "Audit entries could not be stored: audited requests answer 503 AUDIT_UNAVAILABLE."),
        (AUDIT_CHAIN_BROKEN, "The audit sequencer found a chained record changed and stopped signing checkpoints."),
    ):
        metric = cw.Metric(
            namespace=observability.metrics.namespace,
            metric_name=metric_name,
            statistic="Sum",
            period=_PERIOD,
            dimensions_map={"service": observability.SERVICE},  # Powertools' default dimension
        )
        name = catalog.resource_name(camel_dash(metric_name))
        _alarm(scope, f"{metric_name}Alarm", name, metric, action, description)
    for logical, machine in machines.items():
        _alarm(
            scope,
            f"{camel(logical)}FailedAlarm",
            catalog.resource_name(f"{logical}-failed"),
            machine.metric_failed(period=_PERIOD, statistic="Sum"),
            action,
            f"Workflow {logical} had failed executions.",
        )
    return topic
