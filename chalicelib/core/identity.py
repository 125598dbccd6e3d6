"""Identity and tenancy: who is calling, with which roles, limited to which enterprise (if any)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chalicelib.core import errors


class Role(StrEnum):
    """Roles are Cognito groups in production and the `cognito:groups` claim of local tokens."""

    PARK_ADMIN = "park_admin"  # 园区安全管理员
    DUTY_OFFICER = "duty_officer"  # 值守人员
    COMMANDER = "commander"  # 应急指挥
    ENTERPRISE_MANAGER = "enterprise_manager"  # 企业安全负责人
    INSPECTOR = "inspector"  # 巡检人员
    ANALYST = "analyst"  # 数据分析师
    AUDITOR = "auditor"  # 审计员
    OPS_ENGINEER = "ops_engineer"  # 运营工程师
    INTEGRATION = "integration"  # 外部平台（监管平台等）
    # Enterprise approvers of special work permits (GB 30871-2022 Table B.1, docs/work-permits.md):
    UNIT_SUPERVISOR = "unit_supervisor"  # 基层单位/专业部门/配送电单位负责人
    ENTERPRISE_LEADER = "enterprise_leader"  # 企业主管领导（主管厂长、总工程师）


ALL_ROLES: frozenset[Role] = frozenset(Role)
# Park duty roles: who stands the 7x24 watch (duty routes) and alone may shelve high and urgent alarms.
ON_DUTY_ROLES: frozenset[Role] = frozenset({Role.DUTY_OFFICER, Role.COMMANDER, Role.PARK_ADMIN})
# Roles that only make sense inside one enterprise: a token carrying them must name the enterprise.
ENTERPRISE_ROLES: frozenset[Role] = frozenset({Role.ENTERPRISE_MANAGER, Role.UNIT_SUPERVISOR, Role.ENTERPRISE_LEADER})
ENTERPRISE_CLAIM = "custom:enterprise_id"
GROUPS_CLAIM = "cognito:groups"
# The enterprise id stored on park-level records (public zones, park devices, plans, resources, risk, SMS):
# no enterprise user's scope ever equals it.
PARK = "_park"
# Tenancy is never implied by a missing claim: an account is either bound to one enterprise
# (ENTERPRISE_CLAIM) or explicitly park-wide (SCOPE_CLAIM = PARK_SCOPE). A token with neither is refused,
# so an account created without its enterprise cannot silently see every enterprise (issue 10, finding 14).
SCOPE_CLAIM = "custom:scope"
PARK_SCOPE = "park"


@dataclass(frozen=True)
class ClaimNames:
    """Which token claim carries each part of an Identity (Cognito and the local issuer by default)."""

    subject: str = "sub"
    groups: str = GROUPS_CLAIM
    enterprise: str = ENTERPRISE_CLAIM
    scope: str = SCOPE_CLAIM
    name: str = "name"


COGNITO_CLAIMS = ClaimNames()

UNBOUND_ACCOUNT = errors.define(
    "UNBOUND_ACCOUNT", 403, "账号未绑定所属企业，请联系园区管理员", "An enterprise role without an enterprise claim."
)
ACCOUNT_SCOPE_INVALID = errors.define(
    "ACCOUNT_SCOPE_INVALID",
    403,
    "账号未声明权限范围（园区级或所属企业），请联系园区管理员",
    "The token names neither an enterprise nor the park scope, both, or an unknown scope value.",
)


@dataclass(frozen=True)
class Identity:
    """The authenticated caller. `enterprise_id` set means every read and write stays in that enterprise."""

    subject: str
    roles: frozenset[Role]
    enterprise_id: str | None = None
    name: str = ""

    @property
    def role(self) -> str:
        """The role recorded in audit: the first held role in declaration order."""
        return next((r.value for r in Role if r in self.roles), "")

    @property
    def is_enterprise_scoped(self) -> bool:
        return self.enterprise_id is not None

    def has_any(self, roles: Iterable[Role]) -> bool:
        return not self.roles.isdisjoint(roles)

    def can_see(self, enterprise_id: str | None) -> bool:
        """Park-level callers see everything; an enterprise caller only its own enterprise's data."""
        return self.enterprise_id is None or self.enterprise_id == enterprise_id

    def scope(self, requested: str | None) -> str | None:
        """The enterprise a query must be limited to: the caller's own, or what a park-level caller asked."""
        if self.enterprise_id is None:
            return requested
        if requested is not None and requested != self.enterprise_id:
            raise errors.ENTERPRISE_SCOPE(details={"enterprise_id": requested})
        return self.enterprise_id

    @property
    def is_park_duty(self) -> bool:
        """A park-level account holding a park duty role (ON_DUTY_ROLES)."""
        return self.enterprise_id is None and self.has_any(ON_DUTY_ROLES)

    # Shared records (plans, resources): owned by one enterprise or by the park (PARK); the park's are read by
    # every tenant and written only by park-level callers. One rule, used by every context that keeps them.
    def can_read_shared(self, owner: str) -> bool:
        return owner == PARK or self.can_see(owner)

    def can_write_shared(self, owner: str) -> bool:
        return self.can_see(owner) and not (owner == PARK and self.is_enterprise_scoped)

    def shared_owners(self, requested: str | None) -> list[str] | None:
        """Owners a list of shared records may show (None = every owner): the enterprise asked for (refused
        when it is not the caller's), else the park's and the caller's own."""
        if requested:
            return [self.scope(requested) or requested]
        return None if self.enterprise_id is None else [PARK, self.enterprise_id]

    def ensure_can_write(self, enterprise_id: str) -> None:
        """Reject a write that names another enterprise than the caller's own."""
        if not self.can_see(enterprise_id):
            raise errors.ENTERPRISE_SCOPE(details={"enterprise_id": enterprise_id})


