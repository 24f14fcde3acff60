"""The whole bundled plan, delivered by a lead and three developers the way its section 8 says,
as a script of slash commands any transport can play: the French and English walks of
test_walks.py play it through `deliverybot cmd` and through signed HTTP, and read every text
a person was shown for words of the wrong language."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

# The 3-dev plan of the seed (its recommended mode), as a person reads it.
LANE_OF = {**{s: "A" for s in ("1.1", "1.3", "2.1", "2.2", "2.3")},
           **{s: "B" for s in ("1.4", "1.2", "2.4", "4.2", "5.3", "5.4")},
           **{s: "C" for s in ("3.1", "3.2", "3.3", "4.1", "4.3", "5.1", "5.2")}}
AFTER = {"1.1": set(), "1.3": {"1.1"}, "1.4": {"1.1"}, "2.4": {"1.1"}, "5.3": {"1.1"}, "1.2": {"1.3", "1.4"},
         "2.1": {"1.3"}, "2.2": {"2.1"}, "2.3": {"2.2"}, "3.1": {"2.2"}, "3.3": {"2.2"}, "4.1": {"2.2"},
         "3.2": {"3.1"}, "4.2": {"4.1"}, "4.3": {"4.1"}, "5.1": {"4.1"}, "5.2": {"5.1"}, "5.4": set()}
LINK = "https://git.example.com/infra/pull/"


@dataclass(frozen=True)
class Team:
    """Who plays each part, as the transport names people (names for the CLI, Slack ids over HTTP)."""

    lead: str
    a: str
    b: str
    c: str

    def owner(self, story: str) -> str:
        return {"A": self.a, "B": self.b, "C": self.c}[LANE_OF[story]]

    def reviewer(self, owner: str) -> str:
        return {self.a: self.b, self.b: self.c, self.c: self.a}[owner]


@dataclass(frozen=True)
class Step:
    actor: str
    text: str
    ok: bool = True  # False: a refusal the walk asks for on purpose


def order() -> list[str]:
    """Stories in an order the plan allows one at a time, 5.4 (finalised last) at the end."""
    done: list[str] = []
    while len(done) < len(AFTER) - 1:
        done.append(next(s for s, needs in AFTER.items() if s not in done and s != "5.4" and needs <= set(done)))
    return [*done, "5.4"]


def script(team: Team, mention) -> Iterator[Step]:
    """Every command of the walk; `mention(person)` is how the transport writes @person."""
    lead, a, b, c = team.lead, team.a, team.b, team.c
    yield Step(lead, "/help")
    for lane, person in (("A", a), ("B", b), ("C", c)):
        yield Step(lead, f"/team lane {lane} {mention(person)}")
    yield Step(lead, "/team")
    yield Step(lead, "/lang")
    # Section 8: Dev A starts 1.1; Dev B prepares 1.4, Dev C prepares 3.1.
    yield Step(b, "/prepare 1.4")
    yield Step(c, "/prepare 3.1")
    yield Step(a, "/unblocked")
    yield Step(a, "/unblocked tout")
    yield Step(b, "/unblocked moi")
    yield Step(b, "/next")
    yield Step(b, "/start 5.2", ok=False)  # its prerequisites are open
    yield Step(a, "/start 9.9", ok=False)  # no such story
    yield Step(a, "/start 3.1", ok=False)  # Dev C prepares it, and it can't start
    yield Step(a, "/board")
    for n, sid in enumerate(order()):
        owner = team.owner(sid)
        reviewer = team.reviewer(owner)
        if sid == "2.4":  # handed over and back
            yield Step(b, f"/start {sid}")
            yield Step(b, f"/assign {sid} {mention(a)}")
            yield Step(a, f"/release {sid}")
        yield Step(owner, f"/start {sid}")
        yield Step(owner, f"/review {sid} {LINK}{n} {mention(reviewer)}")
        if sid == "1.1":
            yield Step(owner, f"/done {sid} {LINK}{n}", ok=False)  # four eyes
            yield Step(reviewer, f"/review {sid} changements ajoute le test de fumée")
            yield Step(owner, f"/review {sid} {LINK}{n} {mention(reviewer)} test ajouté")
            yield Step(reviewer, f"/done {sid} pas-un-lien", ok=False)  # the evidence is no link
        if sid == "4.1":
            yield Step(lead, f"/incident critique la base ne redémarre pas sur {sid}")
            yield Step(a, "/incident")
            yield Step(lead, f"/incident fermer INC-1 {LINK}fix {LINK}runbook")
        yield Step(reviewer, f"/done {sid} {LINK}{n}")
        if sid == "1.4":  # Checkpoint A (1.1, 1.3, 1.4) is reached: its proofs, validated by the lead
            yield Step(lead, f"/checkpoint A {LINK}proofs-a")
            yield Step(a, "/checkpoint")
        if sid == "2.2":
            yield Step(c, "/board 2.2")
            yield Step(lead, "/digest")
            yield Step(lead, "/team solo oui")
            yield Step(lead, "/team solo non")
    yield Step(lead, "/board")
    yield Step(a, "/next")
    yield Step(lead, "/incident")
