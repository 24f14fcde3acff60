"""Read a delivery plan written in Markdown, French or English, the way a person reads it.

The reader is lenient about form (`## 3) Plan 2 dev` or `3) Plan 2 dev`, bullets or numbers,
accents or none, backticks, bold) and strict about meaning: a line inside a section it knows
either says something it understood or becomes an "unreadable" finding with its line number, so
nothing a lead wrote is silently lost. Sections it does not know ("Vision", "Execution
immediate") are skipped whole, because a plan is allowed to talk about other things.

Reading happens in one pass over the lines. Headings open sections; label lines ("Apres 1.1:",
"Dev A (platform core):", "Checkpoint A:") open blocks inside them; every other line is an item
of the current block. Ids are collected with where they were seen, and only at the end do we
decide which ids are stories: those a dependency list, a lane, the continuous section or a
Stories section defines. An id only named elsewhere (a gate, the critical path, a checkpoint, a
sprint) is a typo until proven otherwise, so it is reported and left out, edges included. When
the plan lists its stories (a Stories list or table, story headings), that list is the authority:
an id only a dependency list ("After 9.9:") or a lane names is reported too, never made a story
that could be started.

The same reading covers the ways teams write plans (tests/planner/plans/styles/): numbered lists
and bold ids, "After 1.1 and 1.2:" / "Après 1.2 et 1.3 :", gate prose or a "Gates: 1.1 (entry)"
list (the kind as written kept in `Gate.label`), "### 2 developers (recommended)" or a one-line
"Staffing: 3 developers. Lane A: API, ...", a dependency table with after and lane columns,
one-line checkpoints with their evidence. A story listed twice, a cycle (on the line of the
dependency that closes it), a lane out of order (on the line that orders it) and an ignored table
column are findings with their line.

The modules, in the order a line meets them:

- `lines`: the pass (headings, labels, items) and the `Reader` that puts the blocks together;
- `labels`: what a heading or label announces;
- `scan`, `tokens`, `text`: one line analysed, the words it may hold, character helpers;
- `stories`, `gates`, `critical_path`, `staffing`, `checkpoints`: what each block's items mean;
- `bookkeeping`, `drafts`: the state every block writes to;
- `assemble`: `read_plan`, from what was read to the frozen `Plan`.
"""

from planner.reader.assemble import read_plan

__all__ = ["read_plan"]
