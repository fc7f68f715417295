"""What the rounds core hands to adapters: cards, reveals, standings, summaries. Plain data, no markup."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core.exam.model import QuestionType

POINT = 100  # hundredths: a right answer is worth 100


class Reason(StrEnum):
    """Why a question closed."""

    TIME = "time"
    EVERYONE = "everyone"
    STOPPED = "stopped"

@dataclass(frozen=True)
class RoundCard:
    """The open question as everyone in the chat sees it, options in the round's shuffled order."""

    round_id: int
    position: int
    total: int
    kind: QuestionType
    stem: str
    choices: list[str]
    select: int
    answered: int  # how many members have answered so far
    closes_at: datetime
    seconds: int
    exhibit: str | None = None
    case_title: str | None = None
    case_scenario: str | None = None

    @property
    def number(self) -> int:
        return self.position + 1


@dataclass(frozen=True)
class Standing:
    """A member's place: points (hundredths), right answers, and total answer time for ties."""

    member_id: int
    name: str
    points: int
    right: int
    answered: int
    time_ms: int

    @property
    def score(self) -> str:
        return f"{self.points / POINT:.2f}"


@dataclass(frozen=True)
class Reveal:
    """A closed question: the right answer and why, who got it right (fastest first), the standings."""

    card: RoundCard
    reason: Reason
    correct: list[str]  # lettered as shown, e.g. "B) Use SageMaker Clarify"
    why: str
    right: list[tuple[str, float]]  # (name, seconds taken)
    answered: int
    standings: list[Standing]


@dataclass(frozen=True)
class MissedDomain:
    domain: int
    name: str
    misses: int  # wrong or missing answers from joined members

    @property
    def drill(self) -> str:
        return f"/drill {self.domain}"


@dataclass(frozen=True)
class RoundSummary:
    """The end of a round: the final leaderboard and the domain the group missed most."""

    round_id: int
    asked: int  # questions revealed (fewer than planned if stopped)
    total: int
    stopped: bool
    standings: list[Standing]
    missed: MissedDomain | None
    exam: str = ""  # the code of the exam the round was drawn from, "MLA-C02"


@dataclass(frozen=True)
class Leaderboard:
    """A chat's standings over a period (the last 7 days for /leaderboard)."""

    days: int
    rounds: int
    standings: list[Standing]


@dataclass(frozen=True)
class RoundUpdate:
    """What changed in a chat without anyone asking: a reveal to edit in, a next question, the end."""

    chat: str
    round_id: int
    reveal: Reveal | None = None
    message_ref: str | None = None  # the revealed question's message; None if it was never sent
    next: RoundCard | None = None
    end: RoundSummary | None = None


@dataclass(frozen=True)
class RoundReply:
    """The answer to a command or a tap.

    `paragraphs` go to the chat as a message; `ack` is a private acknowledgement of a tap; `card` is a new
    question message to send; `live` is the open question with its new answer count, to edit into
    `message_ref`; `update` is a reveal (and what follows) that this request caused.
    """

    paragraphs: list[str] = field(default_factory=list)
    ack: str = ""
    refused: bool = False
    card: RoundCard | None = None
    live: RoundCard | None = None
    message_ref: str | None = None
    update: RoundUpdate | None = None
    leaderboard: Leaderboard | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)
