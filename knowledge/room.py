"""The after-tax (mega backdoor Roth) room for one plan and one tax year.

limit   = min(415(c) dollar limit, 100 % of compensation from this employer)
counted = this plan's deferrals up to what 402(g) leaves after other plans (catch-ups excluded)
room    = max(0, limit - counted - employer money - after-tax already contributed), then the plan's cap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .errors import InputError
from .facts import FactBase, Figure, YearFacts, load_facts
from .figures import MAX_YEAR, MIN_YEAR
from .lookback import hce_look_back, hce_status, roth_catch_up_status
from .match import MatchFormula, parse_match
from .money import MAX_AMOUNT, cents_down, parse_money
from .text import N_, Line, Percent

ZERO = Decimal(0)
MIN_AGE, MAX_AGE = 14, 120
MAX_PAY_PERIODS = 365
MAX_FORMULA = 120
_MONEY_FIELDS = (
    "compensation",
    "employee_deferrals",
    "employer_contributions",
    "ytd_after_tax",
    "other_plan_deferrals",
    "prior_year_wages",
    "ytd_deferrals",
    "ytd_employer",
    "pay_to_come",
    "catch_up_403b_15_year",
    "match_dollar_cap",
)
# Money fields where "not given" means unknown (not zero): the answer treats them differently.
_UNKNOWN_UNLESS_GIVEN = frozenset(
    {"employer_contributions", "prior_year_wages", "ytd_deferrals", "ytd_employer", "pay_to_come", "match_dollar_cap"}
)
# Plan types: a 401(k) and a 403(b) take after-tax money under 415(c); a governmental 457(b) has a limit of its own
# and no after-tax room at all.
PLAN_TYPES = ("401k", "403b", "457b")


def input_error_from(exc: ValidationError) -> InputError:
    """The first pydantic error as our own message; never a raw pydantic dump."""
    err = exc.errors()[0]
    field_name = ".".join(str(p) for p in err["loc"]) or "input"
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, InputError):
        return cause
    kind = err["type"]
    if kind == "missing":
        return InputError(field_name, "is required")
    if kind == "extra_forbidden":
        return InputError(field_name, "is not a known field")
    if kind.startswith("int"):
        return InputError(field_name, "must be a whole number")
    return InputError(field_name, "is not valid: {detail}", detail=err["msg"])


class RoomInput(BaseModel):
    """One participant, one plan (one employer), one tax year. Money is Decimal dollars."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int
    age: int  # age on 31 December of the year
    compensation: Decimal
    employee_deferrals: Decimal = ZERO
    employer_contributions: Decimal | None = None
    match_formula: str | None = None
    ytd_after_tax: Decimal = ZERO  # after-tax money already in this plan this year
    other_plan_deferrals: Decimal = ZERO
    plan_after_tax_cap_pct: Decimal | None = None
    paychecks_left: int | None = None
    # Last year's pay from this employer, W-2 box 5 (Medicare wages, deferrals included): decides HCE status
    # (415(c)(3) compensation) and the 2026 Roth catch-up rule (FICA wages).
    prior_year_wages: Decimal | None = None
    # The match the year's paystub shows so far, with the deferrals and pay still to come: the year's match is then
    # what is in plus the formula on what is to come (None: the formula on the whole year).
    ytd_deferrals: Decimal | None = None
    ytd_employer: Decimal | None = None
    pay_to_come: Decimal | None = None
    match_true_up: bool | None = None
    match_after_tax: bool | None = None  # the plan matches after-tax money too: more after-tax, more match
    match_dollar_cap: Decimal | None = None  # the most match the plan pays in the year
    # The plan and the member: features that change the answer (None: not known).
    plan_type: str = "401k"
    plan_offers_roth: bool | None = None
    plan_offers_super_catch_up: bool | None = None
    catch_up_403b_15_year: Decimal = ZERO  # 402(g)(7): a 403(b)'s extra deferrals after 15 years of service
    five_percent_owner: bool | None = None
    self_employed: bool | None = None
    deferrals_assumed: bool = False  # employee_deferrals was not given: the most the limits allow is assumed
    paystub_elsewhere: int | None = None  # the saved paystub belongs to this other year and was not used

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise input_error_from(exc) from None

    @field_validator(*_MONEY_FIELDS, mode="before")
    @classmethod
    def _money(cls, v: object, info: Any) -> Decimal | None:
        if v is None:
            if info.field_name == "compensation":
                raise InputError("compensation", "is required: your pay from this employer this year")
            return None if info.field_name in _UNKNOWN_UNLESS_GIVEN else ZERO
        return parse_money(info.field_name, v, allow_zero=info.field_name != "compensation")

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, v: object) -> int:
        year = _whole("year", v)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise InputError("year", "must be a tax year between {low} and {high}", low=MIN_YEAR, high=MAX_YEAR)
        return year

    @field_validator("age", mode="before")
    @classmethod
    def _age(cls, v: object) -> int:
        age = _whole("age", v)
        if not MIN_AGE <= age <= MAX_AGE:
            raise InputError(
                "age", "must be your age on 31 December, between {low} and {high}", low=MIN_AGE, high=MAX_AGE
            )
        return age

    @field_validator("paychecks_left", mode="before")
    @classmethod
    def _periods(cls, v: object) -> int | None:
        if v is None:
            return None
        periods = _whole("paychecks_left", v)
        if not 1 <= periods <= MAX_PAY_PERIODS:
            raise InputError("paychecks_left", "must be between 1 and {high}", high=MAX_PAY_PERIODS)
        return periods

    @field_validator("plan_type", mode="before")
    @classmethod
    def _plan_type(cls, v: object) -> str:
        return plan_type_of(v)

    @field_validator("plan_after_tax_cap_pct", mode="before")
    @classmethod
    def _cap_pct(cls, v: object) -> Decimal | None:
        if v is None:
            return None
        if isinstance(v, str):
            # At most 100, so a percentage never has group separators: one "," or "." is the decimal mark, which
            # reads "7,5" (Spanish, German, French) and "7.5" alike, in any locale.
            v = v.strip().rstrip("%").strip()
            if v.count(",") + v.count(".") <= 1:
                v = v.replace(",", ".")
        try:
            pct = Decimal(v) if isinstance(v, str | int | Decimal) and not isinstance(v, bool) else None
        except ArithmeticError:
            pct = None
        if pct is None or not pct.is_finite() or not 0 < pct <= 100:
            raise InputError("plan_after_tax_cap_pct", "must be a percentage of pay above 0 and at most 100")
        return pct

    @field_validator("match_formula", mode="before")
    @classmethod
    def _formula(cls, v: object) -> str | None:
        return normalise_formula(v)

    @model_validator(mode="after")
    def _consistent(self) -> RoomInput:
        if self.plan_type == "457b":
            raise InputError(
                "plan_type",
                "a governmental 457(b) has its own deferral limit, separate from your 401(k)/403(b), and takes no "
                "after-tax contributions, so it has no mega backdoor room; ask about your 401(k) or 403(b), and "
                "leave 457(b) deferrals out of other_plan_deferrals",
            )
        own = self.employee_deferrals + self.ytd_after_tax
        if own > self.compensation:
            raise InputError(
                "employee_deferrals",
                "your deferrals plus after-tax contributions ({own}) cannot exceed your pay from this employer ({pay})",
                own=own,
                pay=self.compensation,
            )
        return self

    @property
    def match(self) -> MatchFormula | None:
        return parse_match(self.match_formula) if self.match_formula else None


