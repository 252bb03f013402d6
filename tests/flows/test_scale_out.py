"""Scale-out smoke tests: the flows run unchanged on task runners whose tasks live in other processes
(Prefect's process pool, and a local Dask cluster through prefect-dask): batches, settings and articles
survive the trip."""

from __future__ import annotations

import asyncio
from pathlib import Path

from prefect.task_runners import ProcessPoolTaskRunner

from flows.pipeline import run_pipeline
from flows.settings import load_settings
from flows.syndicate import syndicate_sources
from tests.flows.conftest import ROOT, write_config


def test_syndicate_sources_runs_its_batches_in_worker_processes(tmp_path: Path) -> None:
    config = write_config(tmp_path / "pool", channels=["articles"], orchestration={"batch_size": 2})
    flow = syndicate_sources.with_options(task_runner=ProcessPoolTaskRunner(max_workers=2))
    result = asyncio.run(flow([str(ROOT / "examples" / "articles")], config=str(config))).result
    assert not result.failed, result.problems
    slugs = sorted(a.slug for a, _ in result.articles)
    expected = run_pipeline([str(ROOT / "examples" / "articles")], load_settings(write_config(tmp_path / "inline", channels=["articles"])))
    assert slugs == sorted(a.slug for a, _ in expected.articles) and len(slugs) > 2
    assert sorted(p.stem for p in (tmp_path / "pool" / "out" / "articles").glob("*.json")) == slugs


def test_syndicate_sources_runs_its_batches_on_a_dask_cluster(tmp_path: Path) -> None:
    from prefect_dask import DaskTaskRunner

    config = write_config(tmp_path / "dask", channels=["articles"], orchestration={"batch_size": 2})
    runner = DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": True,
                                            "dashboard_address": None})
    flow = syndicate_sources.with_options(task_runner=runner)
    result = asyncio.run(flow([str(ROOT / "examples" / "articles")], config=str(config))).result
    assert not result.failed, result.problems
    written = sorted(p.stem for p in (tmp_path / "dask" / "out" / "articles").glob("*.json"))
    assert written == sorted(a.slug for a, _ in result.articles) and len(written) > 2
