# Sourced by scripts/bot and scripts/test: make .venv and (re)install the project when pyproject.toml changes.
extra="${EXTRA:-}"  # "" for the bot, "[test]" for the tests (set by the caller)
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
stamp=".venv/.install-stamp$extra"
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$extra"
    echo "$want" > "$stamp"
fi