def plan_type_of(v: object) -> str:
    text = str(v).strip().lower().replace("(", "").replace(")", "").replace(" ", "") if v is not None else "401k"
    if text not in PLAN_TYPES:
        raise InputError("plan_type", "choose one of {choices}", choices=", ".join(PLAN_TYPES))
    return text


def normalise_formula(v: object) -> str | None:
    """A match formula as stored and shown: white space collapsed (so length checks see what is kept), parsed."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if not isinstance(v, str):
        raise InputError("match_formula", 'must be text such as "50% up to 6%"')
    text = " ".join(v.split())
    parse_match(text)  # raises a specific InputError (too long, unreadable, no tier)
    if len(text) > MAX_FORMULA:  # checked on what is kept and shown, separators included
        raise InputError("match_formula", "is too long: at most {count} characters", count=MAX_FORMULA)
    return text


def _whole(field_name: str, v: object) -> int:
    if isinstance(v, bool):
        raise InputError(field_name, "must be a whole number")
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    if isinstance(v, Decimal) and v == v.to_integral_value():
        return int(v)
    raise InputError(field_name, "must be a whole number")


@dataclass(frozen=True, slots=True)
class Step(Line):
    """One line of the arithmetic: op is "", "−", "=", "min" or "÷"; amount is dollars (or a count)."""

    op: str = ""
    amount: Decimal | int = ZERO


@dataclass(frozen=True, slots=True)
class Warning(Line):  # noqa: A001 - the domain word; never shadows the builtin outside this module
    code: str = ""


@dataclass
class RoomResult:
    year: int
    after_tax_room: Decimal
    room_415c: Decimal
    limit: Decimal
    dollar_limit: Decimal
    counted_deferrals: Decimal
    catch_up: Decimal
    catch_up_limit: Decimal
    employer_total: Decimal
    match_amount: Decimal | None
    excess_deferrals: Decimal
    plan_cap_amount: Decimal | None
    per_paycheck: Decimal | None
    inputs: RoomInput | None = None
    pay_left: Decimal | None = None  # pay not yet spoken for, when it limits the room
    steps: list[Step] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    citations: list[Figure] = field(default_factory=list)

    def warning_codes(self) -> list[str]:
        return [w.code for w in self.warnings]


def catch_up_figure(yf: YearFacts, age: int, super_offered: bool | None = None) -> str | None:
    """Which catch-up applies at this age (on 31 December): SECURE 2.0's higher amount at 60–63 where the
    year has it and the plan offers it (optional for plans; None: assumed offered, and said), the regular one
    from 50, none below."""
    if age < 50:
        return None
    if 60 <= age <= 63 and yf.get("super_catch_up_60_63") is not None and super_offered is not False:
        return "super_catch_up_60_63"
    return "catch_up_414v"


@dataclass(frozen=True, slots=True)
class Allowance:
    """What this plan lets a member defer beyond the plain 402(g) limit, and why."""

    g: Decimal  # 402(g), plus a 403(b)'s 15-year catch-up (402(g)(7)), which counts toward 415(c)
    catch_up_name: str | None  # the 414(v) figure that applies, None when no catch-up is allowed
    catch_up_limit: Decimal  # outside 415(c)
    no_roth_blocks: bool = False  # 414(v)(7): Roth catch-up required, the plan has no Roth: no catch-up at all
    special_403b: Decimal = ZERO


def deferral_allowance(yf: YearFacts, inp: Any, fig: Any = None) -> Allowance:
    """402(g) and the catch-up for this member and plan (RoomInput or PlanInput: the same fields), read through
    `fig` so every figure used is cited."""
    fig = fig or (lambda name: yf[name].value)
    g = fig("deferral_limit_402g")
    special = ZERO
    if inp.plan_type == "403b" and inp.catch_up_403b_15_year:
        special = inp.catch_up_403b_15_year  # the plan computes it from years of service and past deferrals
        g += special
    name = catch_up_figure(yf, inp.age, inp.plan_offers_super_catch_up)
    if name is None:
        return Allowance(g, None, ZERO, special_403b=special)
    look = roth_catch_up_status(yf, inp.age, inp.prior_year_wages)
    if look is not None and look.status == "yes" and inp.plan_offers_roth is False and not inp.self_employed:
        return Allowance(g, None, ZERO, no_roth_blocks=True, special_403b=special)
    return Allowance(g, name, fig(name), special_403b=special)


def most_deferrals(facts: FactBase, inp: Any, pay: Decimal, after_tax_in: Decimal) -> Decimal:
    """The most this plan can take in deferrals this year (RoomInput or PlanInput): 402(g) (+ a 403(b)'s 15-year
    amount) left after other plans, plus the catch-up, never more than the pay left after after-tax money in."""
    allowance = deferral_allowance(facts.year(inp.year), inp)
    counted, catch_up, _ = split_deferrals(MAX_AMOUNT, inp.other_plan_deferrals, allowance.g, allowance.catch_up_limit)
    return max(ZERO, min(counted + catch_up, pay - after_tax_in))


def catch_up_past_415c(
    counted: Decimal, catch_up: Decimal, catch_up_limit: Decimal, others: Decimal, limit: Decimal
) -> tuple[Decimal, Decimal]:
    """Counted deferrals that would take annual additions (with `others`, the employer and after-tax money) past
    the 415(c) limit are catch-up instead, as far as the catch-up limit has room (Reg. 1.414(v)-1(b)(1)(i))."""
    shift = min(max(ZERO, counted + others - limit), catch_up_limit - catch_up, counted)
    return (counted - shift, catch_up + shift) if shift > 0 else (counted, catch_up)


def split_deferrals(own: Decimal, other: Decimal, g: Decimal, catch_up_limit: Decimal) -> tuple[Decimal, ...]:
    """This plan's deferrals as (counted toward 402(g) and 415(c), catch-up, excess).

    402(g) is per person across every 401(k)/403(b): this plan gets what other plans left, then the catch-up
    (outside 415(c)) takes what is beyond it; anything past both is an excess deferral.
    """
    counted = min(own, max(ZERO, g - other))
    catch_up_left = catch_up_limit - min(max(ZERO, other - g), catch_up_limit)
    catch_up = min(own - counted, catch_up_left)
    excess = max(ZERO, own + other - g - catch_up_limit)
    return counted, catch_up, excess


def compute_room(inp: RoomInput, facts: FactBase | None = None) -> RoomResult:
    base = facts if facts is not None else load_facts()
    yf = base.year(inp.year)
    used: dict[str, Figure] = {}

    def fig(name: str, year_facts: Any = yf) -> Decimal:
        f = year_facts[name]
        used.setdefault(f"{year_facts.year}:{name}", f)
        return f.value

    steps: list[Step] = []
    warnings: list[Warning] = []
    allowance = deferral_allowance(yf, inp, fig)
    g = allowance.g
    dollar_limit = fig("annual_additions_415c")
    catch_up_name, catch_up_limit = allowance.catch_up_name, allowance.catch_up_limit

    own, other = inp.employee_deferrals, inp.other_plan_deferrals
    counted, catch_up, excess = split_deferrals(own, other, g, catch_up_limit)

    # Employer money: a match formula applies to pay capped at 401(a)(17).
    match_amount = None
    employer = inp.employer_contributions or ZERO
    if inp.match is not None:
        pay_cap = fig("compensation_limit_401a17")
        if inp.match_after_tax:
            # After-tax money earns match that takes room itself: the most after-tax r with r + match(r) fitting.
            space = min(dollar_limit, inp.compensation) - counted - employer - inp.ytd_after_tax
            match_amount = year_match(inp, pay_cap, _after_tax_fill(inp, pay_cap, space))
        else:
            match_amount = year_match(inp, pay_cap)
        employer += match_amount
        if inp.compensation > pay_cap:
            warnings.append(
                Warning(
                    "The match formula applies to pay capped at the 401(a)(17) limit ({cap}), not your full "
                    "{pay}: {match} of employer match.",
                    {"cap": pay_cap, "pay": inp.compensation, "match": match_amount},
                    code="match_on_capped_pay",
                )
            )

    limit = min(dollar_limit, inp.compensation)
    # Reg. 1.414(v)-1(b)(1)(i): at 50+, deferrals over ANY applicable limit (402(g) above, and here 415(c) with its
    # 100 %-of-pay limit) are catch-up, up to the catch-up limit, and catch-up sits outside 415(c).
    before = counted
    counted, catch_up = catch_up_past_415c(counted, catch_up, catch_up_limit, employer + inp.ytd_after_tax, limit)
    catch_up_415c = before - counted
    steps.append(Step("415(c) annual additions limit for {year}", {"year": inp.year}, amount=dollar_limit))
    if inp.compensation < dollar_limit:
        steps.append(Step("100% of your pay from this employer", op="min", amount=inp.compensation))
        warnings.append(
            Warning(
                "Your pay ({pay}) is below the 415(c) dollar limit ({limit}); annual additions are capped at 100% "
                "of pay, so your limit is {pay}.",
                {"pay": inp.compensation, "limit": dollar_limit},
                code="pay_below_limit",
            )
        )
        steps.append(Step("Limit that applies (the lesser)", op="=", amount=limit))

    if allowance.special_403b:
        label = N_(
            "Your deferrals counted (up to the 402(g) limit plus your 403(b) 15-year catch-up, {g}; "
            "age 50+ catch-up excluded)"
        )
    elif other:
        label = N_("Your deferrals counted (402(g) limit {g} shared with other plans' {other}; catch-up excluded)")
    else:
        label = N_("Your deferrals counted (up to the 402(g) limit {g}; catch-up excluded)")
    steps.append(Step(label, {"g": g, "other": other}, op="−", amount=counted))
    if catch_up_415c:
        warnings.append(
            Warning(
                "{amount} of your deferrals pass the 415(c) limit ({limit}), so they are catch-up contributions "
                "(Reg. 1.414(v)-1(b)(1)(i)), outside 415(c): not an excess.",
                {"amount": catch_up_415c, "limit": limit},
                code="catch_up_over_415c",
            )
        )
    if match_amount is not None and inp.ytd_employer is not None and inp.pay_to_come is not None:
        steps.append(
            Step(
                "Employer money: match so far {so_far} + match to come ({formula}) {to_come} + other employer "
                "contributions {other_employer}",
                {
                    "formula": inp.match_formula,
                    "so_far": inp.ytd_employer,
                    "to_come": match_amount - inp.ytd_employer,
                    "other_employer": inp.employer_contributions or ZERO,
                },
                op="−",
                amount=employer,
            )
        )
    elif match_amount is not None:
        if inp.employer_contributions:
            detail = N_("Employer money: match ({formula}) {match} + other employer contributions {other_employer}")
        else:
            detail = N_("Employer match ({formula})")
        steps.append(
            Step(
                detail,
                {"formula": inp.match_formula, "match": match_amount, "other_employer": inp.employer_contributions},
                op="−",
                amount=employer,
            )
        )
    else:
        steps.append(Step("Employer contributions (match, profit sharing, forfeitures)", op="−", amount=employer))
        if inp.employer_contributions is None:
            warnings.append(
                Warning(
                    "No employer money was given, so none is counted. If your employer matches or adds money, "
                    "give match_formula or employer_contributions: it shrinks the room.",
                    code="no_employer_money",
                )
            )
    if inp.ytd_after_tax:
        steps.append(Step("After-tax already contributed this year", op="−", amount=inp.ytd_after_tax))

    additions = counted + employer + inp.ytd_after_tax
    room_415c = max(ZERO, limit - additions)
    steps.append(Step("Room under 415(c)", op="=", amount=room_415c))
    if additions > limit:
        warnings.append(
            Warning(
                "Annual additions ({additions}) already exceed the 415(c) limit ({limit}) by {over}; the plan "
                "must correct this, usually by refunding after-tax money.",
                {"additions": additions, "limit": limit, "over": additions - limit},
                code="over_415c",
            )
        )

    room = room_415c
    plan_cap_amount = None
    if inp.plan_after_tax_cap_pct is not None:
        pay_cap = fig("compensation_limit_401a17")
        pct = Percent(inp.plan_after_tax_cap_pct)
        plan_cap_amount = cents_down(inp.plan_after_tax_cap_pct / 100 * min(inp.compensation, pay_cap))
        plan_left = max(ZERO, plan_cap_amount - inp.ytd_after_tax)
        # Whole sentences, one per case, so each translates as a sentence.
        label = {
            (False, False): N_("Plan cap: {pct} of pay"),
            (True, False): N_("Plan cap: {pct} of pay (pay capped at the 401(a)(17) limit, {cap})"),
            (False, True): N_("Plan cap: {pct} of pay, less after-tax already contributed"),
            (True, True): N_(
                "Plan cap: {pct} of pay (pay capped at the 401(a)(17) limit, {cap}), less after-tax already contributed"
            ),
        }[(inp.compensation > pay_cap, bool(inp.ytd_after_tax))]
        steps.append(Step(label, {"pct": pct, "cap": pay_cap}, op="min", amount=plan_left))
        if plan_left < room_415c:
            room = plan_left
            warnings.append(
                Warning(
                    "Your plan's after-tax cap ({pct} of pay) binds: you can add {room}, not the {full} that "
                    "415(c) would allow.",
                    {"pct": pct, "room": plan_left, "full": room_415c},
                    code="plan_cap_binding",
                )
            )
            steps.append(Step("After-tax room (the lesser)", op="=", amount=room))

    # After-tax money comes out of pay: what is left of it after this year's deferrals (catch-up included) and
    # the after-tax already in is the most that can still go in, whatever 415(c) allows.
    pay_left = max(ZERO, inp.compensation - inp.employee_deferrals - inp.ytd_after_tax)
    if pay_left < room:
        steps.append(
            Step(
                "Pay left to fund it (pay {pay} − your deferrals − after-tax already in)",
                {"pay": inp.compensation},
                op="min",
                amount=pay_left,
            )
        )
        # Whole sentences, one per case: the subject and its verb change together in other languages.
        if room == room_415c:
            why = N_(
                "Your pay limits this: 415(c) leaves {limit_room}, but only {pay_left} of your pay is left after "
                "your deferrals and after-tax contributions (before taxes and other deductions), so {pay_left} "
                "is the most you can still contribute."
            )
        else:
            why = N_(
                "Your pay limits this: 415(c) and your plan's cap leave {limit_room}, but only {pay_left} of your "
                "pay is left after your deferrals and after-tax contributions (before taxes and other deductions), "
                "so {pay_left} is the most you can still contribute."
            )
        warnings.append(Warning(why, {"limit_room": room, "pay_left": pay_left}, code="pay_limits_room"))
        room = pay_left
        steps.append(Step("After-tax room (the lesser)", op="=", amount=room))

    per_paycheck = None
    if inp.paychecks_left:
        per_paycheck = cents_down(room / inp.paychecks_left)
        steps.append(Step("Paychecks left this year", op="÷", amount=inp.paychecks_left))
        steps.append(Step("After-tax per paycheck (rounded down)", op="=", amount=per_paycheck))

    if catch_up_name is not None:
        steps.append(
            Step(
                "Catch-up limit at age {age} ({kind}), outside 415(c)",
                {
                    "age": inp.age,
                    "kind": Line("ages 60–63") if catch_up_name == "super_catch_up_60_63" else Line("age 50+"),
                },
                amount=catch_up_limit,
            )
        )
    if catch_up and other and own <= g:
        warnings.append(
            Warning(
                "Your other plans' deferrals ({other}) and this plan's reach the 402(g) limit together, so "
                "{catch_up} of this plan's deferrals is counted here as catch-up, outside 415(c). Confirm with "
                "this plan how it classifies it: if it counts it as a regular deferral, your after-tax room is "
                "{catch_up} smaller.",
                {"other": other, "catch_up": catch_up},
                code="catch_up_inferred",
            )
        )
    if excess:
        cap = g + catch_up_limit
        if catch_up_limit:
            over = N_(
                "Your deferrals across all plans ({total}) exceed the 402(g) limit plus catch-up ({cap}) by "
                "{excess}. Excess deferrals are an error, not room: ask the plan to return them with earnings by "
                "15 April of next year."
            )
        else:
            over = N_(
                "Your deferrals across all plans ({total}) exceed the 402(g) limit ({cap}) by {excess}. Excess "
                "deferrals are an error, not room: ask the plan to return them with earnings by 15 April of next "
                "year."
            )
        warnings.append(Warning(over, {"total": own + other, "cap": cap, "excess": excess}, code="excess_deferral"))

    _hce_warning(base, inp, fig, warnings)
    _roth_catch_up_warning(yf, inp, fig, warnings, allowance)
    _plan_warnings(yf, inp, allowance, warnings)
    if room == 0 and not any(w.code in {"over_415c", "plan_cap_binding", "pay_limits_room"} for w in warnings):
        warnings.append(Warning("There is no after-tax room left this year.", code="no_room"))

    return RoomResult(
        year=inp.year,
        after_tax_room=room,
        room_415c=room_415c,
        limit=limit,
        dollar_limit=dollar_limit,
        counted_deferrals=counted,
        catch_up=catch_up,
        catch_up_limit=catch_up_limit,
        employer_total=employer,
        match_amount=match_amount,
        excess_deferrals=excess,
        plan_cap_amount=plan_cap_amount,
        per_paycheck=per_paycheck,
        inputs=inp,
        pay_left=pay_left,
        steps=steps,
        warnings=warnings,
        citations=list(used.values()),
    )


def year_match(inp: RoomInput, pay_cap: Decimal, after_tax_to_come: Decimal = ZERO) -> Decimal:
    """The year's match. With a paystub (match so far) and the pay still to come, the match in so far plus the
    formula on the deferrals and pay to come (pay capped at 401(a)(17) over the year); otherwise the formula on
    the year's deferrals and capped pay, the most it can be. A true-up plan pays at least the annual formula.
    A plan that matches after-tax money counts the after-tax in and `after_tax_to_come` as well."""
    assert inp.match is not None
    after_tax = (inp.ytd_after_tax + after_tax_to_come) if inp.match_after_tax else ZERO
    annual = inp.match.employer_amount(inp.employee_deferrals + after_tax, min(inp.compensation, pay_cap))
    if inp.ytd_employer is None or inp.pay_to_come is None:
        return annual if inp.match_dollar_cap is None else min(annual, inp.match_dollar_cap)
    to_come = min(inp.pay_to_come, max(ZERO, pay_cap - (inp.compensation - inp.pay_to_come)))
    deferrals_to_come = max(ZERO, inp.employee_deferrals - (inp.ytd_deferrals or ZERO))
    more = after_tax_to_come if inp.match_after_tax else ZERO
    match = inp.ytd_employer + inp.match.employer_amount(deferrals_to_come + more, to_come)
    match = max(match, annual) if inp.match_true_up else match
    return match if inp.match_dollar_cap is None else min(match, max(inp.match_dollar_cap, inp.ytd_employer))


def _after_tax_fill(inp: RoomInput, pay_cap: Decimal, space: Decimal) -> Decimal:
    """The most after-tax money r (in cents) with r + the match it earns fitting `space` (both only grow with r)."""
    base = year_match(inp, pay_cap)
    lo, hi = 0, max(0, int((space - base) * 100))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        r = Decimal(mid) / 100
        if r + year_match(inp, pay_cap, r) <= space:
            lo = mid
        else:
            hi = mid - 1
    return Decimal(lo) / 100


def _plan_warnings(yf: YearFacts, inp: RoomInput, allowance: Allowance, warnings: list[Warning]) -> None:
    """What the plan's features and the member's situation change, said where the bot cannot compute it."""
    if inp.paystub_elsewhere is not None:
        warnings.append(
            Warning(
                "Your saved paystub figures (year-to-date amounts, paychecks left) are for {paystub_year}, so they "
                "were not used for {year}.",
                {"paystub_year": inp.paystub_elsewhere, "year": inp.year},
                code="paystub_other_year",
            )
        )
    if inp.deferrals_assumed:
        warnings.append(
            Warning(
                "Your deferrals for the year were not given, so the most the limits allow ({deferrals}) is "
                "assumed: the room is never overstated. Give employee_deferrals if you defer less.",
                {"deferrals": inp.employee_deferrals},
                code="deferrals_assumed",
            )
        )
    if (
        60 <= inp.age <= 63
        and allowance.catch_up_name == "super_catch_up_60_63"
        and inp.plan_offers_super_catch_up is None
    ):
        warnings.append(
            Warning(
                "The higher catch-up at ages 60–63 is optional for plans; it is assumed here. If your plan does "
                "not offer it, your catch-up is the regular one (set plan_offers_super_catch_up with /profile plan).",
                code="super_catch_up_optional",
            )
        )
    if allowance.no_roth_blocks:
        warnings.append(
            Warning(
                "Your plan offers no Roth option and your prior-year FICA wages pass the Roth catch-up threshold, "
                "so you can make no catch-up contributions at all this year (IRC 414(v)(7)).",
                code="no_catch_up_without_roth",
            )
        )
    if inp.plan_type == "403b":
        warnings.append(
            Warning(
                "A 403(b) is treated as your own plan: if you have another 403(b), even at an unrelated employer, "
                "both share one 415(c) limit (Reg. 1.415(f)-1(f)); count that plan's contributions before you "
                "use this room.",
                code="403b_shared_415c",
            )
        )
    if inp.self_employed:
        warnings.append(
            Warning(
                "Self-employed (solo 401(k)): your employer contribution is limited to about 20% of net "
                "self-employment earnings after the deduction for half the SE tax (IRC 404(a)(8), 401(c)(2); "
                "IRS Publication 560), not a share of a salary. The bot does not compute it: give "
                "employer_contributions from Publication 560's worksheet. The Roth catch-up wage rule does not "
                "apply to you.",
                code="self_employed",
            )
        )


def _hint_params(inp: RoomInput, threshold: Decimal) -> dict[str, Any]:
    # Whole sentences, one per case, so each translates as a sentence.
    if inp.compensation > threshold:
        hint = N_("This year's pay ({pay}) is above that figure, which is only a hint.")
    else:
        hint = N_("This year's pay ({pay}) is not above that figure, which is only a hint.")
    return {"hint": Line(hint, {"pay": inp.compensation})}


def _hce_warning(base: FactBase, inp: RoomInput, fig: Any, warnings: list[Warning]) -> None:
    look = hce_status(base, inp.year, inp.prior_year_wages)
    threshold = fig("hce_threshold_414q", hce_look_back(base, inp.year))
    params = {
        "pay_year": look.pay_year,
        "hce_year": look.threshold_year,
        "threshold": threshold,
        "wages": inp.prior_year_wages,
        "year": inp.year,
        **_hint_params(inp, threshold),
    }
    if inp.five_percent_owner:
        warnings.append(
            Warning(
                "As a 5% owner of the employer (this year or last) you are a highly compensated employee (HCE) in "
                "{year} whatever your pay (IRC 414(q)(1)(A)): after-tax and match money is tested under the ACP "
                "test (IRC 401(m)), and the plan may refund some after-tax contributions. Ask for last year's "
                "testing results.",
                params,
                code="hce_testing_risk",
            )
        )
    elif look.status == "yes":
        warnings.append(
            Warning(
                "Your {pay_year} pay ({wages}) was above the {hce_year} 414(q) threshold ({threshold}), so you are a "
                "highly compensated employee (HCE) in {year} (unless your employer elects the top-paid group, the "
                "top 20% by pay, and you were not in it): after-tax and match money is tested under the ACP test "
                "(IRC 401(m)), and the plan may refund some after-tax contributions. Ask for last year's testing "
                "results.",
                params,
                code="hce_testing_risk",
            )
        )
    elif look.missing_figure:
        warnings.append(
            Warning(
                "HCE status unknown: it depends on your {pay_year} pay against the {pay_year} 414(q) threshold, "
                "and the bot has no {pay_year} figures.",
                params,
                code="hce_unknown",
            )
        )
    elif look.status == "unknown":
        warnings.append(
            Warning(
                "HCE status unknown: it depends on your {pay_year} pay from this employer against the {hce_year} "
                "414(q) threshold ({threshold}), not on this year's pay (and a 5% owner is an HCE whatever the pay). "
                "Add prior_year_wages (last year's W-2 box 5, Medicare wages, from this employer) to know whether "
                "ACP testing may refund after-tax money. {hint}",
                params,
                code="hce_unknown",
            )
        )


def _roth_catch_up_warning(
    yf: YearFacts, inp: RoomInput, fig: Any, warnings: list[Warning], allowance: Allowance
) -> None:
    look = roth_catch_up_status(yf, inp.age, inp.prior_year_wages)
    if look is None or look.status == "no" or inp.self_employed or allowance.no_roth_blocks:
        return
    threshold = fig("roth_catch_up_wage_threshold")
    params = {
        "year": inp.year,
        "prior": look.pay_year,
        "threshold": threshold,
        "wages": inp.prior_year_wages,
        **_hint_params(inp, threshold),
    }
    if look.status == "yes":
        warnings.append(
            Warning(
                "From {year}, catch-ups must be Roth for anyone whose {prior} FICA wages from this employer were "
                "above {threshold}; yours were {wages}, so this applies to you: your catch-up contributions must be "
                "Roth, not pre-tax. It does not change your after-tax room. If your plan offers no Roth option, "
                "you can make no catch-up at all (set plan_offers_roth with /profile plan).",
                params,
                code="roth_catch_up",
            )
        )
    else:
        warnings.append(
            Warning(
                "From {year}, if your {prior} FICA wages from this employer were above {threshold}, your catch-up "
                "contributions must be Roth, not pre-tax (and with no Roth option in the plan, no catch-up at all). "
                "Add prior_year_wages (last year's W-2 box 5, Medicare wages, from this employer) to know; it does "
                "not change your after-tax room. {hint}",
                params,
                code="roth_catch_up_unknown",
            )
        )


__all__ = [
    "InputError",
    "RoomInput",
    "RoomResult",
    "Step",
    "Warning",
    "catch_up_figure",
    "compute_room",
    "hce_look_back",
    "normalise_formula",
    "split_deferrals",
]
