"""Peers, side by side: the same core obligations judged by our engine, by durable-rules and by
OPA/Rego (regopy), on the same generated snapshots (a script, not a test; bench/README.md, "Peers").

The obligations: the five national ``period_count`` rules, the pressure-ulcer rate (``rate_limit``)
and admission-assessment coverage (``record_coverage``). Each peer is handed the facts of a snapshot
already decoded and pre-extracted (``extract``): dates as Asia/Shanghai day numbers, the calendar
periods each periodic rule judges (neither peer has a calendar in Asia/Shanghai), and each rule's
parameters and first day in force. What else each peer is given is said at its class. Each peer
answers ``compliant``, ``non_compliant`` or ``other`` (``insufficient_data`` and ``not_applicable``
folded together: neither peer has a natural three-valued logic); tests/test_bench_peers.py checks
that on a few hundred snapshots every peer agrees with our engine, and ``reference_verdicts`` (the
same encoding in plain Python, always tested) that the extraction itself is faithful.

Run:  python bench/peers.py [--count 2000] [--seed 0]
      (the peers need the optional extra: pip install -e '.[bench]')
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

PERIODIC_RULES = (
    "fire.inspection-monthly",
    "fire.drill-semiannual",
    "education.health-monthly",
    "psychology.lecture-yearly",
    "infection.drill-yearly",
)
RATE_RULE = "quality.pressure-ulcer-rate"
COVERAGE_RULE = "admission.assessment"
RULES = (*PERIODIC_RULES, RATE_RULE, COVERAGE_RULE)

COMPLIANT, NON_COMPLIANT, OTHER = "compliant", "non_compliant", "other"

Facts = dict[str, Any]
Verdicts = dict[str, str]


def bench_run() -> Any:
    """bench/run.py, for its snapshot generator (imported, not copied)."""
    spec = importlib.util.spec_from_file_location("yiyang_bench_run", HERE / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------------------------------------------
# Our engine


def decode(engine: Any, snapshots: Iterable[dict[str, Any]]) -> list[tuple[Any, date, dict[str, Any]]]:
    """(the decoded Facts, as_of, the snapshot's catalog's rules by id) of each snapshot: what the engine evaluates."""
    from yiyang_rules.engine import to_facts  # noqa: PLC0415

    out = []
    for raw in snapshots:
        model = to_facts(raw)
        catalog = engine.catalog_for(model)
        out.append((model, model.as_of, {rule_id: catalog.get(rule_id) for rule_id in RULES}))
    return out


def our_verdicts(decoded: tuple[Any, date, dict[str, Any]]) -> dict[str, Any]:
    """Our engine's outcome of each rule: the per-rule evaluation over an already-decoded snapshot."""
    from yiyang_rules.engine import SnapshotView, evaluate_rule  # noqa: PLC0415

    model, as_of, rules = decoded
    view = SnapshotView.of(model, as_of)
    return {rule_id: evaluate_rule(rules[rule_id], view).status.value for rule_id in RULES}


# ---------------------------------------------------------------------------------------------------
# The facts handed to the peers


def _single_version(rule: Any) -> Any:
    """The one version of a rule (the encodings below know of one version each, in force from its
    first day, open-ended: true of every rule they judge today)."""
    versions = rule.schedule.versions
    if len(versions) != 1 or versions[0].until is not None:
        raise SystemExit(f"{rule.id}: the peer encodings assume one open-ended version")
    return versions[0]


