"""Shared records (plans, resources): the park's are read by every tenant and written by the park only."""

from __future__ import annotations

import pytest

from chalicelib.core.errors import AppError
from chalicelib.core.identity import PARK, Identity, Role


def test_shared_records_the_park_owns_are_read_by_every_tenant_and_written_by_the_park_only() -> None:
    park = Identity("p", frozenset({Role.PARK_ADMIN}))
    tenant = Identity("e", frozenset({Role.ENTERPRISE_MANAGER}), enterprise_id="e1")
    assert park.can_read_shared(PARK) and park.can_write_shared(PARK) and park.can_write_shared("e2")
    assert tenant.can_read_shared(PARK) and not tenant.can_write_shared(PARK)
    assert tenant.can_read_shared("e1") and tenant.can_write_shared("e1")
    assert not tenant.can_read_shared("e2") and not tenant.can_write_shared("e2")


def test_shared_owners_a_list_may_show() -> None:
    park = Identity("p", frozenset({Role.PARK_ADMIN}))
    tenant = Identity("e", frozenset({Role.ENTERPRISE_MANAGER}), enterprise_id="e1")
    assert park.shared_owners(None) is None  # every owner
    assert park.shared_owners("e1") == ["e1"]
    assert tenant.shared_owners(None) == [PARK, "e1"]  # the park's, read-only, and its own
    assert tenant.shared_owners("e1") == ["e1"]
    with pytest.raises(AppError) as refused:
        tenant.shared_owners("e2")
    assert refused.value.code == "ENTERPRISE_SCOPE"
