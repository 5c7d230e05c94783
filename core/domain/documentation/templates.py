"""Note templates: named sections, each with a hint. SOAP, DAP, BIRP and free text ship with
Hearth; the owner adds the practice's own. A note copies the sections it was started from, so a
template changed later never changes a note written with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from core.domain.shared.errors import InvalidInput
from core.domain.shared.events import EventLog
from core.domain.shared.values import clean_text

MAX_SECTIONS = 20
MAX_TITLE = 80
MAX_HINT = 300


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """One section a template asks for: its title, and a hint of what belongs there."""

    title: str
    hint: str = ""

    def __post_init__(self) -> None:
        title = clean_text(self.title, field="sections", limit=MAX_TITLE)
        if not title:
            raise InvalidInput("Every section needs a title.", field="sections")
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "hint", clean_text(self.hint, field="sections", limit=MAX_HINT))


def check_sections(sections: tuple[SectionSpec, ...]) -> tuple[SectionSpec, ...]:
    if not 1 <= len(sections) <= MAX_SECTIONS:
        raise InvalidInput(f"A template has 1 to {MAX_SECTIONS} sections.", field="sections")
    titles = [s.title.casefold() for s in sections]
    if len(titles) != len(set(titles)):
        raise InvalidInput("Two sections of a template have the same title.", field="sections")
    return sections


@dataclass(slots=True)
class NoteTemplate:
    """A template; `built_in` ones are Hearth's and never stored or changed."""

    id: UUID
    name: str
    sections: tuple[SectionSpec, ...]
    built_in: bool = False
    active: bool = True
    version: int = 0
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.name = clean_text(self.name, field="name", limit=MAX_TITLE)
        if not self.name:
            raise InvalidInput("Name the template.", field="name")
        self.sections = check_sections(tuple(self.sections))


def _built_in(number: int, name: str, *sections: tuple[str, str]) -> NoteTemplate:
    # Fixed ids, so that a note can name the template it came from across restarts.
    return NoteTemplate(
        id=UUID(int=number),
        name=name,
        sections=tuple(SectionSpec(t, h) for t, h in sections),
        built_in=True,
    )


FREE_TEXT = _built_in(1, "Free text", ("Note", ""))
BUILT_IN: tuple[NoteTemplate, ...] = (
    _built_in(
        2,
        "SOAP",
        ("Subjective", "What the client reports: mood, concerns, events since last session."),
        ("Objective", "What you observed: affect, appearance, behaviour, mental status."),
        ("Assessment", "Your clinical impression and progress toward goals."),
        ("Plan", "Next steps, homework, next session."),
    ),
    _built_in(
        3,
        "DAP",
        ("Data", "What was said and observed in session."),
        ("Assessment", "Your interpretation and progress toward goals."),
        ("Plan", "Interventions planned, homework, next session."),
    ),
    _built_in(
        4,
        "BIRP",
        ("Behavior", "Presentation and what the client reported or showed."),
        ("Intervention", "What you did: techniques and interventions used."),
        ("Response", "How the client responded to the interventions."),
        ("Plan", "Next steps and the next session."),
    ),
    FREE_TEXT,
)
BUILT_IN_BY_ID = {t.id: t for t in BUILT_IN}
