"""`ingest_drop`: new article files in a folder or an S3 prefix become `article.published`, each version once."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.pipeline import ARTICLE_EXTENSIONS, discover
from flows.settings import Settings, load_settings
from flows.syndicate import IO_RETRIES, emit_published, state_store
from transforms.errors import ConfigError


def s3_client(settings: Settings):  # type: ignore[no-untyped-def]
    import boto3

    return boto3.client("s3", endpoint_url=settings.orchestration.s3_endpoint_url)


def folder_files(folder: Path) -> list[tuple[str, str]]:
    """(path, content hash) of every article file under `folder` (dot-files, e.g. partial uploads, skipped)."""
    names, _ = discover([str(folder)])
    found = []
    for name in names:
        with open(name, "rb") as handle:
            found.append((str(Path(name).resolve()), hashlib.file_digest(handle, "sha256").hexdigest()[:16]))
    return found


def s3_objects(settings: Settings) -> list[tuple[str, str]]:
    """(s3://bucket/key, ETag) of every article object under the drop prefix."""
    bucket, prefix = settings.orchestration.s3_drop_bucket, settings.orchestration.s3_drop_prefix
    found = []
    for page in s3_client(settings).get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            key = obj["Key"]
            if Path(key).suffix.lower() in ARTICLE_EXTENSIONS and not Path(key).name.startswith("."):
                found.append((f"s3://{bucket}/{key}", obj["ETag"].strip('"')))
    return found


def emit_new(origin: str, files: list[tuple[str, str]], settings: Settings) -> list[str]:
    """Emit `article.published` for each file not seen at this version, then remember it."""
    state = state_store(settings)
    now = datetime.now(timezone.utc)
    emitted = []
    for source, version in files:
        if state.is_new(origin, source, version):
            emit_published(source, version, drop=origin)
            state.mark_seen(origin, source, version, now)
            emitted.append(source)
    return emitted


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def scan_folder(settings: Settings) -> list[str]:
    folder = settings.orchestration.drop_folder
    if folder is None or not folder.is_dir():
        raise ConfigError(f"orchestration.drop_folder: {folder} is not a folder; create it or change the setting")
    return emit_new(str(folder.resolve()), folder_files(folder), settings)


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def scan_s3(settings: Settings) -> list[str]:
    origin = f"s3://{settings.orchestration.s3_drop_bucket}/{settings.orchestration.s3_drop_prefix}"
    return emit_new(origin, s3_objects(settings), settings)


@flow(name="ingest_drop")
def ingest_drop(config: str | None = None) -> list[str]:
    """Scan the drop folder and the S3 drop prefix (whichever are configured); the sources emitted."""
    settings = load_settings(Path(config) if config else None)
    emitted: list[str] = []
    if settings.orchestration.drop_folder is not None:
        emitted += scan_folder(settings)
    if settings.orchestration.s3_drop_bucket:
        emitted += scan_s3(settings)
    return emitted
