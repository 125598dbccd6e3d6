"""Hidden-danger photos (隐患照片、整改照片): S3 presigned POST limited in size and type, and the check that
a danger names only its own enterprise's uploaded photos. The interface caps photos at 5 MB, PNG or JPEG."""

from __future__ import annotations

from typing import Any

from chalicelib.core import aws, catalog, errors, ids
from chalicelib.core.settings import get_settings

EXTENSION = {"image/jpeg": "jpg", "image/png": "png"}
PHOTO_TOO_LARGE = errors.define(
    "PHOTO_TOO_LARGE", 413, "照片超过大小上限", "size_bytes exceeds photo_max_bytes (5 MB by default)."
)


def prefix(enterprise_id: str) -> str:
    return f"hidden-dangers/{enterprise_id}/"


def presign(enterprise_id: str, content_type: str, size_bytes: int) -> dict[str, Any]:
    """A one-object upload form: S3 itself refuses another type, a larger file or a late upload."""
    settings = get_settings()
    if size_bytes > settings.photo_max_bytes:
        raise PHOTO_TOO_LARGE(details={"field": "size_bytes", "max_bytes": settings.photo_max_bytes})
    key = f"{prefix(enterprise_id)}{ids.ulid()}.{EXTENSION[content_type]}"
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


def check(keys: list[str], enterprise_id: str, field: str = "photos") -> None:
    """Each key is this enterprise's and was uploaded (422 naming `photos.<i>` otherwise)."""
    s3, bucket, problems = aws.client("s3"), catalog.bucket_name("evidence"), []
    for i, key in enumerate(keys):
        if not key.startswith(prefix(enterprise_id)):
            problems.append(errors.field_error(f"{field}.{i}", "照片不属于该企业", "foreign_photo"))
            continue
        try:
            s3.head_object(Bucket=bucket, Key=key)
        except s3.exceptions.ClientError:
            problems.append(errors.field_error(f"{field}.{i}", "照片尚未上传", "missing_photo"))
    if problems:
        raise errors.invalid(problems)


def view_urls(keys: list[str]) -> dict[str, str]:
    """Short-lived download links for the photos of one danger (shown to whoever may see the danger)."""
    s3, bucket, ttl = aws.client("s3"), catalog.bucket_name("evidence"), get_settings().photo_url_ttl_s
    return {
        k: s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": k}, ExpiresIn=ttl) for k in keys
    }
