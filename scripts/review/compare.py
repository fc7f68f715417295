"""Compare blind answers with the key: python3 scripts/review/compare.py 1.2
Reads scripts/review/out/<task>.answers.yaml (a mapping id -> letters, e.g. "B" or "A C") and the file."""
import sys

import yaml
from _files import locate

task = sys.argv[1]
qs = {q["id"]: q for q in yaml.safe_load(open(locate(task)))}
answers = yaml.safe_load(open(f"scripts/review/out/{task}.answers.yaml"))
agree, disagree, missing = 0, [], []
for qid, q in qs.items():
    key = sorted("ABCDEF"[i] for i, o in enumerate(q["options"]) if o["correct"])
    given = answers.get(qid)
    if given is None:
        missing.append(qid)
        continue
    given = sorted(str(given).replace(",", " ").split())
    if given == key:
        agree += 1
    else:
        disagree.append((qid, " ".join(given), " ".join(key)))
print(f"{task}: {agree} agree, {len(disagree)} disagree, {len(missing)} unanswered")
for qid, g, k in disagree:
    print(f"  {qid}: reviewer {g} / key {k}")
for qid in missing:
    print(f"  {qid}: not answered")
