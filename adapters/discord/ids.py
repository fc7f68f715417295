"""custom_id templates: every button and menu carries its own state, so a click works after a restart.

Shapes (fields separated by ":"; Discord allows at most 100 characters, these stay under 60):
  mla:a:S:P:K          single answer: display position K of question P in session S
  mla:m:S:P            multi-response menu; the picks arrive as the menu's values
  mla:s:S:P:I:PICKS    ordering/matching menu for slot I; PICKS holds one letter or "-" per slot so far
  mla:g:S:P:N:PICKS    show page N of the slot menus, keeping PICKS
  mla:d:S:P:PICKS      submit PICKS
  mla:x:S:P            explain the answer to question P of session S
  mla:do:NAME          a suggested next command (Quiz, Stats...)
  mla:forget:U:yes|no  the /forget confirmation, valid for Discord user U only
  mla:k:/CMD ARGS      a button the core offered (Reply.buttons): the command text, run for whoever clicks
  mla:p:Q:C:K          question of the day Q (bank id, may be empty), right position C, clicked position K
  mla:ra:R:P:K         group round R, question P: answer K
  mla:rt:R:P:K         group round multi-response: toggle K in the clicker's own stored pick
  mla:rs:R:P           group round multi-response: submit the clicker's stored pick
  mla:e:A:S:N          a diagnostic or mock key (core/quiz/exam_keys.py): act A, session S, number N
The core checks session, position and learner on every answer, so a forged id can change nothing.
"""

from __future__ import annotations

import re

from core.quiz.exam_keys import Act, Key
from core.quiz.grading import LETTERS

MAX_LENGTH = 100
NONE = "-"
_QUESTION = r"mla:{kind}:(?P<session>\d{{1,19}}):(?P<position>\d{{1,4}})"
_PICKS = r"(?P<picks>[A-H-]{1,8})"

ANSWER = _QUESTION.format(kind="a") + r":(?P<choice>[0-7])"
MULTI = _QUESTION.format(kind="m")
SLOT = _QUESTION.format(kind="s") + r":(?P<slot>[0-7]):" + _PICKS
PAGE = _QUESTION.format(kind="g") + r":(?P<page>[0-7]):" + _PICKS
SUBMIT = _QUESTION.format(kind="d") + ":" + _PICKS
EXPLAIN = _QUESTION.format(kind="x")
ACTION = r"mla:do:(?P<action>[a-z]{1,20})"
FORGET = r"mla:forget:(?P<user>\d{1,20}):(?P<confirm>yes|no)"
COMMAND_MENU = r"mla:km"  # the picked option's value is the command text (Reply.menu)
COMMAND = r"mla:k:(?P<command>/[a-z]{1,20}(?: [A-Za-z0-9:._/+-]{1,40}){0,4})"
POLL = r"mla:p:(?P<question>[A-Za-z0-9._-]{0,40}):(?P<correct>[0-7]):(?P<choice>[0-7])"
_ROUND = r"mla:{kind}:(?P<round>\d{{1,19}}):(?P<position>\d{{1,4}})"
ROUND_ANSWER = _ROUND.format(kind="ra") + r":(?P<choice>[0-7])"
ROUND_TOGGLE = _ROUND.format(kind="rt") + r":(?P<choice>[0-7])"
ROUND_SUBMIT = _ROUND.format(kind="rs")
EXAM_KEY = r"mla:e:(?P<act>[" + "".join(Act) + r"]):(?P<session>\d{1,19}):(?P<number>\d{1,4})"


def _checked(custom_id: str) -> str:
    if len(custom_id) > MAX_LENGTH:
        raise ValueError(f"custom_id over {MAX_LENGTH} characters: {custom_id!r}")
    return custom_id


def answer(session_id: int, position: int, choice: int) -> str:
    return _checked(f"mla:a:{session_id}:{position}:{choice}")


def multi(session_id: int, position: int) -> str:
    return _checked(f"mla:m:{session_id}:{position}")


def slot(session_id: int, position: int, index: int, picks: str) -> str:
    return _checked(f"mla:s:{session_id}:{position}:{index}:{picks}")


def page(session_id: int, position: int, number: int, picks: str) -> str:
    return _checked(f"mla:g:{session_id}:{position}:{number}:{picks}")


def submit(session_id: int, position: int, picks: str) -> str:
    return _checked(f"mla:d:{session_id}:{position}:{picks}")


def explain(session_id: int, position: int) -> str:
    return _checked(f"mla:x:{session_id}:{position}")


def action(name: str) -> str:
    return _checked(f"mla:do:{name}")


def forget(user_id: int, confirm: bool) -> str:
    return _checked(f"mla:forget:{user_id}:{'yes' if confirm else 'no'}")


def command(text: str) -> str | None:
    """A command button's custom_id, or None when the text is not a command that fits one."""
    custom_id = f"mla:k:{text}"
    return custom_id if len(custom_id) <= MAX_LENGTH and re.fullmatch(COMMAND, custom_id) else None


def poll(question_id: str, correct: int, choice: int) -> str:
    return _checked(f"mla:p:{question_id}:{correct}:{choice}")


def round_answer(round_id: int, position: int, choice: int) -> str:
    return _checked(f"mla:ra:{round_id}:{position}:{choice}")


def round_toggle(round_id: int, position: int, choice: int) -> str:
    return _checked(f"mla:rt:{round_id}:{position}:{choice}")


def round_submit(round_id: int, position: int) -> str:
    return _checked(f"mla:rs:{round_id}:{position}")


def exam_key(key: Key) -> str:
    return _checked(f"mla:e:{key.act.value}:{key.session}:{key.number}")


def no_picks(size: int) -> str:
    return NONE * size


def with_pick(picks: str, index: int, letter: str) -> str:
    """Put `letter` in slot `index`; a letter already used elsewhere moves, so picks never repeat."""
    cleared = picks.replace(letter, NONE)
    return cleared[:index] + letter + cleared[index + 1:]


def fits(picks: str, size: int) -> bool:
    """Whether carried picks could belong to a question with `size` choices: one slot each, no letter twice."""
    chosen = picks.replace(NONE, "")
    return len(picks) == size and set(chosen) <= set(LETTERS[:size]) and len(set(chosen)) == len(chosen)


def letters(values: list[str] | str) -> list[str]:
    """The single letters among menu values or picks; anything else (a forgery, an empty slot) is dropped."""
    return [v for v in values if len(v) == 1 and v in LETTERS]


def positions(values: list[str] | str) -> list[int]:
    """Letters as display positions, the shape the core's answer() expects."""
    return [LETTERS.index(v) for v in letters(values)]
