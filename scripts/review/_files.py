"""Where a batch lives: a reviewed one in questions/mla-c02/, one awaiting review in questions/drafts/mla-c02/."""
import os
import sys


def locate(task: str) -> str:
    for folder in ("questions/drafts/mla-c02", "questions/mla-c02"):
        if os.path.exists(f"{folder}/{task}.yaml"):
            return f"{folder}/{task}.yaml"
    sys.exit(f"no file for task {task}")
