"""Hidden-danger photos: an S3 presigned POST limited to JPEG/PNG and photo_max_bytes, a key per enterprise;
a danger names only its own enterprise's uploaded photos and shows them by short-lived links."""

from __future__ import annotations

import base64
import json

import requests

from tests.integration.danger_support import danger, enterprise

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"


def _form(api, eid, caller=None, **over):
    body = {"enterprise_id": eid, "content_type": "image/jpeg", "size_bytes": len(JPEG), **over}
    return api.post("/hidden-dangers/photos", role="enterprise_manager", enterprise_id=caller or eid, json=body)


def _upload(form, content: bytes, content_type: str = "image/jpeg") -> int:
    files = {"file": ("photo", content, content_type)}
    return requests.post(form["url"], data=form["fields"], files=files, timeout=10).status_code


def test_presigned_post_limits_type_and_size(api):
    eid = enterprise(api)
    r = _form(api, eid)
    assert r.status_code == 201, r.json
    form = r.json
    assert form["key"].startswith(f"hidden-dangers/{eid}/") and form["key"].endswith(".jpg")
    assert form["max_bytes"] == 5 * 1024 * 1024 and form["fields"]["Content-Type"] == "image/jpeg"
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    assert ["content-length-range", 1, 5 * 1024 * 1024] in policy["conditions"]
    assert {"Content-Type": "image/jpeg"} in policy["conditions"]
    assert {"key": form["key"]} in policy["conditions"]
    r = _form(api, eid, size_bytes=5 * 1024 * 1024 + 1)
    assert (r.status_code, r.json["code"], r.json["details"]["field"]) == (413, "PHOTO_TOO_LARGE", "body.size_bytes")
    r = _form(api, eid, content_type="image/gif")
    assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "body.content_type")
    r = _form(api, enterprise(api), caller=eid)  # another enterprise's folder
    assert (r.status_code, r.json["code"]) == (403, "ENTERPRISE_SCOPE")


def test_a_danger_names_only_its_enterprises_uploaded_photos(api):
    eid, other = enterprise(api), enterprise(api)
    form = _form(api, eid).json
    assert _upload(form, JPEG) in (200, 201, 204)
    foreign = api.post(
        "/hidden-dangers/photos",
        role="park_admin",
        json={"enterprise_id": other, "content_type": "image/png", "size_bytes": 10},
    ).json
    never_uploaded = _form(api, eid).json
    r = api.post(
        "/hidden-dangers",
        role="park_admin",
        json=danger(eid, photos=[form["key"], foreign["key"], never_uploaded["key"]]),
    )
    assert r.status_code == 422
    assert [(e["field"], e["type"]) for e in r.json["details"]["errors"]] == [
        ("body.photos.1", "foreign_photo"),
        ("body.photos.2", "missing_photo"),
    ]
    r = api.post("/hidden-dangers", role="park_admin", json=danger(eid, photos=["../../etc/passwd"]))
    assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "body.photos.0")
    hd = api.post("/hidden-dangers", role="park_admin", json=danger(eid, photos=[form["key"]])).json
    detail = api.get(f"/hidden-dangers/{hd['id']}", role="enterprise_manager", enterprise_id=eid).json
    url = detail["photo_urls"][form["key"]]
    assert requests.get(url, timeout=10).content == JPEG
