"""The one service every way in calls: (actor, channel, command text) -> Reply.

Slack listeners, the console and `deliverybot cmd` all end here, so a rule is enforced the same
way whether it came from a slash command, a button, a modal or a script. The service finds the
command in the table (`bot.service.table`), loads the plan as of now, checks the table's
permissions and hands a `Call` to the command's handler; it never talks to Slack itself.

It is also the error boundary: bad input is a refusal that says what to fix, and an unexpected
exception is logged with a reference the person is given, never a traceback for them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from bot.digest.schedule import DigestConfig, plan_digest_config
from bot.i18n import SOURCE, _, language_or_none, speak, speaking
from bot.logs import bind, current_context, get_logger, log_context, new_ref
from bot.render import text as T
from bot.render.findings import database_fault_text
from bot.render.help import help_text
from bot.render.refusals import guest_text, lead_only_text
from bot.service import milestones, queries, table
from bot.service.context import Call, Context, PlanNotFound
from bot.service.digest import digest_data
from bot.service.parsing import InputError, split_command
from bot.service.replies import Reply, refusal
from bot.settings import Settings
from planner import checkpoints as checkpoint_log
from planner import incidents as incident_log
from planner.board import removed_with_work
from planner.graph import PlanGraph
from planner.model import Plan
from planner.people import person_key
from planner.reader import read_plan
from planner.staffing import Staffing
from planner.state import StoryStatus
from storage.errors import DatabaseUnavailable
from storage.store import PlanHead, Store, TransitionResult

log = get_logger("service")


@dataclass(frozen=True)
class CachedContext:
    """A plan's context as this process holds it, with what it reflects: the plan's version (text
    sha, channel, change counter) and the id of its newest event, from which it catches up."""

    version: tuple[str, str | None, int]
    context: Context
    last_event: int

    def advanced(self, moved: dict[str, StoryStatus], changes: int, last_event: int) -> CachedContext:
        """This context with `moved`'s new statuses, at counter `changes` and event `last_event`:
        the answers derived from states dropped, those derived from settings kept."""
        sha, channel, _ = self.version
        current = self.context
        return CachedContext((sha, channel, changes), replace(
            current, statuses={**current.statuses, **moved}, memo=_kept(current.memo)), last_event)



def something_went_wrong(ref: str) -> Reply:
    """What a person sees when the fault is ours: the reference finds the traceback in the log."""
    return Reply(False, T.internal_error_text(ref), kind="error", data={"error": "internal", "ref": ref})


def database_unavailable(err: DatabaseUnavailable) -> Reply:
    """What a person sees when the database can't be used: what is wrong, and that nothing changed."""
    return Reply(False, T.database_unavailable_text(database_fault_text(err)), kind="error",
                 data={"error": "database", "database": err.kind, "detail": err.sentence})


# Answers derived from a plan's settings, never from its states: a move keeps them (a settings
# change is an audit entry, which rebuilds the context whole).
SETTINGS_MEMO = frozenset({"digest-config"})


def _kept(memo: dict[str, Any]) -> dict[str, Any]:
    """What a move leaves of a context's memo: the answers it cannot change."""
    # list() copies in one step: another service thread may be adding an answer to this memo
    return {key: value for key, value in list(memo.items()) if key in SETTINGS_MEMO}


class Unread:
    """A value the caller did not read (`personal_language`'s `chosen`: None means "chose none")."""


UNREAD = Unread()


