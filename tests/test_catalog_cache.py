"""The compiled-catalog cache: used when the rules are unchanged, rebuilt when anything changes,
never an error (unwritable folder, damaged entry), on by default, off with YIYANG_NO_CACHE=1."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from yiyang_rules import catalog_cache
from yiyang_rules.engine import Engine
from yiyang_rules.errors import RuleCatalogError
from yiyang_rules.resources import examples_dir, rules_dir

SAMPLE = examples_dir() / "beijing-sample.json"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(rules_dir(), copy)
    return copy


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("YIYANG_CACHE_DIR", str(folder))
    monkeypatch.delenv("YIYANG_NO_CACHE", raising=False)
    return folder


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("catalogs-*.pickle"))


def test_second_load_reads_the_entry_and_checks_the_same(
    rules: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Engine.load(rules_dir=rules)
    assert len(_entries(cache)) == 1
    expected = first.check_json(SAMPLE)

    def no_yaml(*args: object, **kwargs: object) -> object:
        raise AssertionError("the rules were read although the cache holds them")

    monkeypatch.setattr("yiyang_rules.catalog.load_pack", no_yaml)
    second = Engine.load(rules_dir=rules)
    assert second.check_json(SAMPLE) == expected
    assert second.check(SAMPLE).model_dump_json().encode() == expected  # the full catalogs, loaded now


def test_the_full_catalogs_load_when_first_asked_for_and_match_the_checked_ones(rules: Path, cache: Path) -> None:
    built = Engine.load(rules_dir=rules)
    cached = Engine.load(rules_dir=rules)
    assert "not loaded yet" in repr(cached.catalogs)
    assert list(cached.catalogs) == list(cached.checked) == list(built.catalogs)
    assert "beijing" in cached.catalogs and "not loaded yet" in repr(cached.catalogs)
    for layer, catalog in cached.catalogs.items():
        checked = cached.checked[layer]
        assert [r.id for r in catalog.rules] == [r.id for r in checked.rules]
        assert [(r.level, r.kind.name, r.applies_to, r.schedule) for r in catalog.rules] == [
            (r.level, r.kind.name, r.applies_to, r.schedule) for r in checked.rules
        ]
        fresh = built.catalogs[layer]
        assert [(r.title, r.citations, r.layers, r.history) for r in catalog.rules] == [
            (r.title, r.citations, r.layers, r.history) for r in fresh.rules
        ]


def test_a_damaged_full_part_is_rebuilt_when_asked_for(rules: Path, cache: Path) -> None:
    expected = Engine.load(rules_dir=rules).check(SAMPLE).model_dump_json()
    (entry,) = _entries(cache)
    data = entry.read_bytes()
    lean_end = 8 + int.from_bytes(data[:8], "big")
    entry.write_bytes(data[:lean_end] + b"damaged")
    engine = Engine.load(rules_dir=rules)
    assert engine.check(SAMPLE).model_dump_json() == expected


def test_a_changed_rule_file_is_a_new_entry(rules: Path, cache: Path) -> None:
    before = Engine.load(rules_dir=rules)
    victim = next((rules / "national").glob("*.yaml"))
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text.replace("title:", "title:", 1) + "\n# changed\n", encoding="utf-8")
    after = Engine.load(rules_dir=rules)
    assert len(_entries(cache)) == 2
    assert before.check_json(SAMPLE) == after.check_json(SAMPLE)  # a comment changes no verdict


def test_a_broken_rule_file_is_still_an_error_after_a_good_load(rules: Path, cache: Path) -> None:
    Engine.load(rules_dir=rules)
    victim = next((rules / "national").glob("*.yaml"))
    victim.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleCatalogError):
        Engine.load(rules_dir=rules)


def test_a_damaged_entry_is_rebuilt(rules: Path, cache: Path) -> None:
    expected = Engine.load(rules_dir=rules).check_json(SAMPLE)
    (entry,) = _entries(cache)
    entry.write_bytes(b"not a pickle")
    assert Engine.load(rules_dir=rules).check_json(SAMPLE) == expected


def test_an_entry_others_can_write_is_not_read(rules: Path, cache: Path) -> None:
    Engine.load(rules_dir=rules)
    (entry,) = _entries(cache)
    entry.chmod(0o666)
    assert not catalog_cache._trusted(entry)
    entry.chmod(0o600)
    assert catalog_cache._trusted(entry)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_cache_folder_is_no_error(rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("YIYANG_CACHE_DIR", str(locked / "cache"))
    assert Engine.load(rules_dir=rules).check_json(SAMPLE)


def test_a_cache_folder_that_is_a_file_is_no_error(
    rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("YIYANG_CACHE_DIR", str(blocker / "cache"))
    assert Engine.load(rules_dir=rules).check_json(SAMPLE)


def test_no_cache_writes_nothing(rules: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YIYANG_NO_CACHE", "1")
    Engine.load(rules_dir=rules)
    assert not cache.exists()


def test_old_entries_are_pruned(rules: Path, cache: Path) -> None:
    victim = next((rules / "national").glob("*.yaml"))
    text = victim.read_text(encoding="utf-8")
    for n in range(catalog_cache.KEEP + 3):
        victim.write_text(text + f"\n# edit {n}\n", encoding="utf-8")
        Engine.load(rules_dir=rules)
    assert len(_entries(cache)) == catalog_cache.KEEP


def test_special_files_in_the_rules_folder_are_not_opened(rules: Path) -> None:
    # Opening a FIFO waits for a writer: the key must name it, never read it.
    fifo = rules / "national" / "x.fifo.yaml"
    os.mkfifo(fifo)
    done: list[str] = []
    worker = threading.Thread(target=lambda: done.append(catalog_cache.cache_key(rules)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert done, "cache_key blocked on a FIFO"
    fifo.unlink()
    assert catalog_cache.cache_key(rules) != done[0]


def test_on_by_default_in_the_xdg_cache_folder(rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YIYANG_CACHE_DIR", raising=False)
    monkeypatch.delenv("YIYANG_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert catalog_cache.cache_dir() == tmp_path / "xdg" / "yiyang-rules"
    Engine.load(rules_dir=rules)
    assert len(_entries(tmp_path / "xdg" / "yiyang-rules")) == 1


def test_without_xdg_the_cache_is_under_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YIYANG_CACHE_DIR", raising=False)
    monkeypatch.delenv("YIYANG_NO_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert catalog_cache.cache_dir() == tmp_path / "home" / ".cache" / "yiyang-rules"
    monkeypatch.setenv("YIYANG_NO_CACHE", "1")
    assert catalog_cache.cache_dir() is None


def test_the_test_session_never_writes_the_users_cache() -> None:
    folder = catalog_cache.cache_dir()
    assert folder is not None
    assert folder != Path.home() / ".cache" / "yiyang-rules"
    assert "yiyang-test-cache-" in str(folder)
