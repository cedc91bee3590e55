"""Where kept photos live: a folder (`[media] dir`, the default) or an S3-compatible bucket
(`[media] store = "s3"`: AWS S3, MinIO, Aliyun OSS, Tencent COS …), for servers without a lasting
disk or with several machines.

The stored path says which: a path under the folder, or `s3://bucket/key`. The S3 credentials
are not wuye's config: boto3 reads them the standard way (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, an instance role), so no secret sits in wuye.toml, an
outbox row or a log line.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from bot.config import MediaConfig

S3 = "s3://"


def spec(media: MediaConfig) -> dict[str, str]:
    """What the worker needs to store a download (kept in the outbox row: no secret in it)."""
    if media.store == "s3":
        return {"store": "s3", "bucket": media.s3_bucket, "prefix": media.s3_prefix,
                "endpoint": media.s3_endpoint, "region": media.s3_region}
    return {"store": "dir", "dir": str(Path(media.dir).resolve())}


def put(where: dict[str, Any], rel: str, data: bytes, content_type: str) -> str:
    """Store the bytes; returns the stored path (relative to the folder, or s3://bucket/key)."""
    if where.get("store") == "s3":
        key = where.get("prefix", "") + rel
        _client(where.get("endpoint", ""), where.get("region", "")).put_object(
            Bucket=where["bucket"], Key=key, Body=data, ContentType=content_type or "application/octet-stream")
        return f"{S3}{where['bucket']}/{key}"
    target = Path(where["dir"]) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename: a crash never leaves half a photo under the final name.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, target)
    return rel


def read(media: MediaConfig, stored: str) -> bytes | None:
    """The stored bytes, or None when they are gone."""
    if stored.startswith(S3):
        bucket, _, key = stored[len(S3):].partition("/")
        client = _client(media.s3_endpoint, media.s3_region)
        try:
            return client.get_object(Bucket=bucket, Key=key)["Body"].read()  # type: ignore[no-any-return]
        except client.exceptions.NoSuchKey:
            return None
    path = Path(media.dir) / stored
    return path.read_bytes() if path.is_file() else None


def describe(media: MediaConfig, stored: str) -> str:
    return stored if stored.startswith(S3) else str(Path(media.dir) / stored)


_CLIENTS: dict[tuple[str, str], Any] = {}


def _client(endpoint: str, region: str) -> Any:
    """One boto3 client per endpoint (they are thread-safe and slow to build)."""
    key = (endpoint, region)
    if key not in _CLIENTS:
        try:
            import boto3
        except ImportError as exc:  # the s3 extra not installed
            raise RuntimeError("[media] store = \"s3\" needs boto3: pip install 'wuye[s3]'") from exc
        _CLIENTS[key] = boto3.client("s3", endpoint_url=endpoint or None, region_name=region or None)
    return _CLIENTS[key]