class DeliveryService:
    """Every command of every transport, dispatched from the command table."""

    def __init__(
        self, store: Store, clock: Callable[[], datetime] | None = None, settings: Settings | None = None
    ) -> None:
        self.store = store
        self.clock = clock or (lambda: datetime.now(UTC))
        self.settings = settings or Settings.defaults()
        self._parsed: dict[str, tuple[Plan, PlanGraph]] = {}  # by source sha: plans are immutable
        self._contexts: dict[str, CachedContext] = {}  # by slug
        # A person's Slack locale ("fr-FR"), when a transport can ask Slack (bot.slack.locales); None: no Slack.
        self.locales: Callable[[str], str | None] | None = None

    # -- entry point -----------------------------------------------------------------------------

    def handle(
        self,
        actor: str,
        text: str,
        *,
        channel: str | None = None,
        plan: str | None = None,
        request_id: str | None = None,
        guest: bool = False,
    ) -> Reply:
        """Run one command. Never raises: bad input is a refusal, our own fault an error with a reference.

        `guest`: the person belongs to another workspace than the one that installed the app (a
        Slack Connect channel); they may read the plan but not act on it."""
        actor = person_key(actor)  # one person, one name: "Alice", "@alice" and "alice" are one person
        request_id = request_id or current_context().get("request_id") or uuid.uuid4().hex
        with log_context(plan=plan, request_id=request_id), speaking(self.settings.forced_lang or SOURCE):
            try:
                return self._dispatch(actor, text, channel=channel, plan=plan, request_id=request_id, guest=guest)
            except InputError as err:
                return refusal(T.esc(str(err)), "bad-input")
            except PlanNotFound as err:
                return refusal(T.esc(err.args[0] if err.args else str(err)), "no-plan")
            except DatabaseUnavailable as err:  # not a bug: one line in the log, no traceback
                log.error("database unavailable: %s", err.sentence, extra={"database_fault": True})
                return database_unavailable(err)
            except Exception:
                ref = new_ref()
                log.exception("command failed (ref %s): %s by %s", ref, text.split(" ", 1)[0][:30], actor[:40])
                return something_went_wrong(ref)

    def _dispatch(self, actor: str, text: str, *, channel: str | None, plan: str | None,
                  request_id: str, guest: bool) -> Reply:
        heads, chosen = self.store.heads_and_language(actor)  # one read: the plan's version, their /lang
        own = self.personal_language(actor, chosen)  # None: they read the plan's, known once it is read
        speak(own)
        try:
            words = split_command(text)
        except InputError:
            if own is not None:
                raise
            speak(self._plan_language(plan, channel))
            words = split_command(text)  # the same refusal, in the plan's language
        name, args = table.unwrap(words.name, words.args)
        command = table.find(name)
        if command is None:
            speak(own or self._plan_language(plan, channel))
            return refusal(_("Unknown command /{name}. {help}", name=T.esc(name[:30]),
                             help=T.esc(help_text(table.COMMANDS))),
                           "unknown-command")
        run, usage = command.run, command.usage
        sub = command.subcommand(args[0]) if args and command.subcommands else None
        if sub is not None:
            run, usage, args = sub.run, sub.usage, args[1:]
        call = Call(actor=actor, args=args, usage=usage, request_id=request_id,
                    store=self.store, settings=self.settings, clock=self.clock,
                    context=self.context(plan, channel, heads) if command.needs_plan else None, moved=self.moved)
        speak(own or (call.context.lang if call.context is not None else self._plan_language(plan, channel)))
        if call.context is not None:
            bind(plan=call.context.slug)
        if sub is not None and args and not sub.takes_words:
            raise InputError(_("Usage: {usage}", usage=_(command.usage)))
        if guest and (command.acting(args, sub) or (sub is not None and sub.lead_only)):
            return refusal(guest_text(), "guest")
        if sub is not None and sub.lead_only and not call.is_lead:
            return refusal(lead_only_text(_(sub.denied), _(sub.denied_hint) if sub.denied_hint else ""), "lead-only")
        if sub is not None and sub.writes:
            with self.store.atomic():  # the change and its audit event, or neither
                return run(call)
        return run(call)

    # -- languages (docs/i18n.md) ---------------------------------------------------------------

    def personal_language(self, person: str, chosen: str | None | Unread = UNREAD) -> str | None:
        """What `person` reads whatever the plan: this process's one language, else their /lang
        (`chosen`, when the caller read it already), else their Slack locale's; None: they read
        the plan's."""
        if self.settings.forced_lang:
            return self.settings.forced_lang
        if isinstance(chosen, Unread):
            chosen = self.store.person_language(person)
        if chosen:
            return chosen
        return language_or_none(self.locales(person)) if self.locales is not None and person else None

    def language_of(self, person: str | None, plan: str | None = None, channel: str | None = None) -> str:
        """The language `person` reads in this plan (None: the plan's channel)."""
        return (self.personal_language(person) if person else None) or self._plan_language(plan, channel)

    def _plan_language(self, plan: str | None, channel: str | None) -> str:
        try:
            return self.context(plan, channel).lang
        except PlanNotFound:
            return self.settings.forced_lang or SOURCE

    # -- plan loading --------------------------------------------------------------------------

    def parsed(self, slug: str, source: str, sha: str, title: str | None = None) -> tuple[Plan, PlanGraph]:
        """The plan as read, once per process and text: from this process's memory, else the copy
        stored beside the text (`planner.stored`, written by `plan import`), else read from the
        text and then stored for the next process (when the database takes writes)."""
        if sha not in self._parsed:
            plan = self.store.stored_plan(slug, sha)
            if plan is None:
                plan = read_plan(source, title=title)
                try:
                    self.store.keep_plan(slug, sha, plan)
                except DatabaseUnavailable as err:  # read-only or full: it still answers, and reads again next time
                    log.info("plan %s read but its copy not stored: %s", slug, err.sentence)
            self._parsed[sha] = (plan, PlanGraph(plan))
        return self._parsed[sha]

    def resolve_slug(self, plan: str | None, channel: str | None) -> str:
        return self._head(plan, channel).slug

    def _head(self, plan: str | None, channel: str | None, heads: list[PlanHead] | None = None) -> PlanHead:
        """The plan a command acts on (named, else the channel's, else the only one), with its
        version: one small query over the plans' heads (`heads`, when the caller read them), none
        of their text."""
        heads = self.store.plan_heads() if heads is None else heads
        if plan:
            named = next((h for h in heads if h.slug == plan), None)
            if named is None:
                raise PlanNotFound(_("No plan named '{plan}'. `deliverybot plan list` shows them.", plan=plan))
            return named
        if channel:
            bound = next((h for h in heads if h.channel == channel), None)
            if bound is not None:
                return bound
        if len(heads) == 1:
            return heads[0]
        if not heads:
            raise PlanNotFound(_("No plan is imported yet: `deliverybot plan import FILE` (a lead does it once)."))
        names = ", ".join(h.slug for h in heads)
        raise PlanNotFound(_("Several plans ({names}) and none is bound to this channel: name one with --plan.",
                              names=names))

    def context(self, plan: str | None = None, channel: str | None = None,
                heads: list[PlanHead] | None = None) -> Context:
        """The plan as of now, from this process's cache while its version (text, channel, change
        counter) is the database's, or newer (another thread's move advanced it after `heads` were
        read). A few changes behind (another worker's or replica's moves), it catches up from
        those events alone; anything else (a new text, another channel, an audit entry, a count
        that does not add up) rebuilds it whole. The version cached is read with the states, before
        the rest: a context is never cached under a newer version than its data."""
        head = self._head(plan, channel, heads)
        cached = self._contexts.get(head.slug)
        if cached is not None and cached.version != head.version:
            cached = self._caught_up(cached, head)
        if cached is None:
            cached = self._load_context(head.slug)
            self._contexts[head.slug] = cached
        return replace(cached.context, here=channel)

    def _caught_up(self, cached: CachedContext, head: PlanHead) -> CachedContext | None:
        """`cached` brought to the database's present from the events after its newest one, or
        None when only a reload can (a new text or channel, an audit entry, a story outside the
        plan, or fewer events than the counter moved: one committed out of id order)."""
        sha, channel, changes = cached.version
        if (head.source_sha, head.channel) != (sha, channel):
            return None
        if head.changes <= changes:  # read before a move of this process's advanced the cache: current
            return cached
        news = self.store.changes_after(cached.context.slug, cached.last_event)
        current = cached.context
        if news.statuses is None or news.events != news.changes - changes or not all(map(current.plan.has, news.statuses)):
            return None
        caught = cached.advanced(news.statuses, news.changes, news.last_event)
        self._contexts[current.slug] = caught
        return caught

    def moved(self, ctx: Context, result: TransitionResult) -> None:
        """This process's own committed move: applied to the cached context (the story's status;
        answers derived from the old states dropped) when the store says it was the plan's only
        change since that context's version, so the next command does not reload the plan. Any
        other write in between leaves the cache as it was, and the next command catches up."""
        cached = self._contexts.get(ctx.slug)
        if cached is None or result.changes is None or result.event is None or result.duplicate:
            return
        event, changes = result.event, cached.version[2]
        if result.changes != changes + 1 or event.id is None or not cached.context.plan.has(event.story_id):
            return
        self._contexts[ctx.slug] = cached.advanced({event.story_id: result.status}, result.changes, event.id)

    def _load_context(self, slug: str) -> CachedContext:
        record = self.store.get_plan(slug)
        if record is None:  # deleted between resolve_slug and here
            raise PlanNotFound(_("No plan named '{plan}'. `deliverybot plan list` shows them.", plan=slug))
        # A story never moved is to do: no row needed. Read with the counter and newest event
        # they are current as of, so the cache is versioned by what it holds and can catch up;
        # read before the settings, lanes and audit entries, so that a team change committed
        # meanwhile is newer than that version, and the next command reloads for it.
        states = self.store.plan_states(slug)
        stored = states.statuses
        parsed_plan, graph = self.parsed(slug, record.source, record.source_sha, record.title)
        settings = self.store.plan_settings(slug)
        staffing = Staffing(graph, settings.mode, self.store.lane_bindings(slug))
        # Incidents and checkpoint proofs live in the audit log: only their entries are read.
        audit = self.store.audit(slug, (incident_log.OPEN_ACTION, incident_log.CLOSE_ACTION, checkpoint_log.PROOFS_ACTION))
        context = Context(
            slug=slug,
            channel=record.channel,
            plan=parsed_plan,
            graph=graph,
            staffing=staffing,
            statuses={sid: stored[sid] for sid in parsed_plan.story_ids if sid in stored},
            allow_solo=settings.allow_solo,
            memo={},
            incidents=incident_log.fold(audit),
            attachments=checkpoint_log.fold(audit),
            removed=removed_with_work(parsed_plan.story_ids, stored),
            lang=self.settings.forced_lang or settings.lang or parsed_plan.language,
            personal=self.personal_language,
        )
        return CachedContext((record.source_sha, record.channel, states.changes), context, states.last_event)

    # -- answers for transports that are not commands -------------------------------------------

    def home(self, actor: str, channel: str | None = None, plan: str | None = None) -> dict[str, Any]:
        """What App Home shows one person, with the checkpoints and the open incidents (their age in work days)."""
        me = person_key(actor)
        heads, chosen = self.store.heads_and_language(me)
        ctx = self.context(plan, channel, heads)
        lang = self.personal_language(me, chosen) or ctx.lang
        with speaking(lang):  # the few sentences the data already holds, in the person's language
            data = queries.home_data(ctx, person_key(actor), self.store)
            config = ctx.memo.get("digest-config")  # the plan's settings: they change only with its version
            if config is None:
                config = ctx.memo["digest-config"] = self.digest_config(ctx.slug)
            return {**data, **milestones.home_part(ctx, config, self.clock()), "lang": lang}

    def digest(self, plan: str | None = None, channel: str | None = None, *,
               now: datetime | None = None) -> dict[str, Any]:
        """The digest of a plan at `now`, as data (the scheduler, `deliverybot digest` and /digest)."""
        return digest_data(self.store, self.settings, self.context(plan, channel), now or self.clock())

    def digest_config(self, slug: str) -> DigestConfig:
        return plan_digest_config(self.store, self.settings, slug)
