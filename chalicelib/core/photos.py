"""Photos as evidence (隐患照片、整改照片、巡检照片), one way for every context: an S3 presigned POST limited in
size and type into the `evidence` bucket under `<folder>/<enterprise>/`, the check that a record names only its
own enterprise's uploaded photos, and short-lived download links. The dual-prevention interface caps photos at
5 MB, PNG or JPEG (`photo_max_bytes`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from chalicelib.core import aws, catalog, errors, ids
from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.schemas import Schema, Strict
from chalicelib.core.settings import get_settings

EXTENSION = {"image/jpeg": "jpg", "image/png": "png"}
# Folders of the evidence bucket. A hidden danger may name its own photos or those of the patrol check-in that
# found it (the danger registered from a failed check item keeps the inspector's photos).
DANGERS, PATROL = "hidden-dangers", "patrol"
FINDINGS = (DANGERS, PATROL)
PHOTO_TOO_LARGE = errors.define(
    "PHOTO_TOO_LARGE", 413, "照片超过大小上限", "size_bytes exceeds photo_max_bytes (5 MB by default)."
)


def key_pattern(*folders: str) -> str:
    """The form of a photo key in any of `folders` (what a request body may name)."""
    return rf"^({'|'.join(folders)})/[A-Za-z0-9_.:-]{{1,64}}/[0-9A-Z]{{26}}\.(jpg|png)$"


class PhotoIn(Strict):
    enterprise_id: str = Field(pattern=ID_PATTERN)
    content_type: Literal["image/jpeg", "image/png"]
    size_bytes: int = Field(ge=1, description="文件大小（字节），不超过 photo_max_bytes")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"enterprise_id": "ent_demo", "content_type": "image/jpeg", "size_bytes": 800000}]
        }
    )


class PhotoOut(Schema):
    key: str = Field(description="登记、提交或打卡时填入 photos 的对象键")
    url: str = Field(description="表单 POST 地址（multipart/form-data，fields 在前，file 在后）")
    fields: dict[str, str]
    max_bytes: int
    expires_in_s: int


def prefix(folder: str, enterprise_id: str) -> str:
    return f"{folder}/{enterprise_id}/"


def presign(folder: str, enterprise_id: str, content_type: str, size_bytes: int) -> dict[str, Any]:
    """A one-object upload form: S3 itself refuses another type, a larger file or a late upload."""
    settings = get_settings()
    if size_bytes > settings.photo_max_bytes:
        raise PHOTO_TOO_LARGE(details={"field": "size_bytes", "max_bytes": settings.photo_max_bytes})
    key = f"{prefix(folder, enterprise_id)}{ids.ulid()}.{EXTENSION[content_type]}"
    form = aws.client("s3").generate_presigned_post(
        Bucket=catalog.bucket_name("evidence"),
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, settings.photo_max_bytes]],
        ExpiresIn=settings.photo_url_ttl_s,
    )
    return {
        "key": key,
        "url": form["url"],
        "fields": form["fields"],
        "max_bytes": settings.photo_max_bytes,
        "expires_in_s": settings.photo_url_ttl_s,
    }


def check(keys: list[str], enterprise_id: str, folders: tuple[str, ...], field: str = "photos") -> None:
    """Each key lies in one of `folders` of this enterprise and was uploaded (422 naming `photos.<i>` otherwise)."""
    s3, bucket, problems = aws.client("s3"), catalog.bucket_name("evidence"), []
    for i, key in enumerate(keys):
        if not any(key.startswith(prefix(folder, enterprise_id)) for folder in folders):
            problems.append(errors.field_error(f"{field}.{i}", "照片不属于该企业", "foreign_photo"))
            continue
        try:
            s3.head_object(Bucket=bucket, Key=key)
        except s3.exceptions.ClientError:
            problems.append(errors.field_error(f"{field}.{i}", "照片尚未上传", "missing_photo"))
    if problems:
        raise errors.invalid(problems)


def view_urls(keys: list[str]) -> dict[str, str]:
    """Short-lived download links for photos (shown to whoever may see the record they belong to)."""
    s3, bucket, ttl = aws.client("s3"), catalog.bucket_name("evidence"), get_settings().photo_url_ttl_s
    return {
        k: s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": k}, ExpiresIn=ttl) for k in keys
    }
