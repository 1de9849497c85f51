"""Whom a sentence speaks to: the @mentions and names it opens with (or ends with), the names a
greeting holds, and hand-offs ("@Jo that one's for you") that pass the sentence before to someone.

People are known from Slack's user list, mail senders and the configured SEs; a name is matched as
people write it: full name, first name, or an honorific with the last name ("Frau Weber",
"Ms. Ito"). A capitalised word before a comma that names nobody we know is not taken as a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from se_pipeline.analysis.sentences import Unit

_HONORIFIC = r"(?:dr|prof|mr|mrs|ms|mx|herr|frau|sr|sra|srta|don|doña|sig|sig\.ra|mme|m)\.?"
_HONORIFIC_LEAD = re.compile(rf"^(?:{_HONORIFIC}\s+)+", re.I)
# Words that may open a sentence before a name ("And Jo, …", "Thanks Jo!", "Hi @Jo, …").
_LEAD_WORDS = (
    r"and|also|so|ok|okay|plus|but|then|oh|ps|btw|fyi|hi|hey|hello|morning|good morning|thanks|thank you|"
    r"dear|hallo|liebe[rs]?|sehr geehrte[rs]?|guten morgen|guten tag|hola|buenos d[ií]as|ciao|bonjour|hej|hei|ol[aá]"
)
_JOINER = r"\s*(?:,|&|\band\b|\bund\b|\by\b|\be\b|\bet\b)\s*"
# "that one's for you", "over to you", "yours", "can you take that one": the previous ask is theirs.
_HAND_OFF = re.compile(
    r"^(?:(?:that|this)(?: one| part| question| bit)?(?:'s|’s| is) (?:for|on) you|over to you|(?:that|this)(?: one)?(?:'s|’s| is) yours|"
    r"can you (?:take|handle|answer) (?:that|this)(?: one)?|for you to (?:answer|handle|take))\b",
    re.I,
)


@dataclass(frozen=True)
class Person:
    key: str  # a stable id: the configured SE id, else the lower-cased full name
    name: str  # as people write it, without honorifics
    se_id: str | None = None
    colleague: bool = False  # works on our side (the SEs are, too)


def plain_name(name: str) -> str:
    """'Dr. Anja Weber' -> 'Anja Weber' (titles are not how colleagues address someone)."""
    return _HONORIFIC_LEAD.sub("", (name or "").strip()).strip()


def first_name(name: str | None) -> str:
    return (plain_name(name or "") or "someone").split()[0]


@dataclass
class People:
    """Everyone whose name may address a sentence, and a pattern that finds their names."""

    persons: list[Person] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_form: dict[str, set[str]] = {}
        self._by_last: dict[str, set[str]] = {}
        self._by_key: dict[str, Person] = {}
        for person in self.persons:
            self._add(person)
        self._compile()

    @classmethod
    def of(cls, ses: Iterable[tuple[str, str]], others: Iterable[str], colleagues: Iterable[str] = ()) -> People:
        """`ses`: (se_id, name) of the configured SEs; `others`: names of everyone else seen;
        `colleagues`: those of them who work on our side."""
        persons = [Person(se_id, plain_name(name), se_id) for se_id, name in ses]
        known = {p.name.lower() for p in persons}
        ours = {plain_name(n).lower() for n in colleagues}
        for name in others:
            name = plain_name(name or "")
            if len(name) >= 2 and name.lower() not in known and not name.lower().startswith(("@", "#")):
                known.add(name.lower())
                persons.append(Person(name.lower(), name, colleague=name.lower() in ours))
        return cls(persons)

    def is_colleague(self, key: str) -> bool:
        """An SE or someone else on our side."""
        person = self._by_key.get(key)
        return bool(person and (person.se_id or person.colleague))

    def _add(self, person: Person) -> None:
        self._by_key[person.key] = person
        parts = person.name.split()
        for form in {person.name, parts[0]} if parts else ():
            self._by_form.setdefault(form.lower(), set()).add(person.key)
        if len(parts) > 1:  # "Frau Weber", "Mr. Ito": a last name names someone only after a title
            self._by_last.setdefault(parts[-1].lower(), set()).add(person.key)

    def _compile(self) -> None:
        def alternation(forms: Iterable[str]) -> str:
            return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) or r"(?!x)x"

        names = alternation(p.name for p in self.persons) + "|" + alternation({p.name.split()[0] for p in self.persons if p.name})
        lasts = alternation(self._by_last)
        # Names are matched as written (capitalised); the words around them in any case.
        self._name = rf"(?:@(?:{names})|(?i:{_HONORIFIC})\s+(?i:{lasts})|(?:{names}))"
        lead = rf"^(?:(?i:{_LEAD_WORDS})[\s,!]+)*"
        self._opening = re.compile(rf"{lead}(?P<names>{self._name}(?:{_JOINER}{self._name})*)(?P<after>\s*[,:!\-—–]|\s+(?=\S))")
        self._closing = re.compile(rf"(?:,\s*(?P<names>{self._name})|\s(?P<mention>@(?:{names})))\s*[?.!]*\s*$")
        self._mention = re.compile(rf"@(?:{names})\b")
        self._each = re.compile(self._name)

    def keys(self, names: str) -> set[str]:
        """Person keys for a run of names ("@Jo Ito and Frau Weber")."""
        found: set[str] = set()
        for match in self._each.finditer(names):
            written = match.group(0).lstrip("@")
            titled = _HONORIFIC_LEAD.match(written)
            form = written[titled.end():].strip().lower() if titled else written.lower()
            keys = (self._by_last if titled and form in self._by_last else self._by_form).get(form, set())
            if len(keys) == 1:
                found |= keys
            elif keys:  # a first name two people share: only a full-name match is sure
                found |= {k for k in keys if self._by_key[k].name.lower() == form}
        return found

    def se_of(self, key: str) -> str | None:
        person = self._by_key.get(key)
        return person.se_id if person else None

    def addressed(self, sentence: str) -> set[str]:
        """Who `sentence` speaks to by the names it opens with ("Jo, can you…", "@Jo can you…") or
        closes with ("…can you do that, Jo?", "…is that OK? @Jo")."""
        opening = self._opening.match(sentence)
        # A bare first name must be followed by punctuation to be a vocative ("Jo, can you…");
        # an @mention need not be ("@Jo can you…").
        if opening and (opening.group("names").startswith("@") or opening.group("after").strip()):
            return self.keys(opening.group("names"))
        closing = self._closing.search(sentence)
        return self.keys(closing.group("names") or closing.group("mention")) if closing else set()

    def mentioned(self, sentence: str) -> set[str]:
        """Everyone @mentioned anywhere in `sentence`."""
        return self.keys(" ".join(m.group(0) for m in self._mention.finditer(sentence)))

    def hands_off(self, sentence: str) -> set[str]:
        """The people a hand-off sentence passes the previous ask to ("@Jo that one's for you")."""
        opening = self._opening.match(sentence)
        if not opening:
            return set()
        rest = sentence[opening.end():].lstrip(" ,:-—–")
        return self.keys(opening.group("names")) if _HAND_OFF.match(rest) else set()


def greeted(units: list[Unit], people: People) -> set[str]:
    """The people the message's greeting names ("Hallo Ana, hallo Bo," -> both)."""
    found: set[str] = set()
    for unit in units:
        if not unit.greeting:
            break
        found |= people.keys(unit.text)
    return found


@dataclass(frozen=True)
class Addressing:
    """Per unit, whom it speaks to: a set of person keys, or None when nobody is named."""

    to: list[set[str] | None]


def address(units: list[Unit], people: People, default: set[str] | None) -> Addressing:
    """Whom each unit speaks to. A name opening a unit addresses it and the rest of its line or list
    item; a unit naming nobody falls back to `default` (the greeting's or the mail's recipients)."""
    to: list[set[str] | None] = []
    current: set[str] | None = None
    place: tuple[int, str | None] | None = None
    for unit in units:
        if (unit.line, unit.item) != place:
            place, current = (unit.line, unit.item), None
        named = people.addressed(unit.text)
        handed = people.hands_off(unit.text)
        if handed and to:
            to[-1] = handed  # the previous sentence was passed on; this one asks nothing itself
            to.append(handed)
            continue
        if named:
            current = named
        to.append(current if current is not None else default)
    return Addressing(to)
