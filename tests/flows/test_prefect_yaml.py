"""prefect.yaml: every entrypoint imports, triggers and schedules parse, and `syndicate serve` builds the same set."""

from __future__ import annotations

from pathlib import Path

import yaml
from prefect.cli.deploy._models import PrefectYamlModel
from prefect.events import DeploymentEventTrigger
from prefect.flows import Flow

from flows.cli_ops import PREFECT_YAML, load_entrypoint, served_deployments, yaml_schedules, yaml_triggers
from flows.orchestration_config import OrchestrationSettings
from flows.settings import Settings

SPEC = yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))
BY_NAME = {d["name"]: d for d in SPEC["deployments"]}


def test_prefect_yaml_validates_against_prefects_own_model() -> None:
    PrefectYamlModel.model_validate(SPEC)


def test_every_entrypoint_imports_as_a_flow() -> None:
    flows = {d["entrypoint"]: load_entrypoint(d["entrypoint"]) for d in SPEC["deployments"]}
    assert all(isinstance(f, Flow) for f in flows.values())
    assert {f.name for f in flows.values()} >= {"syndicate_article", "poll_feeds", "ingest_drop", "send_digest",
                                                  "rebuild_feeds"}


def test_article_published_triggers_syndicate_article_with_the_whole_payload() -> None:
    [trigger] = yaml_triggers(BY_NAME["on-article-published"]["triggers"])
    assert isinstance(trigger, DeploymentEventTrigger)
    assert trigger.expect == {"article.published"}
    # One parameter for the whole payload: a template naming a missing key would silently create no run.
    assert trigger.parameters == {"article_id": "{{ event.resource.id }}", "payload": "{{ event.payload }}"}


def test_feeds_are_polled_every_15_minutes_and_the_digest_is_a_weekly_cron_with_a_timezone() -> None:
    [poll] = yaml_schedules(BY_NAME["poll-feeds"]["schedules"])
    assert poll.interval is not None and poll.interval.total_seconds() == 900
    [digest] = yaml_schedules(BY_NAME["weekly-digest"]["schedules"])
    assert (digest.cron, digest.timezone) == ("0 7 * * 1", "Europe/London")


def test_serve_builds_every_deployment_with_its_schedules_and_triggers(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, out_dir=tmp_path / "out")
    deployments = {d.name: d for d in served_deployments(settings)}
    assert set(deployments) == set(BY_NAME)
    assert len(deployments["on-article-published"].triggers) == 1
    assert len(deployments["poll-feeds"].schedules) == 1
    assert deployments["weekly-digest"].parameters["audience"] == "all"


def test_syndicate_yaml_can_override_the_served_poll_interval_and_digest_cron(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, orchestration=OrchestrationSettings(
        poll_interval_seconds=120, digest_cron="30 6 * * 5", digest_timezone="America/New_York"))
    deployments = {d.name: d for d in served_deployments(settings, config=tmp_path / "syndicate.yaml")}
    assert deployments["poll-feeds"].schedules[0].schedule.interval.total_seconds() == 120
    digest = deployments["weekly-digest"].schedules[0].schedule
    assert (digest.cron, digest.timezone) == ("30 6 * * 5", "America/New_York")
    assert deployments["poll-feeds"].parameters["config"] == str((tmp_path / "syndicate.yaml").resolve())
