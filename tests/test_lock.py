"""The lock files (requirements/*.lock, made by ./scripts/lock) agree with pyproject.toml: each lock holds
every dependency it installs at a version that dependency's range allows, exactly pinned and hashed; the
runtime and test locks pin what they share alike; nothing locked is older than a release with a known
advisory. A dependency changed in pyproject.toml without relocking fails here."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
RUNTIME = PYPROJECT["project"]["dependencies"]
TEST = PYPROJECT["project"]["optional-dependencies"]["test"]
BUILD = PYPROJECT["build-system"]["requires"]
WANTS = {"build": BUILD, "bot": RUNTIME, "test": RUNTIME + TEST}  # what each lock must satisfy
# The first release past the known advisories, for packages in the locks. A lower pin or a pyproject range
# that admits a lower release fails.
ADVISORY_FLOORS = {
    "aiohttp": "3.12.14",  # HTTP request smuggling (CVE-2024-52304 fixed in 3.10.11, CVE-2025-53643 in 3.12.14)
    "setuptools": "78.1.1",  # path traversal in PackageIndex downloads (CVE-2025-47273)
    "pip": "25.3",  # sdist tar extraction outside the target directory (CVE-2025-8869)
    "h11": "0.16.0",  # lenient chunked-encoding parsing, request smuggling (CVE-2025-43859)
    "tornado": "6.5",  # multipart/form-data parsing DoS (CVE-2025-47287); python-telegram-bot's webhook server
    "idna": "3.7",  # quadratic-time encode on crafted input (CVE-2024-3651)
    "certifi": "2024.7.4",  # GLOBALTRUST roots removed (CVE-2024-39689)
}


class Pin:
    """One locked requirement: `name==version ; marker` and its `--hash=` options."""

    def __init__(self, line: str) -> None:
        requirement, *hashes = line.split("--hash=")
        self.requirement = Requirement(requirement.strip())
        self.name = canonicalize_name(self.requirement.name)
        self.hashes = [h.strip() for h in hashes]

    @property
    def version(self) -> Version:
        [spec] = self.requirement.specifier
        return Version(spec.version)


def pins(lock: str) -> dict[str, list[Pin]]:
    """Every pin of requirements/<lock>.lock by package (a universal lock may pin one per environment)."""
    text = (ROOT / "requirements" / f"{lock}.lock").read_text().replace("\\\n", " ")
    found: dict[str, list[Pin]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pin = Pin(line)
            found.setdefault(pin.name, []).append(pin)
    return found


@pytest.mark.parametrize("lock", list(WANTS))
def test_every_dependency_is_locked_at_a_version_its_range_allows(lock):
    locked = pins(lock)
    for wanted in map(Requirement, WANTS[lock]):
        name = canonicalize_name(wanted.name)
        assert name in locked, f"{wanted} is not in requirements/{lock}.lock: run ./scripts/lock"
        for pin in locked[name]:
            assert wanted.specifier.contains(pin.version, prereleases=True), (
                f"requirements/{lock}.lock pins {pin.name}=={pin.version} outside {wanted}: run ./scripts/lock")


@pytest.mark.parametrize("lock", list(WANTS))
def test_every_pin_is_exact_and_hashed_and_says_how_to_relock(lock):
    assert "#    ./scripts/lock\n" in (ROOT / "requirements" / f"{lock}.lock").read_text()
    for pin in (p for each in pins(lock).values() for p in each):
        assert [s.operator for s in pin.requirement.specifier] == ["=="], pin.requirement
        assert pin.hashes and all(h.startswith("sha256:") for h in pin.hashes), pin.requirement


def test_the_runtime_and_test_locks_pin_what_they_share_alike():
    bot, test = pins("bot"), pins("test")
    assert set(bot) < set(test)
    for name in bot:
        assert [str(p.requirement) for p in bot[name]] == [str(p.requirement) for p in test[name]], name


def test_no_lock_or_range_admits_a_release_with_a_known_advisory():
    seen = set()
    for lock in WANTS:
        for name, each in pins(lock).items():
            if name in ADVISORY_FLOORS:
                seen.add(name)
                assert all(p.version >= Version(ADVISORY_FLOORS[name]) for p in each), (lock, name)
    assert {"aiohttp", "setuptools", "pip"} <= seen
    for wanted in map(Requirement, RUNTIME + TEST + BUILD):
        floor = ADVISORY_FLOORS.get(canonicalize_name(wanted.name))
        if floor:
            assert any(s.operator in (">=", "==", "~=") and Version(s.version) >= Version(floor)
                       for s in wanted.specifier), f"raise the floor of {wanted} to {floor}"
