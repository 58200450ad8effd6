"""The eligibility checklist: what a member must confirm about their plan, from a (possibly partial) profile.

Each item has a status, why it matters, the next step and its sources; the verdict says whether the member can
do a mega backdoor Roth now, what blocks it, or which answers are still needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from .errors import InputError
from .facts import Citation, FactBase, Figure
from .lookback import hce_status, roth_catch_up_status
from .profile import PlanProfile, room_input
from .room import RoomResult, catch_up_figure, compute_room
from .text import N_, Line, Percent

Status = Literal["met", "not_met", "unknown", "info"]

NOTICE_2014_54 = Citation(title="IRS Notice 2014-54", url="https://www.irs.gov/pub/irs-drop/n-14-54.pdf")
IRC_401M = Citation(title="26 U.S.C. 401(m)", url="https://www.law.cornell.edu/uscode/text/26/401")
IRC_402A = Citation(title="26 U.S.C. 402A(c)(4)", url="https://www.law.cornell.edu/uscode/text/26/402A")
I1099R = Citation(title="Instructions for Forms 1099-R and 5498", url="https://www.irs.gov/instructions/i1099r")
P590B = Citation(title="IRS Publication 590-B", url="https://www.irs.gov/publications/p590b")
REG_1_408A_6 = Citation(title="26 CFR 1.408A-6", url="https://www.ecfr.gov/current/title-26/section-1.408A-6")

# The yes/no questions a member can answer (with buttons in Discord), in the order they matter. The values are
# English templates (button labels), translated by the front end.
QUESTIONS: dict[str, str] = {
    "after_tax_allowed": N_("Plan accepts after-tax"),
    "in_plan_conversion": N_("In-plan Roth conversion"),
    "in_service_withdrawal": N_("In-service withdrawal"),
    "deferrals_and_match_planned": N_("Deferrals + full match planned"),
    "cash_flow_ok": N_("Spare cash flow"),
    "auto_conversion": N_("Automatic conversion"),
    "testing_results_checked": N_("Asked for ACP test results"),
    "stable_fund_until_converted": N_("Stable fund until converted"),
}

# What the member copies to HR: an English template, shown in the member's language (they are the one asking).
HR_SCRIPT = N_(
    "Does our plan accept after-tax (non-Roth) contributions beyond the employee deferral limit? "
    "Up to what % of pay? Does it allow in-plan Roth conversions of after-tax money, automatically? "
    "If not, does it allow non-hardship in-service withdrawals of after-tax money?"
)


@dataclass(frozen=True, slots=True)
class Joined(Line):
    """Several Lines shown as one list ("A; B; C"), each translated on its own."""

    parts: tuple[Line, ...] = ()
    sep: str = "; "

    def render(
        self,
        money: Callable[[Decimal], str],
        text: Callable[[str], str] | None = None,
        translate: Callable[[str], str] = lambda s: s,
        percent: Callable[[Decimal], str] | None = None,
    ) -> str:
        return self.sep.join(part.render(money, text, translate, percent) for part in self.parts)


@dataclass
class Item:
    key: str
    title: str  # an English template (N_-marked), translated by the front end
    status: Status
    why: Line
    next_step: Line
    sources: list[Citation] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    questions: tuple[str, ...] = ()


@dataclass
class Verdict:
    kind: Literal["ready", "blocked", "need_answers"]
    line: Line

    @property
    def text(self) -> str:
        """English, for logs, the command line and tests."""
        return self.line.text


@dataclass
class Checklist:
    year: int
    items: list[Item]
    verdict: Verdict
    open_questions: list[str]  # unanswered questions, not-sure ones last
    hr_script: str = HR_SCRIPT  # English template: the front end shows it translated
    room: RoomResult | None = None

    def item(self, key: str) -> Item:
        return next(i for i in self.items if i.key == key)


def _flag(value: bool | None) -> Status:
    return "unknown" if value is None else ("met" if value else "not_met")


def build_checklist(profile: PlanProfile | None, year: int, facts: FactBase) -> Checklist:
    p = profile or PlanProfile()
    facts.year(year)  # an unknown year fails first, naming the known ones
    age = p.age_in(year)
    items: list[Item] = []

    items.append(
        Item(
            "after_tax",
            N_("The plan accepts after-tax (non-Roth) contributions"),
            _flag(p.after_tax_allowed),
            Line(
                "After-tax money is the whole strategy, and it is not the same as Roth deferrals; HR often confuses "
                "the two."
            ),
            Line("Ask HR the first question of the script below.")
            if p.after_tax_allowed is None
            else Line("Nothing to do.")
            if p.after_tax_allowed
            else Line(
                "Without after-tax contributions there is no mega backdoor in this plan; max your deferrals and IRAs."
            ),
            [IRC_401M],
            questions=("after_tax_allowed",),
        )
    )

    conv, wd = p.in_plan_conversion, p.in_service_withdrawal
    status: Status
    if conv:
        status, step = "met", Line("Convert in the plan, as soon after each contribution as it allows.")
    elif wd:
        status, step = (
            "met",
            Line(
                "Withdraw the after-tax money in service and roll it to a Roth IRA, soon after each contribution. "
                "Its earnings can go to the Roth IRA too (taxed now) or to a traditional IRA, where they become a "
                "pre-tax IRA balance that the IRA pro-rata rule counts against a later backdoor Roth IRA "
                "(/explain backdoor-roth-ira)."
            ),
        )
    elif conv is False and wd is False:
        status, step = (
            "not_met",
            Line(
                "Neither path exists: after-tax money stays in the plan, where its earnings grow tax-deferred and "
                "are taxed as ordinary income when distributed or converted."
            ),
        )
    else:
        status, step = (
            "unknown",
            Line("Ask HR whether the plan allows in-plan Roth conversions or in-service withdrawals."),
        )
    items.append(
        Item(
            "conversion_path",
            N_("A way to move after-tax money to Roth"),
            status,
            Line(
                "After-tax money must reach a Roth account promptly, by an in-plan conversion or an in-service "
                "withdrawal rolled to a Roth IRA; otherwise its earnings are taxed later."
            ),
            step,
            [NOTICE_2014_54, IRC_402A],
            questions=("in_plan_conversion", "in_service_withdrawal"),
        )
    )

    cap = p.plan_after_tax_cap_pct
    items.append(
        Item(
            "plan_cap",
            N_("The plan's after-tax cap and how to contribute"),
            "met" if cap is not None else "unknown",
            Line("Many plans cap after-tax contributions at a % of pay per paycheck, and some allow lump sums."),
            Line("Your cap is {cap} of pay: /room uses it.", {"cap": Percent(cap)})
            if cap is not None
            else Line("Ask HR for the cap, then /profile plan plan_after_tax_cap_pct:<percent>."),
        )
    )

    items.append(
        Item(
            "match_first",
            N_("Deferrals and the full employer match come first"),
            _flag(p.deferrals_and_match_planned),
            Line("Never give up match to make room for after-tax money: match is free money inside the same 415(c)."),
            Line("Plan deferrals that earn the full match before any after-tax money."),
            [IRC_401M],
            questions=("deferrals_and_match_planned",),
        )
    )
    items.append(
        Item(
            "cash_flow",
            N_("Cash flow beyond deferrals, HSA and IRA"),
            _flag(p.cash_flow_ok),
            Line("After-tax contributions come from take-home pay, after your other tax-advantaged savings."),
            Line("Budget the per-paycheck amount /room gives you."),
            questions=("cash_flow_ok",),
        )
    )

    items.append(_hce_item(p, year, facts))

    prompt = p.auto_conversion or p.stable_fund_until_converted
    items.append(
        Item(
            "convert_promptly",
            N_("Convert promptly; keep pending money in a stable fund"),
            "met"
            if prompt
            else ("unknown" if p.auto_conversion is None and p.stable_fund_until_converted is None else "not_met"),
            Line(
                "Only earnings before conversion are taxed, so the sooner after-tax money is converted, the less tax."
            ),
            Line("Automatic conversion is best; otherwise request conversions often and hold a stable fund meanwhile."),
            [NOTICE_2014_54],
            questions=("auto_conversion", "stable_fund_until_converted"),
        )
    )
    items.append(
        Item(
            "tax_reporting",
            N_("Tax reporting: a 1099-R, not Form 8606"),
            "info",
            Line(
                "The plan reports each conversion or rollover on a 1099-R; only pre-conversion earnings are taxable. "
                "Form 8606 is for IRAs and is not used for a 401(k) in-plan conversion nor for a rollover of "
                "after-tax money from the plan to a Roth IRA, and the IRA pro-rata rule does not apply to 401(k) "
                "after-tax money."
            ),
            Line("Keep the 1099-R; /explain form-1099r."),
            [I1099R],
        )
    )
    items.append(
        Item(
            "five_year",
            N_("Roth 5-year rules"),
            "info",
            Line(
                "Roth IRA withdrawals come out in order: contributions, then conversions (the taxable part of each "
                "first), then earnings. The taxable part of a conversion, such as converted earnings, owes the 10% "
                "additional tax if withdrawn before 59½ within 5 years from 1 January of its year; converted basis "
                "never does. Non-qualified Roth 401(k) distributions are pro-rata."
            ),
            Line("/explain roth-five-year"),
            [P590B, REG_1_408A_6],
        )
    )
    if age is not None and age >= 50:
        items.append(_catch_up_item(p, age, year, facts))

    room = None
    try:
        room = compute_room(room_input(p, {}, year, facts), facts)
    except InputError:
        room = None  # not enough saved to compute it; the checklist stands on its own

    answered_unsure = [q for q in p.not_sure if getattr(p, q) is None]
    open_questions = [q for q in QUESTIONS if getattr(p, q) is None and q not in answered_unsure]
    open_questions += answered_unsure
    return Checklist(year, items, _verdict(p, items), open_questions, room=room)


def _hce_item(p: PlanProfile, year: int, facts: FactBase) -> Item:
    look = hce_status(facts, year, p.prior_year_wages)
    fig = look.threshold
    why = Line(
        "After-tax and match money is tested under the ACP test; highly compensated employees (pay above "
        "{threshold} in {hce_year}) may get after-tax money refunded. HCE status for {year} depends on your "
        "{pay_year} pay, not this year's.",
        {"threshold": fig.value, "hce_year": look.threshold_year, "year": year, "pay_year": look.pay_year},
    )
    if look.status == "unknown":
        status: Status = "unknown"
        # Whole sentences, one per case, so each translates as written.
        if p.compensation is None:
            ask = N_(
                "Save last year's pay with /profile set prior_year_wages:<W-2 box 5 wages> to know whether this "
                "applies."
            )
        elif p.compensation > fig.value:
            ask = N_(
                "Save last year's pay with /profile set prior_year_wages:<W-2 box 5 wages> to know whether this "
                "applies. "
                "This year's pay is above the threshold, which is only a hint."
            )
        else:
            ask = N_(
                "Save last year's pay with /profile set prior_year_wages:<W-2 box 5 wages> to know whether this "
                "applies. "
                "This year's pay is not above the threshold, which is only a hint."
            )
        step = Line(ask)
    elif look.status == "no":
        status, step = (
            "met",
            Line(
                "Your {pay_year} pay was not above the HCE threshold: testing refunds are unlikely to hit you.",
                {"pay_year": look.pay_year},
            ),
        )
    elif p.testing_results_checked:
        status, step = "met", Line("You are an HCE and have checked last year's testing results.")
    else:
        status = "not_met" if p.testing_results_checked is False else "unknown"
        step = Line("You are an HCE: ask the plan for last year's ACP testing results and refunds.")
    return Item(
        "hce_testing",
        N_("HCE / ACP testing risk"),
        status,
        why,
        step,
        [IRC_401M],
        [fig],
        questions=("testing_results_checked",),
    )


def _catch_up_item(p: PlanProfile, age: int, year: int, facts: FactBase) -> Item:
    yf = facts.year(year)
    name = catch_up_figure(yf, age)
    assert name is not None  # only called from 50 on
    fig = yf[name]
    figures = [fig]
    kind = Line("super catch-up for ages 60–63") if name == "super_catch_up_60_63" else Line("catch-up for age 50+")
    params: dict[str, object] = {"age": age, "amount": fig.value, "kind": kind}
    # Whole paragraphs, one per case of the 2026 Roth catch-up rule, so each translates as written.
    text = N_(
        "At {age} you may defer {amount} more ({kind}); catch-ups sit outside 415(c), so they do not shrink "
        "your after-tax room."
    )
    roth = roth_catch_up_status(yf, age, p.prior_year_wages)
    if roth is not None:
        figures.append(roth.threshold)
        params.update(prior=roth.pay_year, threshold=roth.threshold.value)
        if roth.status == "yes":
            text = N_(
                "At {age} you may defer {amount} more ({kind}); catch-ups sit outside 415(c), so they do not shrink "
                "your after-tax room. Your {prior} FICA wages from this employer were above {threshold}: catch-ups "
                "must be Roth."
            )
        elif roth.status == "no":
            text = N_(
                "At {age} you may defer {amount} more ({kind}); catch-ups sit outside 415(c), so they do not shrink "
                "your after-tax room. Your {prior} FICA wages from this employer were not above {threshold}: they "
                "may be pre-tax."
            )
        else:
            text = N_(
                "At {age} you may defer {amount} more ({kind}); catch-ups sit outside 415(c), so they do not shrink "
                "your after-tax room. If your {prior} FICA wages from this employer were above {threshold}, "
                "catch-ups must be Roth (save prior_year_wages to know)."
            )
    return Item(
        "catch_up",
        N_("Catch-up contributions"),
        "info",
        Line(text, params),
        Line("/explain catch-up"),
        figures=figures,
    )


def _verdict(p: PlanProfile, items: list[Item]) -> Verdict:
    if p.after_tax_allowed is False:
        return Verdict("blocked", Line("Blocked: the plan does not accept after-tax contributions."))
    if p.in_plan_conversion is False and p.in_service_withdrawal is False:
        return Verdict(
            "blocked", Line("Blocked: the plan allows neither in-plan conversions nor in-service withdrawals.")
        )
    if p.deferrals_and_match_planned is False:
        return Verdict("blocked", Line("Not yet: plan your deferrals and the full match first."))
    if p.cash_flow_ok is False:
        return Verdict("blocked", Line("Not yet: there is no spare cash flow for after-tax contributions."))
    essential = ("after_tax", "conversion_path", "match_first", "cash_flow")
    missing = tuple(Line(i.title) for i in items if i.key in essential and i.status == "unknown")
    if missing:
        return Verdict("need_answers", Line("Need answers: {items}.", {"items": Joined("", parts=missing)}))
    path = Line("an in-plan Roth conversion") if p.in_plan_conversion else Line("in-service withdrawals to a Roth IRA")
    return Verdict("ready", Line("You can do it now, through {path}.", {"path": path}))
