"""Where published files go: a local folder or an S3 bucket/prefix, behind one small interface.

Keys are '/'-separated relative names (`tips.rss`); each storage maps them to a path or an
object key. Failures raise DeliveryError naming the place and what to check.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

from outputs.files import write_if_changed
from transforms.errors import DeliveryError


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str, cache_control: str | None = None) -> bool:
        """Store `data` under `key`; False only if the storage knows it already held these bytes."""
        ...

    def get(self, key: str) -> bytes | None:
        """The bytes under `key`, or None if there are none."""
        ...

    def exists(self, key: str) -> bool: ...

    def location(self, key: str) -> str:
        """Where `key` lives, in words a user can open (a path or an s3:// URL)."""
        ...


class LocalStorage:
    """Files under `root`, written atomically (content type and caching are the web server's job)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, key: str, data: bytes, content_type: str, cache_control: str | None = None) -> bool:
        path = self._path(key)
        try:
            written = write_if_changed(path, data)
            # Published files are for a web server to read; the atomic temp file starts as 0600.
            path.chmod(0o644)
            return written
        except OSError as exc:
            raise DeliveryError(f"{path}: cannot write it ({exc.strerror}); check the folder's permissions and space") from None

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise DeliveryError(f"{path}: cannot read it ({exc.strerror})") from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def location(self, key: str) -> str:
        return str(self._path(key))

    def _path(self, key: str) -> Path:
        if key.startswith("/") or ".." in key.split("/"):
            raise DeliveryError(f"{key!r}: a storage key must be a relative name without '..'")
        return self.root / key


class S3Storage:
    """Objects under `s3://bucket/prefix`, uploaded with their Content-Type and Cache-Control."""

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None,
                 region: str | None = None, client: Any = None) -> None:
        import boto3

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url, region_name=region)

    def put(self, key: str, data: bytes, content_type: str, cache_control: str | None = None) -> bool:
        extra = {"CacheControl": cache_control} if cache_control else {}
        with self._errors(key, "upload"):
            self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data,
                                   ContentType=content_type, **extra)
        return True

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        with self._errors(key, "download"):
            try:
                return self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                    return None
                raise

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        with self._errors(key, "look up"):
            try:
                self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
                return True
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
                    return False
                raise

    def location(self, key: str) -> str:
        return f"s3://{self.bucket}/{self.prefix}{key}"

    def _errors(self, key: str, action: str) -> AbstractContextManager[None]:
        return _s3_errors(self.location(key), action)


@contextmanager
def _s3_errors(where: str, action: str) -> Iterator[None]:
    """Turn boto3 failures into DeliveryError with a hint; transient when a retry may help."""
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

    try:
        yield
    except NoCredentialsError:
        raise DeliveryError(f"{where}: no AWS credentials; set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
                            "or an AWS profile") from None
    except EndpointConnectionError as exc:
        raise DeliveryError(f"{where}: cannot reach the S3 endpoint ({exc}); check "
                            "feeds.destination.endpoint_url and the network", transient=True) from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        hint = {"NoSuchBucket": "create the bucket or fix feeds.destination.bucket",
                "AccessDenied": "give these credentials s3:PutObject and s3:GetObject on the bucket"}.get(
            error.get("Code", ""), "see the S3 error code")
        raise DeliveryError(f"{where}: could not {action} ({error.get('Code')}: {error.get('Message')}); {hint}",
                            transient=status >= 500 or status == 429) from None
    except BotoCoreError as exc:
        raise DeliveryError(f"{where}: could not {action} ({exc})", transient=True) from None
