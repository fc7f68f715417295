# Sourced by scripts/bot and scripts/test: make .venv, install the locked dependencies (every file checked
# against its hash in requirements/), then the project itself without dependencies; again whenever the lock
# or pyproject.toml changes. Regenerate the locks with ./scripts/lock.
lock="requirements/${LOCK:?bot or test, set by the caller}.lock"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
venv_pip() { .venv/bin/python -m pip --quiet --disable-pip-version-check "$@"; }
stamp=".venv/.install-stamp-$LOCK"
want="$(cat requirements/build.lock "$lock" pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    # pip and setuptools first: a current installer, and the build backend the project is installed with.
    venv_pip install --require-hashes --only-binary :all: -r requirements/build.lock
    venv_pip install --require-hashes --only-binary :all: -r "$lock"
    venv_pip install --no-deps --no-build-isolation -e .
    echo "$want" > "$stamp"
fi
