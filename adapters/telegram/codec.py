"""callback_data codes: compact, at most 64 bytes, carrying session, position and choice; never text.

Shapes (fields separated by ":"):
  a:S:P:K      single answer, display position K          t:S:P:M / s:S:P:M  multi toggle / submit, mask M
  o:S:P:SEQ    ordering picks so far (letters)            O:S:P:SEQ          ordering submit
  m:S:P:SEQ    matching picks so far, prompt by prompt    M:S:P:SEQ          matching submit
  x:S:P        explain that answer                        c:NAME             a command (menu buttons)
  d:SCOPE      drill menu: a domain's task statements     D:SCOPE            start a drill
  f:yes|no     /forget confirmation                       k:/CMD ARGS        a command with arguments, e.g.
                                                                              k:/classify 12 3 data
  r:R:P:K      group round R, question P: answer K         g:R:P:K / G:R:P    round multi: toggle K / submit
                                                           (each member's pick is kept in the database)
  e:A:S:N      a diagnostic or mock key (core/quiz/exam_keys.py): act A, session S, number N (a question,
               or a page of the review screen's grid); the core refuses one for another attempt or question
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.quiz.exam_keys import Act, Key

MAX_BYTES = 64
COMMANDS = {"quiz", "drill", "diagnostic", "mock", "review", "stats", "help", "explain", "stop", "start"}
_QUESTION = re.compile(r"^([atsoOmMx]):(\d{1,12}):(\d{1,3})(?::([A-Za-z0-9]{0,12}))?$")
_OTHER = re.compile(r"^([cdDf]):([a-z0-9.]{1,16})$")
_ROUND = re.compile(r"^([rgG]):(\d{1,12}):(\d{1,3})(?::(\d))?$")
_KEY = re.compile(r"^e:([" + "".join(Act) + r"]):(\d{1,12}):(\d{1,4})$")
_TYPED = re.compile(r"^k:(/[a-z]{1,16}(?: [A-Za-z0-9:._/-]{1,32}){0,3})$")


@dataclass(frozen=True)
class Callback:
    kind: str
    session_id: int = 0
    position: int = 0
    value: str = ""


def encode(kind: str, session_id: int | None = None, position: int | None = None, value: str | int = "") -> str:
    if session_id is None:
        data = f"{kind}:{value}"
    else:
        data = f"{kind}:{session_id}:{position}" + ("" if kind in ("x", "G") else f":{value}")
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback_data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    """Parse callback_data strictly; anything garbled or forged is None (and is refused politely)."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    if m := _QUESTION.match(data):
        kind, sid, pos, value = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4) or ""
        if (kind == "x") != (m.group(4) is None):
            return None
        if kind in "ats" and not value.isdigit():
            return None
        return Callback(kind, sid, pos, value)
    if m := _ROUND.match(data):
        if (m.group(1) == "G") != (m.group(4) is None):
            return None
        return Callback(m.group(1), int(m.group(2)), int(m.group(3)), m.group(4) or "")
    if m := _KEY.match(data):
        return Callback("e", int(m.group(2)), int(m.group(3)), m.group(1))
    if m := _TYPED.match(data):
        return Callback("k", value=m.group(1))
    if m := _OTHER.match(data):
        kind, value = m.groups()
        if kind == "c" and value not in COMMANDS:
            return None
        if kind == "f" and value not in ("yes", "no"):
            return None
        return Callback(kind, value=value)
    return None


def key(k: Key) -> str:
    """A core exam key's callback_data."""
    return encode("e", value=f"{k.act.value}:{k.session}:{k.number}")