def extract(decoded: tuple[Any, date, dict[str, Any]]) -> Facts:
    """Everything the peers judge, as plain JSON values: days are ``date.toordinal()`` numbers of
    the Asia/Shanghai local dates our decoder produced; periods are the calendar periods each rule
    judges (``localtime.periods_overlapping``), each with the days its records count in."""
    from yiyang_rules.conditions import Predicate  # noqa: PLC0415
    from yiyang_rules.localtime import periods_overlapping  # noqa: PLC0415

    model, as_of, rules = decoded
    start, end = model.period.start, model.period.end
    q = model.institution.qualifications
    specs: dict[str, Any] = {}
    periods: dict[str, list[dict[str, Any]]] = {}
    for rule_id in RULES:
        rule = rules[rule_id]
        if rule.applies_to is not Predicate.YIYANG_INSTITUTION:
            raise SystemExit(f"{rule_id}: the peer encodings assume applies_to: yiyang_institution")
        version = _single_version(rule)
        params, first_day = version.params, version.start
        spec: dict[str, Any] = {"kind": params.kind, "first_day": first_day.toordinal()}
        if params.kind == "period_count":
            spec |= {"activity": params.activity.value, "min_count": params.min_count}
            judged = []
            for period in periods_overlapping(params.period, start, min(end, max(start, as_of))):
                whole = start <= period.start and period.end <= end and period.end <= as_of
                probe = min(period.end, end, as_of)
                # judged only under a version in force for the whole period (or on a running
                # period's last known day)
                if (period.start if whole else probe) >= first_day:
                    low, high = max(period.start, start), min(period.end, end, as_of)
                    judged.append(
                        {"key": period.label, "low": low.toordinal(), "high": high.toordinal(), "whole": whole}
                    )
            periods[rule_id] = judged
        elif params.kind == "rate_limit":
            if params.bound.value != "at_most" or not params.inclusive:
                raise SystemExit(f"{rule_id}: the peer encodings assume an inclusive upper bound")
            limit = Fraction(params.limit)
            spec |= {"lim_num": limit.numerator, "lim_den": limit.denominator}
        else:
            from yiyang_rules.checks.record_coverage import ASSESSMENT_DAYS_AFTER, ASSESSMENT_DAYS_BEFORE  # noqa: PLC0415

            after = ASSESSMENT_DAYS_AFTER if params.within_days is None else params.within_days
            spec |= {"before": ASSESSMENT_DAYS_BEFORE, "after": after}
        specs[rule_id] = spec
    ulcers = model.quality.pressure_ulcers if model.quality is not None else None
    return {
        "as_of": as_of.toordinal(),
        "start": start.toordinal(),
        "end": end.toordinal(),
        "flags": {"license": q.medical_practice_license, "clinic": q.clinic_filing, "care": q.elderly_care_filing},
        "rules": specs,
        "periods": periods,
        "acts": None
        if model.activities is None
        else [
            # a record without an id is a record of its own
            {"kind": a.kind.value, "id": a.id if a.id is not None else f"#{n}", "day": a.date.toordinal()}
            for n, a in enumerate(model.activities)
        ],
        "ulcers": None if ulcers is None else {"num": ulcers.new_grade2_plus, "den": ulcers.residents},
        "residents": None
        if model.residents is None
        else [
            {
                "id": r.id,
                "admitted": r.admitted.toordinal(),
                "admission_days": None
                if r.assessments is None
                else [a.date.toordinal() for a in r.assessments if a.kind.value == "admission"],
            }
            for r in model.residents
        ],
    }


def applies(facts: Facts) -> bool:
    """yiyang_institution is true: a medical qualification and an elderly-care filing."""
    flags = facts["flags"]
    return flags["care"] is True and (flags["license"] is True or flags["clinic"] is True)