SYSTEM = Identity(subject="system", roles=frozenset({Role.PARK_ADMIN}), name="系统")


def group_names(raw: Any) -> list[str]:
    # API Gateway flattens the Cognito groups array into "[a b]" or "a,b"; local tokens carry a list.
    if isinstance(raw, str):
        return [g for g in raw.strip("[]").replace(",", " ").split() if g]
    if isinstance(raw, list):
        return [str(g) for g in raw]
    return []


def from_claims(claims: Mapping[str, Any], names: ClaimNames = COGNITO_CLAIMS) -> Identity:
    """Build an Identity from verified token claims (local issuer, Cognito or an OIDC provider).

    Refuses what would widen a caller's reach by accident: an enterprise role without its enterprise
    (UNBOUND_ACCOUNT), and any account that is neither bound to an enterprise nor explicitly park-wide,
    or claims both (ACCOUNT_SCOPE_INVALID).
    """
    subject = str(claims.get(names.subject) or "")
    if not subject:
        raise errors.UNAUTHENTICATED(details={"reason": f"missing {names.subject}"})
    roles = frozenset(Role(g) for g in group_names(claims.get(names.groups)) if g in Role._value2member_map_)
    enterprise_id = str(claims.get(names.enterprise) or "") or None
    scope = str(claims.get(names.scope) or "") or None
    if roles & ENTERPRISE_ROLES and not enterprise_id:
        raise UNBOUND_ACCOUNT()
    if scope not in (None, PARK_SCOPE):
        raise ACCOUNT_SCOPE_INVALID(details={"reason": "unknown scope", "claim": names.scope})
    if enterprise_id and scope == PARK_SCOPE:
        raise ACCOUNT_SCOPE_INVALID(details={"reason": "both enterprise and park scope", "claim": names.scope})
    if not enterprise_id and scope != PARK_SCOPE:
        raise ACCOUNT_SCOPE_INVALID(details={"reason": "no enterprise and no park scope", "claim": names.scope})
    name = str(claims.get(names.name) or claims.get("cognito:username") or subject)
    return Identity(subject=subject, roles=roles, enterprise_id=enterprise_id, name=name)
