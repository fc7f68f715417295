"""Platform-neutral replies: what the core says; adapters decide how it looks in each chat."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.exam.model import QuestionType

# What every surface answers when a command fails for a reason that is not the learner's (a bug, a database
# outage): nothing they did is lost, because every store call is one transaction that either happened or not.
FAILED = "Something went wrong on our side; nothing you did was lost. Try again in a moment."


@dataclass(frozen=True)
class WebLink:
    """The web view of a card's session (core/webview), for the button under the card. Telegram opens
    `app_url` as a Mini App and signs who opened it; everywhere else `url` carries a signed token that names
    the learner and expires."""

    label: str
    app_url: str
    url: str


@dataclass(frozen=True)
class QuestionCard:
    """A question as shown to the learner, options already in the session's shuffled order."""

    session_id: int
    position: int
    total: int
    progress: str  # "Q 12/65 · 1:47:03 left"
    kind: QuestionType
    stem: str
    choices: list[str]  # lettered A, B, C...: options, steps or the matching right-hand sides
    prompts: list[str] = field(default_factory=list)  # matching only, numbered 1, 2, 3...
    select: int = 1  # multi: how many to pick
    exhibit: str | None = None
    case_title: str | None = None
    case_scenario: str | None = None
    hint: str = ""
    web: WebLink | None = None  # the web view's button: diagnostics and mocks, when WEBAPP_BASE_URL is set
    # A running diagnostic or mock (core/quiz/navigate.py): whether this question is flagged, the learner's
    # answer so far (display positions; it changes until submit), and the navigation buttons, (label, command
    # text a tap sends): Flag, Previous, Skip/Next, Review screen, Submit.
    flagged: bool = False
    picked: list[int] = field(default_factory=list)
    nav: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class QuizPoll:
    """A single-answer question for a whole group; the stem and lettered options go in the paragraphs."""

    question_id: str
    question: str
    options: list[str]
    correct: int
    explanation: str


# Where a surface that cannot show pictures (the console) says it saved one.
CHART_SAVED = "Chart saved: {path} (open it with any image viewer)."


@dataclass(frozen=True)
class Image:
    """A picture sent with a reply (a progress chart, PNG): `name` is its file name ("mla-c02-progress.png"),
    `alt` says in words what it shows, for where the picture cannot be seen."""

    name: str
    data: bytes
    alt: str


@dataclass(frozen=True)
class ExamScreen:
    """A screen of a diagnostic or mock that a chat draws with buttons of its own size (core/quiz/exam_keys.py
    makes them): the review screen (a grid of every question, paged), the submit confirmation, or a page of
    the post-exam walk-through. Question numbers count from 1."""

    kind: str  # "review", "confirm" or "recap"
    session_id: int
    total: int
    current: int  # the question on screen (review, confirm) or shown (recap)
    answered: tuple[int, ...] = ()
    flagged: tuple[int, ...] = ()
    page: int = 0  # the review screen's page of its grid


@dataclass(frozen=True)
class Reply:
    """Paragraphs of plain text (adapters escape them), an optional question, suggested next commands."""

    paragraphs: list[str] = field(default_factory=list)
    card: QuestionCard | None = None
    actions: list[str] = field(default_factory=list)  # command names without the slash, e.g. "explain"
    answered: tuple[int, int] | None = None  # (session id, position) just answered, for an Explain button
    answered_card: QuestionCard | None = None  # that question as it was shown, to put the verdict under it
    refused: bool = False  # nothing changed: a stale button or a malformed answer (adapters may just toast it)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (label, command text a tap sends)
    # A choice among commands, (label, command text): a select menu where the platform has one (Discord); the
    # paragraphs say the same for the others, and Telegram draws its own two-level drill buttons.
    menu: list[tuple[str, str]] = field(default_factory=list)
    poll: QuizPoll | None = None  # a group's question of the day, answered by anyone
    image: Image | None = None  # a chart: /stats and a diagnostic's or mock's report, when a renderer is wired
    exam: ExamScreen | None = None  # drawn with exam_keys' buttons by a chat that has them, else `buttons`

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)
