"""Generate a large delivery plan in the seed plan's style (plans/k3s-mono-pgsql.md).

    python bench/gen_plan.py 2000 > /tmp/p.md          # 100 epics x 20 stories
    python bench/gen_plan.py 2000 --seed 7 > /tmp/p.md

What the plan holds (everything planner.reader understands, nothing it would report as an
error): gates (the entry gate 1.1 plus a few others on the critical path), a critical path that
is the longest chain of the generated dependency graph, "Apres X:" sections forming a random DAG
(each story waits for 0-2 earlier stories), a "Plan 3 dev (recommande)" whose three lanes cover
every story in dependency order, a 2-dev plan, a continuous story finalised at the end,
checkpoints and a few rules.

Deterministic: the same (n_stories, seed) always gives the same text.
"""

from __future__ import annotations

import argparse
import random
import sys

STORIES_PER_EPIC = 20

_VERBS = (
    "harden", "deploy", "document", "automate", "monitor", "migrate", "secure", "tune", "package",
    "review", "rotate", "index", "cache", "expose", "split", "audit", "benchmark", "scale",
)  # fmt: skip
_NOUNS = (
    "ingress", "postgres replica", "secrets store", "ci pipeline", "dns zone", "vpn gateway",
    "alert routes", "grafana boards", "backup job", "restore drill", "node pool", "api quota",
    "log shipping", "tls certificates", "helm charts", "argo apps", "object storage", "rbac roles",
    "network policies", "image registry", "load tests", "runbooks", "sso login", "rate limits",
)  # fmt: skip
_GATE_KINDS = ("acceleration", "data", "securite", "recovery", "qualite", "production")
_EPIC_THEMES = (
    "platform core", "security + compliance", "observability", "data", "recovery", "delivery tooling",
    "networking", "developer experience",
)  # fmt: skip


def _ids(n_stories: int) -> list[str]:
    return [f"{i // STORIES_PER_EPIC + 1}.{i % STORIES_PER_EPIC + 1}" for i in range(n_stories)]


def _title(rng: random.Random) -> str:
    # No commas (they split a parenthesis into parts) and no dependency words.
    return f"{rng.choice(_VERBS)} {rng.choice(_NOUNS)}"


def _predecessors(rng: random.Random, n_stories: int) -> list[list[int]]:
    """preds[i]: 0-2 indexes < i. Mostly recent stories (a real plan builds on what came just
    before), sometimes anything earlier. Story 0 (1.1, the entry gate) waits for nothing."""
    preds: list[list[int]] = [[]]
    for i in range(1, n_stories):
        k = rng.choices((0, 1, 2), weights=(3, 4, 3))[0]
        chosen: set[int] = set()
        for _ in range(min(k, i)):
            for _attempt in range(10):
                j = (
                    rng.randrange(max(0, i - 2 * STORIES_PER_EPIC), i)
                    if rng.random() < 0.7
                    else rng.randrange(i)
                )
                if j not in chosen:
                    chosen.add(j)
                    break
        preds.append(sorted(chosen))
    return preds


def _longest_chain(preds: list[list[int]], skip: set[int]) -> list[int]:
    """Longest path (one unit per story), ties broken as planner.graph does: smallest ids first."""
    best: list[tuple[int, int | None]] = []
    for i, ps in enumerate(preds):
        if i in skip:
            best.append((0, None))
            continue
        candidates = [(best[p][0], -p) for p in ps if p not in skip]
        if candidates:
            length, neg = max(candidates)
            best.append((length + 1, -neg))
        else:
            best.append((1, None))
    end = max(range(len(preds)), key=lambda i: (best[i][0], -i))
    chain = [end]
    while best[chain[-1]][1] is not None:
        chain.append(best[chain[-1]][1])
    return chain[::-1]


def _wrap(items: list[str], per_line: int, sep: str) -> list[str]:
    return [f"- {sep.join(items[k : k + per_line])}" for k in range(0, len(items), per_line)]


