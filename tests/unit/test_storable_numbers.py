"""Every request body (core.schemas.Strict) holds only numbers DynamoDB can store: a float of 0 or of magnitude
1e-130 to below 1e126, an int of at most 38 digits, at any depth; anything else is a 422 naming the field."""

from __future__ import annotations

import pytest
from pydantic import Field, ValidationError

from chalicelib.core.schemas import Strict


class Body(Strict):
    speed: float = Field(gt=0)
    counts: list[int] = Field(default_factory=list)
    limits: dict[str, float] = Field(default_factory=dict)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"speed": 5e-324}, "speed"),
        ({"speed": 1e-131}, "speed"),
        ({"speed": 1.0, "counts": [1, 10**38]}, "counts"),
        ({"speed": 1.0, "limits": {"h": 1e126}}, "limits"),
        ({"speed": 1.0, "limits": {"h": -1e-200}}, "limits"),
    ],
)
def test_an_unstorable_number_is_refused_naming_its_field(body: dict, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Body.model_validate(body)
    (error,) = refused.value.errors()
    assert (error["loc"][0], error["type"]) == (field, "number_unstorable")


def test_the_edges_of_the_range_and_zero_are_kept() -> None:
    body = Body.model_validate({"speed": 1e-130, "counts": [0, -(10**38 - 1)], "limits": {"h": 9.99e125, "l": 0.0}})
    assert body.speed == 1e-130 and body.limits == {"h": 9.99e125, "l": 0.0}
