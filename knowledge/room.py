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
from .money import cents_down, parse_money
from .text import N_, Line, Percent

ZERO = Decimal(0)
MIN_AGE, MAX_AGE = 14, 120
MAX_PAY_PERIODS = 365
MAX_FORMULA = 120
_MONEY_FIELDS = (
    "compensation",
    "employee_deferrals",
    "employer_contributions",
    "after_tax_contributed",
    "other_plan_deferrals",
    "prior_year_wages",
)


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
    after_tax_contributed: Decimal = ZERO
    other_plan_deferrals: Decimal = ZERO
    plan_after_tax_cap_pct: Decimal | None = None
    pay_periods_remaining: int | None = None
    # Last year's pay (W-2 FICA wages) from this employer: decides HCE status and the Roth catch-up rule.
    prior_year_wages: Decimal | None = None

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
            if info.field_name in {"employer_contributions", "prior_year_wages"}:
                return None
            return ZERO
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

    @field_validator("pay_periods_remaining", mode="before")
    @classmethod
    def _periods(cls, v: object) -> int | None:
        if v is None:
            return None
        periods = _whole("pay_periods_remaining", v)
        if not 1 <= periods <= MAX_PAY_PERIODS:
            raise InputError("pay_periods_remaining", "must be between 1 and {high}", high=MAX_PAY_PERIODS)
        return periods

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
        if self.employer_contributions is None and self.match_formula is None:
            raise InputError(
                "employer_contributions",
                "give the employer's contributions this year (0 if none) or a match_formula",
            )
        own = self.employee_deferrals + self.after_tax_contributed
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


def catch_up_figure(yf: YearFacts, age: int) -> str | None:
    """Which catch-up applies at this age (on 31 December): SECURE 2.0's higher amount at 60–63 where the
    year has it, the regular one from 50, none below."""
    if age < 50:
        return None
    if 60 <= age <= 63 and yf.get("super_catch_up_60_63") is not None:
        return "super_catch_up_60_63"
    return "catch_up_414v"


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
    g = fig("deferral_limit_402g")
    dollar_limit = fig("annual_additions_415c")

    catch_up_name = catch_up_figure(yf, inp.age)
    catch_up_limit = fig(catch_up_name) if catch_up_name else ZERO

    own, other = inp.employee_deferrals, inp.other_plan_deferrals
    counted, catch_up, excess = split_deferrals(own, other, g, catch_up_limit)

    # Employer money: a match formula applies to pay capped at 401(a)(17).
    match_amount = None
    employer = inp.employer_contributions or ZERO
    if inp.match is not None:
        pay_cap = fig("compensation_limit_401a17")
        capped = min(inp.compensation, pay_cap)
        match_amount = inp.match.employer_amount(counted + catch_up, capped)
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

    if other:
        label = N_("Your deferrals counted (402(g) limit {g} shared with other plans' {other}; catch-up excluded)")
    else:
        label = N_("Your deferrals counted (up to the 402(g) limit {g}; catch-up excluded)")
    steps.append(Step(label, {"g": g, "other": other}, op="−", amount=counted))
    if match_amount is not None:
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
    if inp.after_tax_contributed:
        steps.append(Step("After-tax already contributed this year", op="−", amount=inp.after_tax_contributed))

    additions = counted + employer + inp.after_tax_contributed
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
        plan_left = max(ZERO, plan_cap_amount - inp.after_tax_contributed)
        # Whole sentences, one per case, so each translates as a sentence.
        label = {
            (False, False): N_("Plan cap: {pct} of pay"),
            (True, False): N_("Plan cap: {pct} of pay (pay capped at the 401(a)(17) limit, {cap})"),
            (False, True): N_("Plan cap: {pct} of pay, less after-tax already contributed"),
            (True, True): N_(
                "Plan cap: {pct} of pay (pay capped at the 401(a)(17) limit, {cap}), less after-tax already contributed"
            ),
        }[(inp.compensation > pay_cap, bool(inp.after_tax_contributed))]
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
    pay_left = max(ZERO, inp.compensation - inp.employee_deferrals - inp.after_tax_contributed)
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
    if inp.pay_periods_remaining:
        per_paycheck = cents_down(room / inp.pay_periods_remaining)
        steps.append(Step("Pay periods left this year", op="÷", amount=inp.pay_periods_remaining))
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
    _roth_catch_up_warning(yf, inp, fig, warnings)
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
    if look.status == "yes":
        warnings.append(
            Warning(
                "Your {pay_year} pay ({wages}) was above the {hce_year} 414(q) threshold ({threshold}), so you are a "
                "highly compensated employee (HCE) in {year}: after-tax and match money is tested under the ACP "
                "test (IRC 401(m)), and the plan may refund some after-tax contributions. Ask for last year's "
                "testing results.",
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
                "414(q) threshold ({threshold}), not on this year's pay. Add prior_year_wages (last year's W-2 "
                "wages) to know whether ACP testing may refund after-tax money. {hint}",
                params,
                code="hce_unknown",
            )
        )


def _roth_catch_up_warning(yf: YearFacts, inp: RoomInput, fig: Any, warnings: list[Warning]) -> None:
    look = roth_catch_up_status(yf, inp.age, inp.prior_year_wages)
    if look is None or look.status == "no":
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
                "Roth, not pre-tax. It does not change your after-tax room.",
                params,
                code="roth_catch_up",
            )
        )
    else:
        warnings.append(
            Warning(
                "From {year}, if your {prior} FICA wages from this employer were above {threshold}, your catch-up "
                "contributions must be Roth, not pre-tax. Add prior_year_wages to know; it does not change your "
                "after-tax room. {hint}",
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