def generate_plan(n_stories: int, seed: int = 1) -> str:
    """A Markdown plan of `n_stories` stories (ids 1.1 .. E.20) in the seed plan's style."""
    if n_stories < 4:
        raise ValueError("n_stories must be at least 4")
    rng = random.Random(seed)
    ids = _ids(n_stories)
    titles = [_title(rng) for _ in ids]
    preds = _predecessors(rng, n_stories)
    last = n_stories - 1
    # The last story is the continuous documentation story, finalised at the end: nothing may
    # wait for it (the generator only points backwards, so nothing does).
    critical = _longest_chain(preds, skip={last})
    if critical[0] != 0:  # anchor the path on the entry gate: it starts with 1.1, as people expect
        preds[critical[0]] = [0]
        critical.insert(0, 0)
    on_path = set(critical)
    gate_stories = [0] + sorted(rng.sample(critical[1:], min(len(_GATE_KINDS), len(critical) - 1)))

    out: list[str] = []
    add = out.append
    add(f"# Plan De Livraison Parallele - bench-{n_stories}-s{seed}")
    add("")
    add("Date: 2026-02-10")
    add("Scope: fonctionnel uniquement (plan genere pour les benchmarks)")
    add("")
    add("## 1) Vision execution")
    add("")
    add("Objectif: livrer vite sans casser la prod en respectant les verrous techniques.")
    add("")
    add("Verrous critiques (gates):")
    for n, index in enumerate(gate_stories, start=1):
        kind = "d'entree" if n == 1 else _GATE_KINDS[n - 2]
        add(f"{n}. Story {ids[index]} ({titles[index]}) est le gate {kind}.")
    add("")
    add("Chemin critique:")
    add("`" + " -> ".join(ids[i] for i in critical) + "`")
    add("")

    add("## 2) Stories parallelisables")
    add("")
    groups: dict[tuple[int, ...], list[int]] = {}
    for i, ps in enumerate(preds):
        if ps:
            groups.setdefault(tuple(ps), []).append(i)
    for ps, waiting in sorted(groups.items()):
        add(f"Apres {' + '.join(ids[p] for p in ps)}:")
        out.extend(_wrap([ids[i] for i in waiting], 12, ", "))
        add("")
    add("Peut tourner en flux quasi continu:")
    add(f"- {ids[last]} (documentation/matrice, finalisation en fin de lot)")
    add("")

    # Lanes: the critical path and every third epic to A, the rest by epic to B and C; each lane
    # in id order, which is a topological order since every story waits only for earlier ones.
    lanes: dict[str, list[int]] = {"A": [], "B": [], "C": []}
    for i in range(n_stories):
        epic = i // STORIES_PER_EPIC
        lanes["A" if i in on_path else "ABC"[epic % 3]].append(i)

    add("## 3) Plan 2 dev")
    add("")
    two = {"A": sorted(lanes["A"] + lanes["C"]), "B": lanes["B"]}
    for key, label in (("A", "critical path + data"), ("B", "support + hardening")):
        add(f"Dev {key} ({label}):")
        out.extend(_wrap([ids[i] for i in two[key]], 10, " -> "))
        add("")

    add("## 4) Plan 3 dev (recommande)")
    add("")
    for key, label in (("A", "platform core"), ("B", "security + compliance"), ("C", "observability + data")):
        add(f"Dev {key} ({label}):")
        chunk = lanes[key]
        for k in range(0, len(chunk), 8):
            part = chunk[k : k + 8]
            add("- " + " -> ".join(f"{ids[i]} ({titles[i]})" for i in part))
        add("")
    add("Gain attendu:")
    add("- meilleur throughput apres le gate d'acceleration")
    add("")

    add("## 5) Points de controle (Definition of Progress)")
    add("")
    n_epics = (n_stories + STORIES_PER_EPIC - 1) // STORIES_PER_EPIC
    span = max(1, n_epics // 10)
    for c, first_epic in enumerate(range(0, n_epics, span)):
        name = _checkpoint_name(c)
        members = [
            i
            for i in range(
                first_epic * STORIES_PER_EPIC, min(n_stories, (first_epic + span) * STORIES_PER_EPIC)
            )
            if i != last
        ]
        picked = sorted(rng.sample(members, min(6, len(members))))
        add(f"Checkpoint {name}:")
        add(f"- {', '.join(ids[i] for i in picked)} done")
        add(f"- preuves {_EPIC_THEMES[c % len(_EPIC_THEMES)]} + runbook a jour")
        add("")

    add("## 6) Regles anti-chaos")
    add("")
    add("- Pas de merge sans preuve AC.")
    add("- Story en `review` obligatoire avant `done`.")
    add("- Tout incident critique => correction + runbook.")
    add("")
    return "\n".join(out)


def _checkpoint_name(n: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[n] if n < 26 else f"{letters[n % 26]}{n // 26}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print a generated delivery plan (Markdown).")
    parser.add_argument("n_stories", type=int, nargs="?", default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sys.stdout.write(generate_plan(args.n_stories, args.seed) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
