"""Balance of one question file: python3 scripts/review/qbal.py questions/mla-c02/1.1.yaml"""
import collections
import re
import sys

import yaml

qs = yaml.safe_load(open(sys.argv[1]))
singles = [q for q in qs if q['type'] == 'single']
longest = shortest = 0
letters = collections.Counter()
for q in singles:
    L = [len(o['text']) for o in q['options']]
    ci = next(i for i, o in enumerate(q['options']) if o['correct'])
    letters['ABCD'[ci]] += 1
    if L.count(max(L)) == 1 and L[ci] == max(L):
        longest += 1
    if L.count(min(L)) == 1 and L[ci] == min(L):
        shortest += 1
neg = sum(1 for q in qs if re.search(r"\b(NOT|AVOID|INCORRECT|EXCEPT|LEAST)\b", q['stem']))
skills = collections.Counter(s for q in qs for s in q.get('skills', []))
n = len(singles) or 1
print(f"{len(qs)} questions ({len(singles)} single, {len(qs)-len(singles)} multi)")
print(f"correct is the single longest: {longest}/{len(singles)} = {100*longest//n}% (want 15-30%)")
print(f"correct is the single shortest: {shortest}/{len(singles)} = {100*shortest//n}% (want <= 30%)")
print("correct letters of singles:", dict(sorted(letters.items())), "(want each 20-30%)")
print(f"exhibits: {sum(1 for q in qs if q.get('exhibit'))}; negative stems: {neg}")
print("questions per skill:", dict(sorted(skills.items())))
