"""finfix.environment: what is installed, remembered in the cache folder beside the import path's times."""

from __future__ import annotations

import os
import sys
import time
from importlib import metadata

import pytest

from finfix import environment
from finfix.engine.cache import write_cache_file
from finfix.engine.reading import read_regular_or_none


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An import path of two directories last changed an hour ago, and a cache folder."""
    dirs = [tmp_path / "site-a", tmp_path / "site-b"]
    hour_ago = time.time() - 3600
    for d in dirs:
        d.mkdir()
        os.utime(d, (hour_ago, hour_ago))
    monkeypatch.setattr(sys, "path", [str(d) for d in dirs])
    asked: list[str] = []

    def version(name):
        asked.append(name)
        if name == "missing-lib":
            raise metadata.PackageNotFoundError(name)
        return "1.2.3"

    monkeypatch.setattr(metadata, "version", version)
    yield tmp_path / "cache", dirs, asked
    environment.remember_in(None, read=read_regular_or_none)  # no state left for other tests


def _run(cache, names=("pandas", "missing-lib")):
    environment.remember_in(cache, read=read_regular_or_none)
    found = [environment.version(n) for n in names]
    environment.save(write=write_cache_file)
    return found


def test_a_second_run_in_the_same_environment_asks_nothing(env):
    cache, _, asked = env
    assert _run(cache) == ["1.2.3", None]
    assert asked == ["pandas", "missing-lib"]
    environment.remember_in(None, read=read_regular_or_none)  # a new process
    assert _run(cache) == ["1.2.3", None]
    assert asked == ["pandas", "missing-lib"]  # both answers, the missing one too, came from the file


def test_installing_or_removing_a_distribution_asks_again(env):
    cache, dirs, asked = env
    _run(cache)
    (dirs[1] / "polars-1.0.dist-info").mkdir()  # the directory's time moves on
    later = time.time() - 60
    os.utime(dirs[1], (later, later))
    environment.remember_in(None, read=read_regular_or_none)
    _run(cache)
    assert asked == ["pandas", "missing-lib"] * 2


def test_a_directory_changed_in_the_last_seconds_is_not_trusted(env):
    cache, dirs, asked = env
    os.utime(dirs[0], None)  # now
    _run(cache)
    assert not list(cache.glob("installed-*.json"))
    environment.remember_in(None, read=read_regular_or_none)
    _run(cache)
    assert asked == ["pandas", "missing-lib"] * 2


@pytest.mark.parametrize("damage", [
    lambda good: b"",
    lambda good: good[: len(good) // 2],
    lambda good: b"[1, 2]",
    lambda good: good.replace(b'"format": 1', b'"format": 99'),
    lambda good: good.replace(b"site-a", b"site-x"),  # another environment's answers
    lambda good: good.replace(b'"version pandas": "1.2.3"', b'"version pandas": 7'),
])
def test_a_damaged_file_is_asked_again_and_replaced(env, damage):
    cache, _, asked = env
    _run(cache)
    (stored,) = cache.glob("installed-*.json")
    good = stored.read_bytes()
    assert damage(good) != good
    stored.write_bytes(damage(good))
    environment.remember_in(None, read=read_regular_or_none)
    assert _run(cache) == ["1.2.3", None]
    assert "pandas" in asked[2:]
    assert stored.read_bytes() == good


def test_an_unwritable_cache_costs_only_the_question(env):
    cache, _, _ = env

    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    environment.remember_in(cache, read=read_regular_or_none)
    assert environment.version("pandas") == "1.2.3"
    environment.save(write=refuse)  # no exception
    assert not cache.exists()


def test_a_run_without_a_cache_asks_afresh(env):
    _, _, asked = env
    for _ in range(2):
        environment.remember_in(None, read=read_regular_or_none)
        assert environment.version("pandas") == "1.2.3"
    assert asked == ["pandas", "pandas"]
