#!/usr/bin/env sh
# Validate one draft batch with the whole MLA-C02 bank, without putting it in the bank:
#   scripts/review/check.sh 4.1     (reads questions/drafts/mla-c02/4.1.yaml)
# Builds a private copy of questions/ in /tmp with the draft beside the landed files, then runs the bank check.
set -e
cd "$(dirname "$0")/../.."
task="$1"
tmp="$(mktemp -d "/tmp/qcheck-$task.XXXX")"
cp -r questions/mla-c01 "$tmp/mla-c01"
mkdir "$tmp/mla-c02"
cp questions/mla-c02/*.yaml "$tmp/mla-c02/"
cp "questions/drafts/mla-c02/$task.yaml" "$tmp/mla-c02/"
QUESTIONS_DIR="$tmp" .venv/bin/python -m bot questions check
rm -r "$tmp"