def earliest_days(acts: Sequence[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Records sharing an id count once, on their earliest day."""
    out: dict[tuple[str, str], int] = {}
    for act in acts:
        key = (act["kind"], act["id"])
        if key not in out or act["day"] < out[key]:
            out[key] = act["day"]
    return out


# ---------------------------------------------------------------------------------------------------
# The reference encoding, plain Python over the same facts (what each peer encodes)


def reference_verdicts(facts: Facts) -> Verdicts:
    out: Verdicts = {}
    for rule_id, spec in facts["rules"].items():
        if not applies(facts) or facts["as_of"] < spec["first_day"]:
            out[rule_id] = OTHER
        elif spec["kind"] == "period_count":
            out[rule_id] = _reference_periodic(facts, facts["periods"][rule_id], spec)
        elif spec["kind"] == "rate_limit":
            out[rule_id] = _reference_rate(facts, spec)
        else:
            out[rule_id] = _reference_coverage(facts, spec)
    return out


def _reference_periodic(facts: Facts, periods: list[dict[str, Any]], spec: dict[str, Any]) -> str:
    if facts["acts"] is None:
        return OTHER
    days = [d for (kind, _), d in earliest_days(facts["acts"]).items() if kind == spec["activity"]]
    counts = [(p["whole"], sum(p["low"] <= d <= p["high"] for d in days)) for p in periods]
    if any(whole and n < spec["min_count"] for whole, n in counts):
        return NON_COMPLIANT
    if any(whole or n >= spec["min_count"] for whole, n in counts):
        return COMPLIANT
    return OTHER


def _reference_rate(facts: Facts, spec: dict[str, Any]) -> str:
    ulcers = facts["ulcers"]
    if ulcers is None or facts["start"] < spec["first_day"] or ulcers["den"] == 0:
        return OTHER
    within = ulcers["num"] * spec["lim_den"] <= ulcers["den"] * spec["lim_num"]
    return COMPLIANT if within else NON_COMPLIANT


def _resident_state(facts: Facts, resident: dict[str, Any], spec: dict[str, Any]) -> str:
    days = resident["admission_days"]
    if days is None:
        return "unknown"
    earliest, latest = resident["admitted"] - spec["before"], resident["admitted"] + spec["after"]
    if any(d <= facts["as_of"] and earliest <= d <= latest for d in days):
        return "ok"
    return "pending" if latest >= facts["as_of"] else "lacking"


def in_scope(facts: Facts, resident: dict[str, Any], spec: dict[str, Any]) -> bool:
    day = resident["admitted"]
    return facts["start"] <= day <= facts["end"] and spec["first_day"] <= day <= facts["as_of"]


def fold_coverage(states: Sequence[str]) -> str:
    if not states or ("unknown" in states and "lacking" not in states):
        return OTHER
    if "lacking" in states:
        return NON_COMPLIANT
    return OTHER if all(s == "pending" for s in states) else COMPLIANT


def _reference_coverage(facts: Facts, spec: dict[str, Any]) -> str:
    if facts["residents"] is None:
        return OTHER
    return fold_coverage([_resident_state(facts, r, spec) for r in facts["residents"] if in_scope(facts, r, spec)])


# ---------------------------------------------------------------------------------------------------
# OPA/Rego (regopy, Microsoft's rego-cpp)

REGO_POLICY = """
package yiyang
import rego.v1

applies if {
    input.flags.care == true
    some flag in [input.flags.license, input.flags.clinic]
    flag == true
}

gate(spec) if {
    applies
    input.as_of >= spec.first_day
}

# records sharing an id count once, on their earliest day
earliest[key] := day if {
    some a in input.acts
    key := [a.kind, a.id]
    day := min({x.day | some x in input.acts; x.kind == a.kind; x.id == a.id})
}

count_in(kind, p) := count([key |
    some key
    day := earliest[key]
    key[0] == kind
    p.low <= day
    day <= p.high
])

periodic(rule, spec) := "other" if {
    input.acts == null
} else := "non_compliant" if {
    some p in input.periods[rule]
    p.whole
    count_in(spec.activity, p) < spec.min_count
} else := "compliant" if {
    some p in input.periods[rule]
    p.whole
} else := "compliant" if {
    some p in input.periods[rule]
    count_in(spec.activity, p) >= spec.min_count
} else := "other"

rate(spec) := "other" if {
    input.ulcers == null
} else := "other" if {
    input.start < spec.first_day
} else := "other" if {
    input.ulcers.den == 0
} else := "compliant" if {
    input.ulcers.num * spec.lim_den <= input.ulcers.den * spec.lim_num
} else := "non_compliant"

resident_state(r, spec) := "unknown" if {
    r.admission_days == null
} else := "ok" if {
    some day in r.admission_days
    day <= input.as_of
    r.admitted - spec.before <= day
    day <= r.admitted + spec.after
} else := "pending" if {
    r.admitted + spec.after >= input.as_of
} else := "lacking"

scoped(r, spec) if {
    input.start <= r.admitted
    r.admitted <= input.end
    spec.first_day <= r.admitted
    r.admitted <= input.as_of
}

fold(states) := "other" if {
    count(states) == 0
} else := "non_compliant" if {
    some s in states
    s == "lacking"
} else := "other" if {
    some s in states
    s == "unknown"
} else := "other" if {
    every s in states { s == "pending" }
} else := "compliant"

coverage(spec) := "other" if {
    input.residents == null
} else := fold([resident_state(r, spec) | some r in input.residents; scoped(r, spec)])

verdict(rule, spec) := "other" if {
    not gate(spec)
} else := periodic(rule, spec) if {
    spec.kind == "period_count"
} else := rate(spec) if {
    spec.kind == "rate_limit"
} else := coverage(spec)

verdicts := {rule: v | some rule; spec := input.rules[rule]; v := verdict(rule, spec)}
"""


class RegoPeer:
    """OPA/Rego through regopy (rego-cpp). Given: the facts of ``extract`` as its input document,
    one snapshot at a time (``set_input``), the policy compiled once into a bundle. It does natively:
    applicability, the first day in force, counting distinct ids per period, exact rate arithmetic,
    the admission tolerance and the fold to a verdict. Not natively: the calendar periods (handed in)."""

    name = "OPA/Rego (regopy)"

    def __init__(self) -> None:
        from regopy import Interpreter  # noqa: PLC0415

        builder = Interpreter()
        builder.add_module("yiyang.rego", REGO_POLICY)
        self._bundle = builder.build(None, ["yiyang/verdicts"])
        self._run = Interpreter()

    def load_only(self, facts: Facts) -> None:
        """Only the hand-over of the input: how much of its time is the crossing from Python."""
        self._run.set_input(facts)

    def verdicts(self, facts: Facts) -> Verdicts:
        self._run.set_input(facts)
        output = self._run.query_bundle_entrypoint(self._bundle, "yiyang/verdicts")
        if not output.ok():
            raise RuntimeError(f"rego: {output}")
        return dict(json.loads(str(output))["expressions"][0])


# ---------------------------------------------------------------------------------------------------
# durable-rules


class DurablePeer:
    """durable-rules (a Rete engine in C; conditions on fact fields, actions in Python). Given, per
    snapshot (its own ``sid``): the activity records of each rule's kind, one per distinct id (it
    rejects an identical fact twice) and told apart by a number (with the text ids, the two-record
    rules misjudged the two-lectures-a-year rule in our runs; cause not found); the judged periods as
    facts; the admission assessments dated on or before ``as_of``; the residents with their
    tolerance days precomputed (it has no arithmetic on a fact's own fields); and the two
    pressure-ulcer counts as two facts, so that the 5% is written ``residents >= new * 20`` (the
    limit's reciprocal) across them. The gates (applicability, the first day in force, data given,
    the rate's window) and the fold of the firings into a verdict are done in Python around it: it
    has no notion of "after all facts, nothing fired", and its ``none`` is judged when a fact
    arrives, so the records are asserted before the periods and residents that look for their
    absence."""

    name = "durable-rules"
    instances = 0  # a ruleset's name is global to the process: one per instance

    def __init__(self, lim_den: int) -> None:
        from durable import engine as durable_engine  # noqa: PLC0415
        from durable.lang import c, m, none, ruleset, when_all  # noqa: PLC0415

        class QuietHost(durable_engine.Host):  # type: ignore[misc]
            """The library's host, without its background dispatch: two timer threads that poll
            every ruleset every 0.2 s for queued actions and timers. This uses neither, and they
            would run actions on another thread while the main one asserts facts."""

            def _run(self) -> None:
                pass

        DurablePeer.instances += 1
        self.RULESET = f"yiyang_peers_{DurablePeer.instances}"
        self._fired: list[tuple[str, str]] = []
        fired = self._fired

        def note(what: str, key_of: Callable[[Any], str]) -> Callable[[Any], None]:
            def action(ctx: Any) -> None:
                fired.append((what, key_of(ctx)))

            return action

        def in_period(extra: Any = None) -> Any:
            cond = (m.t == "act") & (m.kind == c.p.kind) & (m.day >= c.p.low) & (m.day <= c.p.high)
            return cond if extra is None else cond & extra

        in_scope = (
            (m.t == "res")
            & (m.admitted >= c.x.start)
            & (m.admitted <= c.x.end)
            & (m.admitted <= c.x.as_of)
            & (m.admitted >= c.x.first_day)
        )
        rules = ruleset(self.RULESET)
        with rules:
            when_all(c.p << (m.t == "period"), c.a << in_period())(note("met1", lambda x: x.p.key))
            when_all(
                c.p << (m.t == "period") & (m.needed == 2),
                c.a << in_period(),
                c.b << in_period(m.n > c.a.n),
            )(note("met2", lambda x: x.p.key))
            when_all(c.p << (m.t == "period") & (m.whole == True), none(in_period()))(  # noqa: E712
                note("none", lambda x: x.p.key)
            )
            when_all(
                c.p << (m.t == "period") & (m.whole == True) & (m.needed == 2),  # noqa: E712
                c.a << in_period(),
                none(in_period(m.n != c.a.n)),
            )(note("one", lambda x: x.p.key))
            when_all(c.n << (m.t == "ulcer_new"), c.d << (m.t == "ulcer_residents") & (m.v >= c.n.v * lim_den))(
                note("rate_ok", lambda x: RATE_RULE)
            )
            when_all(c.n << (m.t == "ulcer_new"), c.d << (m.t == "ulcer_residents") & (m.v < c.n.v * lim_den))(
                note("rate_high", lambda x: RATE_RULE)
            )
            when_all(c.x << (m.t == "ctx"), c.r << in_scope)(note("scope", lambda x: x.r.id))
            when_all(c.x << (m.t == "ctx"), c.r << in_scope & (m.known == False))(  # noqa: E712
                note("unknown", lambda x: x.r.id)
            )
            when_all(
                c.x << (m.t == "ctx"),
                c.r << in_scope & (m.known == True),  # noqa: E712
                c.a << (m.t == "ass") & (m.rid == c.r.id) & (m.day >= c.r.earliest) & (m.day <= c.r.latest),
            )(note("ok", lambda x: x.r.id))
            when_all(
                c.x << (m.t == "ctx"),
                c.r << in_scope & (m.known == True),  # noqa: E712
                none((m.t == "ass") & (m.rid == c.r.id) & (m.day >= c.r.earliest) & (m.day <= c.r.latest)),
            )(note("missing", lambda x: x.r.id))
        self._host = QuietHost()
        self._host.register_rulesets(dict([rules.define()]))
        self._sid = 0

    def verdicts(self, facts: Facts) -> Verdicts:
        self._sid += 1
        sid = str(self._sid)
        self._fired.clear()
        gate = applies(facts)
        rules = facts["rules"]
        judged = {r for r, spec in rules.items() if gate and facts["as_of"] >= spec["first_day"]}
        first: list[dict[str, Any]] = []  # the records whose absence is looked for
        then: list[dict[str, Any]] = []
        periodic = [r for r in PERIODIC_RULES if r in judged and facts["acts"] is not None]
        if periodic:
            kinds = {rules[r]["activity"] for r in periodic}
            for n, ((kind, _), day) in enumerate(earliest_days(facts["acts"]).items()):
                if kind in kinds:  # n: the distinct record, as a number (see the class's note)
                    first.append({"sid": sid, "t": "act", "kind": kind, "n": n, "day": day})
            for rule_id in periodic:
                spec = rules[rule_id]
                if spec["min_count"] > 2:
                    raise SystemExit("durable-rules: each min_count needs rules of its own; written for 1 and 2")
                for p in facts["periods"][rule_id]:
                    then.append(
                        {"sid": sid, "t": "period", "kind": spec["activity"], "needed": spec["min_count"]}
                        | {"key": f"{rule_id}|{p['key']}", "low": p["low"], "high": p["high"], "whole": p["whole"]}
                    )
        rate = rules[RATE_RULE]
        ulcers = facts["ulcers"]
        rate_judged = RATE_RULE in judged and ulcers is not None and facts["start"] >= rate["first_day"]
        if rate_judged and ulcers["den"] > 0:
            then.append({"sid": sid, "t": "ulcer_new", "v": ulcers["num"]})
            then.append({"sid": sid, "t": "ulcer_residents", "v": ulcers["den"] * rate["lim_num"]})
        cover = rules[COVERAGE_RULE]
        if COVERAGE_RULE in judged and facts["residents"] is not None:
            then.append({"sid": sid, "t": "ctx"} | {k: facts[k] for k in ("start", "end", "as_of")})
            then[-1]["first_day"] = cover["first_day"]
            for r in facts["residents"]:
                known = r["admission_days"] is not None
                for day in r["admission_days"] or ():
                    if day <= facts["as_of"]:
                        first.append({"sid": sid, "t": "ass", "rid": r["id"], "day": day})
                then.append(
                    {"sid": sid, "t": "res", "id": r["id"], "admitted": r["admitted"], "known": known}
                    | {"earliest": r["admitted"] - cover["before"], "latest": r["admitted"] + cover["after"]}
                )
        # one fact per distinct content (an identical fact twice is rejected)
        unique = list({json.dumps(f, sort_keys=True): f for f in first}.values())
        asserted = False
        for batch in (unique, then):
            if batch:
                self._host.assert_facts(self.RULESET, batch)
                asserted = True
        fired = list(self._fired)
        if asserted:
            self._host.delete_state(self.RULESET, sid)
        return self._fold(facts, judged, periodic, rate_judged, fired)

    @staticmethod
    def _fold(
        facts: Facts, judged: set[str], periodic: list[str], rate_judged: bool, fired: list[tuple[str, str]]
    ) -> Verdicts:
        out = dict.fromkeys(RULES, OTHER)
        by_what: dict[str, set[str]] = {}
        for what, key in fired:
            by_what.setdefault(what, set()).add(key)
        rules = facts["rules"]
        for rule_id in periodic:
            needed = rules[rule_id]["min_count"]
            keys = {f"{rule_id}|{p['key']}": p["whole"] for p in facts["periods"][rule_id]}
            met = by_what.get("met1" if needed == 1 else "met2", set()) & keys.keys()
            short = (by_what.get("none", set()) | by_what.get("one", set())) & keys.keys()
            if short:
                out[rule_id] = NON_COMPLIANT
            elif any(keys.values()) or met:
                out[rule_id] = COMPLIANT
        if rate_judged and facts["ulcers"]["den"] > 0:
            out[RATE_RULE] = COMPLIANT if "rate_ok" in by_what else NON_COMPLIANT
        if COVERAGE_RULE in judged and facts["residents"] is not None:
            cover = rules[COVERAGE_RULE]
            scope = by_what.get("scope", set())
            ok, unknown = by_what.get("ok", set()), by_what.get("unknown", set())
            states = []
            for r in facts["residents"]:
                if r["id"] not in scope:
                    continue
                if r["id"] in unknown:
                    states.append("unknown")
                elif r["id"] in ok:
                    states.append("ok")
                else:
                    states.append("pending" if r["admitted"] + cover["after"] >= facts["as_of"] else "lacking")
            out[COVERAGE_RULE] = fold_coverage(states)
        return out


def peers(lim_den: int) -> tuple[list[Any], list[str]]:
    """The peers that can run here, and why the others cannot."""
    found: list[Any] = []
    absent: list[str] = []
    for cls, module, args in ((DurablePeer, "durable", (lim_den,)), (RegoPeer, "regopy", ())):
        if importlib.util.find_spec(module) is None:
            absent.append(f"{cls.name}: not installed (pip install -e '.[bench]')")
            continue
        try:
            found.append(cls(*args))
        except Exception as exc:  # a peer that cannot start here is reported, not fatal
            absent.append(f"{cls.name}: cannot start: {type(exc).__name__}: {exc}")
    return found, absent


def rate_lim_den(facts: Facts) -> int:
    spec = facts["rules"][RATE_RULE]
    if spec["lim_num"] != 1:
        raise SystemExit("durable-rules: the rate is written as residents >= new * (1/limit); the limit is not 1/n")
    return int(spec["lim_den"])


# ---------------------------------------------------------------------------------------------------
# Main


WARM_UP = 20  # snapshots each engine judges once, untimed, before its timed runs (lazy set-up, caches)


def best_cpu(repeat: int, fn: Callable[[], list[Any]]) -> tuple[float, list[Any]]:
    """The least CPU time of ``repeat`` runs of ``fn`` and what the last run returned."""
    best, result = float("inf"), []
    for _ in range(repeat):
        start = cpu_self()
        result = fn()
        best = min(best, cpu_self() - start)
    return best, result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=2000, help="snapshots to generate (2000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (0)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each engine; the least counts (3)")
    args = parser.parse_args(argv)
    if args.count < 1 or args.repeat < 1:
        parser.error("--count and --repeat must be at least 1")

    from yiyang_rules.engine import Engine  # noqa: PLC0415

    run = bench_run()
    raw = [run.make_snapshot(args.seed, i) for i in range(args.count)]
    lines = [json.dumps(s, ensure_ascii=False).encode() for s in raw]
    engine = Engine.load()
    decoded = decode(engine, raw)
    n = len(decoded)
    print(f"peers: {n} snapshots, seed {args.seed}, Python {sys.version.split()[0]}")
    print(f"CPU time (getrusage), least of {args.repeat} runs, each after {WARM_UP} snapshots untimed")
    print(f"rules: {', '.join(RULES)}")

    def measured(fn: Callable[[Any], Any], items: Sequence[Any]) -> tuple[float, list[Any]]:
        for item in items[:WARM_UP]:
            fn(item)
        return best_cpu(args.repeat, lambda: [fn(item) for item in items])

    t_ours, ours = measured(our_verdicts, decoded)
    t_extract, facts = measured(extract, decoded)
    numbered = list(enumerate(lines, 1))
    t_library, _ = measured(lambda item: engine.check_json(item[1], source=f"peers:{item[0]}"), numbered)
    t_reference, reference = measured(reference_verdicts, facts)

    found, absent = peers(rate_lim_den(facts[0]))
    rows: list[tuple[str, float, str]] = [
        ("ours: SnapshotView + evaluate_rule, these 7 rules", t_ours, "decoded snapshot"),
        ("ours: Engine.check_json, every rule, bytes in/out", t_library, "JSON bytes; for context"),
        ("fact extraction for the peers (not in their times)", t_extract, "decoded snapshot"),
        ("plain-Python reference over the facts", t_reference, "facts"),
    ]
    disagreements: dict[str, int] = {"plain-Python reference": _count_disagreements(ours, reference)}
    for peer in found:
        t_peer, got = measured(peer.verdicts, facts)
        rows.append((f"{peer.name}, these 7 rules", t_peer, "facts"))
        if isinstance(peer, RegoPeer):
            t_input, _ = measured(peer.load_only, facts)
            rows.append(("  of which set_input alone (dict to Rego terms)", t_input, "facts"))
        disagreements[peer.name] = _count_disagreements(ours, got)

    print()
    print(f"{'engine':<54}{'CPU':>10}{'x ours':>9}   {'from'}")
    for label, t, source in rows:
        print(f"{label:<54}{t:9.3f}s{t / t_ours:8.1f}x   {source}")
    for reason in absent:
        print(f"NOT MEASURED: {reason}")
    print()
    statuses = Counter(o[r] for o in ours for r in RULES)
    print("our verdicts over all rule x snapshot pairs: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    for name, count in disagreements.items():
        print(f"disagreements with ours ({name}): {count} of {n * len(RULES)}")
    return 1 if any(disagreements.values()) else 0


def _count_disagreements(ours: Sequence[dict[str, str]], theirs: Sequence[Verdicts]) -> int:
    return sum(_folded(o[r]) != t[r] for o, t in zip(ours, theirs, strict=True) for r in RULES)


def _folded(status: str) -> str:
    return status if status in (COMPLIANT, NON_COMPLIANT) else OTHER


if __name__ == "__main__":
    sys.exit(main())
