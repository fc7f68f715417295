"""Blind copy of a question file: python3 scripts/review/blind.py 1.2  -> scripts/review/out/1.2.blind.yaml
Keeps id, stem, exhibit and option texts (lettered A, B, ... in file order); drops keys, whys, explanations,
takeaways and references."""
import sys

import yaml
from _files import locate

task = sys.argv[1]
qs = yaml.safe_load(open(locate(task)))
out = []
for q in qs:
    item = {"id": q["id"], "type": q["type"], "stem": q["stem"]}
    if q.get("exhibit"):
        item["exhibit"] = q["exhibit"]
    item["options"] = {"ABCDEF"[i]: o["text"] for i, o in enumerate(q["options"])}
    out.append(item)
yaml.safe_dump(out, open(f"scripts/review/out/{task}.blind.yaml", "w"), sort_keys=False, width=110, allow_unicode=True)
print(f"{len(out)} questions -> scripts/review/out/{task}.blind.yaml")
