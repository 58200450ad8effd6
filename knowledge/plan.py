"""The elections a member types into payroll for the rest of the year, paycheck by paycheck.

Deferrals fill what 402(g) and the catch-up leave (the same split compute_room uses); after-tax money fills the
room compute_room reports for the projected year-end figures (deferrals, employer money including the match these
elections earn, after-tax already in). Elections move in the plan's steps (whole percent, tenths, or dollars per
paycheck); the highest one that keeps every total within its limit is chosen, and with percent steps the first
paychecks may take one step more, so the room fills as closely as the steps allow. Nothing here exceeds a limit:
not 402(g) (+ catch-up), not the after-tax room, not 100 % of any paycheck or of the year's pay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .errors import InputError
from .facts import FactBase, Figure, load_facts
from .match import MatchFormula, parse_match
from .money import CENT, MAX_AMOUNT, cents, cents_down, parse_money
from .room import (
    RoomInput,
    RoomResult,
    Warning,
    catch_up_past_415c,
    compute_room,
    deferral_allowance,
    input_error_from,
    most_deferrals,
    plan_type_of,
    split_deferrals,
)
from .text import N_, Line, Percent

ZERO = Decimal(0)
HUNDRED = Decimal(100)
# Paychecks in a year; the -53/-27 variants are the years with one extra payday.
PAY_FREQUENCIES = {"weekly": 52, "weekly-53": 53, "biweekly": 26, "biweekly-27": 27, "semi-monthly": 24, "monthly": 12}
# How a plan takes elections, and the step one unit stands for.
ELECTION_UNITS = {"percent": Decimal(1), "tenths": Decimal("0.1"), "dollars": CENT}
# Whole sentences, one per payroll, so each translates as a sentence (the frequency is an adjective in most languages).
PAYROLL_SIZE = {
    "weekly": N_("a weekly payroll has {count} paychecks a year"),
    "weekly-53": N_("a weekly payroll with an extra payday has {count} paychecks a year"),
    "biweekly": N_("a biweekly payroll has {count} paychecks a year"),
    "biweekly-27": N_("a biweekly payroll with an extra payday has {count} paychecks a year"),
    "semi-monthly": N_("a semi-monthly payroll has {count} paychecks a year"),
    "monthly": N_("a monthly payroll has {count} paychecks a year"),
}
# Not an IRS figure: a paycheck should keep about a quarter for taxes and other deductions.
TAKE_HOME_SHARE = Decimal("0.25")
_MONEY_FIELDS = (
    "compensation",
    "pay_per_paycheck",
    "ytd_deferrals",
    "ytd_employer",
    "ytd_after_tax",
    "other_plan_deferrals",
    "employer_contributions",
    "employee_deferrals",
    "match_dollar_cap",
    "bonus",
    "prior_year_wages",
    "catch_up_403b_15_year",
)
# The money options of /plan, read in the member's number format by the command.
MONEY_OPTIONS = frozenset(_MONEY_FIELDS)


class PlanInput(BaseModel):
    """One participant, one plan, the rest of one tax year. Money is Decimal dollars."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int
    age: int  # on 31 December of the year
    compensation: Decimal | None = None  # this year's pay from this employer, the planned bonus excluded
    pay_per_paycheck: Decimal | None = None  # regular pay per paycheck (default: compensation / paychecks a year)
    pay_frequency: str = "biweekly"
    paychecks_left: int
    ytd_deferrals: Decimal = ZERO  # pre-tax + Roth deferrals in this plan so far (catch-up included)
    ytd_employer: Decimal | None = None  # the match so far (with no formula: the year's employer money so far)
    ytd_after_tax: Decimal = ZERO
    other_plan_deferrals: Decimal = ZERO
    employer_contributions: Decimal | None = None  # the year's employer money besides the match (profit sharing)
    employee_deferrals: Decimal | None = None  # the year's deferrals the member wants (None: the most allowed)
    match_formula: str | None = None
    match_dollar_cap: Decimal | None = None  # the most match the plan pays in the year
    match_true_up: bool = False  # the plan trues the match up to the annual formula after year end
    match_after_tax: bool = False  # the plan matches after-tax contributions too
    bonus: Decimal = ZERO
    bonus_paycheck: int | None = None  # which paycheck left carries the bonus (1 = the next); default the last
    bonus_counts: bool = True  # elections and the match apply to the bonus
    election_unit: str = "percent"
    plan_after_tax_cap_pct: Decimal | None = None  # the plan's after-tax cap, % of each paycheck
    after_tax_auto_stop: bool | None = None  # the plan stops after-tax money at 415(c) by itself (None: unknown)
    current_deferral: Decimal | None = None  # today's elections, in election_unit, to check against the plan
    current_after_tax: Decimal | None = None
    prior_year_wages: Decimal | None = None  # last year's W-2 box 5 here: HCE status and the Roth catch-up rule
    plan_type: str = "401k"
    plan_offers_roth: bool | None = None
    plan_offers_super_catch_up: bool | None = None
    catch_up_403b_15_year: Decimal = ZERO
    five_percent_owner: bool | None = None
    self_employed: bool | None = None
    paystub_elsewhere: int | None = None  # the saved paystub is for this other year and was not used

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise input_error_from(exc) from None

    @field_validator(*_MONEY_FIELDS, mode="before")
    @classmethod
    def _money(cls, v: object, info: Any) -> Decimal | None:
        if v is None:
            return (
                None
                if info.field_name
                in {
                    "compensation",
                    "pay_per_paycheck",
                    "match_dollar_cap",
                    "prior_year_wages",
                    "ytd_employer",
                    "employer_contributions",
                    "employee_deferrals",
                }
                else ZERO
            )
        positive = info.field_name in {"compensation", "pay_per_paycheck"}
        return parse_money(info.field_name, v, allow_zero=not positive)

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, v: object) -> int:
        return RoomInput._year(v)

    @field_validator("age", mode="before")
    @classmethod
    def _age(cls, v: object) -> int:
        return RoomInput._age(v)

    @field_validator("plan_after_tax_cap_pct", mode="before")
    @classmethod
    def _cap(cls, v: object) -> Decimal | None:
        return None if v is None else RoomInput._cap_pct(v)

    @field_validator("plan_type", mode="before")
    @classmethod
    def _plan_type(cls, v: object) -> str:
        return plan_type_of(v)

    @field_validator("paychecks_left", "bonus_paycheck", mode="before")
    @classmethod
    def _count(cls, v: object, info: Any) -> int | None:
        if v is None:
            if info.field_name == "paychecks_left":
                raise InputError("paychecks_left", "is required: how many paychecks are left this year")
            return None
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= max(PAY_FREQUENCIES.values()):
            raise InputError(
                info.field_name, "must be a whole number from 1 to {high}", high=max(PAY_FREQUENCIES.values())
            )
        return v

    @field_validator("pay_frequency", "election_unit", mode="before")
    @classmethod
    def _choice(cls, v: object, info: Any) -> str:
        choices = PAY_FREQUENCIES if info.field_name == "pay_frequency" else ELECTION_UNITS
        text = str(v).strip().lower().replace("_", "-") if v is not None else ""
        text = {"semimonthly": "semi-monthly", "bi-weekly": "biweekly"}.get(text, text)
        if text not in choices:
            raise InputError(info.field_name, "choose one of {choices}", choices=", ".join(choices))
        return text

    @field_validator("match_formula", mode="before")
    @classmethod
    def _formula(cls, v: object) -> str | None:
        return RoomInput._formula(v)

    @field_validator("current_deferral", "current_after_tax", mode="before")
    @classmethod
    def _election(cls, v: object, info: Any) -> Decimal | None:
        if v is None:
            return None
        if isinstance(v, str):
            v = v.strip().rstrip("%").strip().lstrip("$").replace(",", "")
        try:
            value = Decimal(v) if isinstance(v, str | int | Decimal) and not isinstance(v, bool) else None
        except ArithmeticError:
            value = None
        if value is None or not value.is_finite() or value < 0 or value > MAX_AMOUNT:
            raise InputError(info.field_name, "must be your election as a number: a percentage, or dollars")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> PlanInput:
        if self.compensation is None and self.pay_per_paycheck is None:
            raise InputError("compensation", "give your pay this year (compensation:182000) or pay_per_paycheck")
        per_year = PAY_FREQUENCIES[self.pay_frequency]
        if self.paychecks_left > per_year:
            raise InputError("paychecks_left", PAYROLL_SIZE[self.pay_frequency], count=per_year)
        if self.bonus_paycheck is not None and self.bonus_paycheck > self.paychecks_left:
            raise InputError("bonus_paycheck", "must be one of the {count} paychecks left", count=self.paychecks_left)
        if self.compensation is not None and self.pay_per_paycheck is not None:
            if self.pay_per_paycheck * self.paychecks_left > self.compensation:
                raise InputError("pay_per_paycheck", "times the paychecks left is more than your pay this year")
        if self.ytd_deferrals + self.ytd_after_tax > self.annual_pay:
            raise InputError("ytd_deferrals", "deferrals plus after-tax so far cannot exceed your pay this year")
        unit = ELECTION_UNITS[self.election_unit]
        for name in ("current_deferral", "current_after_tax"):
            value = getattr(self, name)
            if value is None:
                continue
            if self.election_unit != "dollars" and value > HUNDRED:
                raise InputError(name, "a percentage of pay is at most 100")
            if value % unit:
                raise InputError(name, "your plan takes elections in steps of {step}", step=step_of(self.election_unit))
        return self

    @property
    def per_year(self) -> int:
        return PAY_FREQUENCIES[self.pay_frequency]

    @property
    def regular_pay(self) -> Decimal:
        if self.pay_per_paycheck is not None:
            return self.pay_per_paycheck
        assert self.compensation is not None  # the validator asks for one of the two
        return cents(self.compensation / self.per_year)

    @property
    def annual_pay(self) -> Decimal:
        """The year's pay from this employer (415(c)'s 100 % limit): base pay plus the planned bonus."""
        base = self.compensation if self.compensation is not None else self.regular_pay * self.per_year
        return base + self.bonus

    @property
    def match(self) -> MatchFormula | None:
        return parse_match(self.match_formula) if self.match_formula else None

    @property
    def match_so_far(self) -> Decimal:
        """The paystub's employer money, taken as match when the plan has a formula."""
        return (self.ytd_employer or ZERO) if self.match_formula else ZERO

    @property
    def other_employer(self) -> Decimal | None:
        """The year's employer money besides the match; with no formula and no such figure, the paystub's."""
        if self.employer_contributions is None and not self.match_formula:
            return self.ytd_employer
        return self.employer_contributions


def step_of(unit: str) -> Percent | Decimal:
    """One step of an election in the plan's unit: 1 %, 0.1 % or a cent."""
    return CENT if unit == "dollars" else Percent(ELECTION_UNITS[unit])


@dataclass(frozen=True, slots=True)
class Clauses:
    """Several translated clauses in one sentence ("a; b; c"), each a Line; a front end renders each in the
    member's language. English (str.format) joins their English text."""

    lines: tuple[Line, ...]

    def __format__(self, spec: str) -> str:
        return "; ".join(line.text for line in self.lines)


@dataclass(frozen=True, slots=True)
class Election:
    """An election in the plan's unit: `value` for every paycheck left, `value + step` for the first `raised`."""

    unit: str
    value: Decimal
    raised: int = 0
    total: Decimal = ZERO  # what it puts in over the paychecks left
    room: Decimal = ZERO  # what it was filling
    next_total: Decimal | None = None  # what `value + step` on every paycheck would put in (None: no such step)
    next_room: Decimal | None = None  # the room at that next election (a matched after-tax election shrinks it)
    next_limit: str = ""  # the limit that next election breaks: "402(g)", "415(c)", "pay"

    @property
    def step(self) -> Decimal:
        return ELECTION_UNITS[self.unit]

    @property
    def raised_value(self) -> Decimal:
        return self.value + self.step


def election_change(now: Any, raised: int, then: Any) -> Line:
    """ "enter 32% now; after paycheck 8 change it to 31%": how a payroll form takes a plan whose first `raised`
    paychecks take one step more (one sentence, not "32% for 8 paychecks, then 31%", which reads as two elections)."""
    if raised == 1:
        return Line("enter {raised} now; after the next paycheck change it to {value}", {"raised": now, "value": then})
    return Line(
        "enter {raised} now; after paycheck {count} change it to {value}",
        {"raised": now, "count": raised, "value": then},
    )


@dataclass(frozen=True, slots=True)
class Paycheck:
    number: int  # 1 = the next paycheck
    pay: Decimal  # regular pay plus any bonus in it
    bonus: Decimal
    deferral: Decimal  # pre-tax + Roth, catch-up included
    catch_up: Decimal  # the part of `deferral` that is catch-up (outside 415(c))
    after_tax: Decimal
    match: Decimal
    deferral_election: Decimal
    after_tax_election: Decimal
    total_deferrals: Decimal  # this plan's deferrals for the year so far, this paycheck included
    total_415c: Decimal  # annual additions for the year so far, this paycheck included


@dataclass
class PlanResult:
    year: int
    unit: str
    pay_frequency: str
    paychecks: list[Paycheck]
    deferral: Election
    after_tax: Election
    deferral_capacity: Decimal  # 402(g) plus catch-up left for this plan after other plans
    match_total: Decimal  # match from the paychecks left
    true_up: Decimal
    employer_total: Decimal  # the year's employer money: so far, from these paychecks, the true-up, to come
    limit_415c: Decimal
    limit_402g: Decimal
    after_tax_room: Decimal  # the room the after-tax election fills: compute_room's for the year-end figures
    room: RoomResult  # compute_room for the year-end figures
    start_415c: Decimal = ZERO  # annual additions so far, before the next paycheck
    year_end_415c: Decimal = ZERO  # annual additions at year end: the paychecks, the true-up, employer money to come
    warnings: list[Warning] = field(default_factory=list)
    citations: list[Figure] = field(default_factory=list)
    current: list[Paycheck] | None = None  # today's elections run to year end (payroll stopping at 402(g))

    def warning_codes(self) -> list[str]:
        return [w.code for w in self.warnings]


@dataclass(frozen=True, slots=True)
class _Check:
    pay: Decimal
    bonus: Decimal
    eligible: Decimal  # pay the elections and the match apply to
    matchable: Decimal  # eligible pay within 401(a)(17), spread over the year


@dataclass
class _Run:
    rows: list[Paycheck]
    deferrals: Decimal
    after_tax: Decimal
    match: Decimal
    true_up: Decimal
    stopped_at: int | None = None  # the paycheck where deferrals hit the limit, when limited


class _Planner:
    def __init__(self, inp: PlanInput, base: FactBase) -> None:
        self.inp = inp
        self.base = base
        yf = base.year(inp.year)
        allowance = deferral_allowance(yf, inp)
        self.g = allowance.g
        self.catch_up_limit = allowance.catch_up_limit
        self.pay_cap = yf.value("compensation_limit_401a17")
        self.limit_415c = min(yf.value("annual_additions_415c"), inp.annual_pay)
        counted, catch_up, _ = split_deferrals(MAX_AMOUNT, inp.other_plan_deferrals, self.g, self.catch_up_limit)
        self.capacity = counted + catch_up
        if inp.employee_deferrals is not None:  # the member's own target for the year, within the limits
            self.capacity = min(self.capacity, max(inp.employee_deferrals, inp.ytd_deferrals))
        # The one model of the year: the room /room states for the same inputs; the plan never fills more.
        self.year_room = compute_room(year_end_input(inp, base), base)
        self.unit = inp.election_unit
        self.step = ELECTION_UNITS[self.unit]
        self.formula = inp.match
        self.checks = self._checks()
        self.n = len(self.checks)
        self.max_units = (
            int(max(c.eligible for c in self.checks) / CENT) if self.unit == "dollars" else int(HUNDRED / self.step)
        )
        self._rooms: dict[Decimal, RoomResult] = {}
        self._amounts: dict[tuple[int, int, int], tuple[Decimal, Decimal, Decimal]] = {}

    def _checks(self) -> list[_Check]:
        inp = self.inp
        bonus_at = inp.bonus_paycheck or inp.paychecks_left
        eligible_year = inp.annual_pay - (ZERO if inp.bonus_counts else inp.bonus)
        scale = min(Decimal(1), self.pay_cap / eligible_year)
        checks = []
        for number in range(1, inp.paychecks_left + 1):
            bonus = inp.bonus if number == bonus_at else ZERO
            regular = self.last_pay if number == inp.paychecks_left else inp.regular_pay
            eligible = regular + (bonus if inp.bonus_counts else ZERO)
            checks.append(_Check(regular + bonus, bonus, eligible, eligible * scale))
        return checks

    @property
    def last_pay(self) -> Decimal:
        """The year's last paycheck takes what rounding each paycheck to the cent left over, so a year of paychecks
        sums to the year's pay exactly (26 rounded-up paychecks would pass it, and 100 % of each with it)."""
        inp = self.inp
        if inp.compensation is None or inp.pay_per_paycheck is not None:
            return inp.regular_pay
        return inp.compensation - inp.regular_pay * (inp.per_year - 1)

    # -- elections -----------------------------------------------------------------------------------------------
    def amount(self, units: int, check: _Check) -> Decimal:
        if self.unit == "dollars":
            return min(units * CENT, check.eligible)
        return min(cents(units * self.step / HUNDRED * check.eligible), check.eligible)

    def units_at(self, index: int, number: int) -> int:
        """Index t of an election: t // n units on every paycheck, one more on the first t % n."""
        if self.unit == "dollars":
            return index
        return index // self.n + (1 if number <= index % self.n else 0)

    def top_index(self) -> int:
        return self.max_units if self.unit == "dollars" else self.max_units * self.n

    def election(self, index: int) -> tuple[Decimal, int]:
        if self.unit == "dollars":
            return index * CENT, 0
        return index // self.n * self.step, index % self.n

    # -- totals without the rows, for the search: paychecks alike are counted once -----------------------------
    def paycheck_amounts(self, check: _Check, d_units: int, a_units: int) -> tuple[Decimal, Decimal, Decimal]:
        """Deferral, after-tax and match (before any dollar cap) of one paycheck at these elections."""
        key = (id(check), d_units, a_units)
        found = self._amounts.get(key)
        if found is None:
            found = self._amounts[key] = self._paycheck_amounts(check, d_units, a_units)
        return found

    def _paycheck_amounts(
        self, check: _Check, d_units: int, a_units: int, d_most: Decimal | None = None
    ) -> tuple[Decimal, Decimal, Decimal]:
        inp = self.inp
        d = self.amount(d_units, check)
        if d_most is not None:
            d = min(d, d_most)
        a = min(self.amount(a_units, check), check.eligible - d)
        if inp.plan_after_tax_cap_pct is not None:
            a = min(a, cents_down(inp.plan_after_tax_cap_pct / HUNDRED * check.eligible))
        m = ZERO
        if self.formula is not None:
            m = self.formula.employer_amount(d + (a if inp.match_after_tax else ZERO), check.matchable)
        return d, a, m

    def totals(self, d_index: int, a_index: int) -> _Run:
        bonus_at = self.inp.bonus_paycheck or self.n
        edges = {1, self.n, self.n + 1, bonus_at, bonus_at + 1}  # the last paycheck takes the rounding cents
        if self.unit != "dollars":
            edges |= {d_index % self.n + 1, a_index % self.n + 1}
        cuts = sorted(c for c in edges if 1 <= c <= self.n + 1)
        deferrals = after_tax = match = ZERO
        for start, end in zip(cuts, cuts[1:], strict=False):
            d, a, m = self.paycheck_amounts(
                self.checks[start - 1], self.units_at(d_index, start), self.units_at(a_index, start)
            )
            count = end - start
            deferrals += d * count
            after_tax += a * count
            match += m * count
        if self.inp.match_dollar_cap is not None:
            match = min(match, max(ZERO, self.inp.match_dollar_cap - self.inp.match_so_far))
        return _Run([], deferrals, after_tax, match, self.true_up(deferrals, after_tax, match))

    # -- one pass over the paychecks left -------------------------------------------------------------------------
    def run(
        self, deferral_at: Callable[[int], int], after_tax_at: Callable[[int], int], *, stop_deferrals: bool = False
    ) -> _Run:
        inp = self.inp
        rows: list[Paycheck] = []
        total_def = inp.ytd_deferrals
        others = inp.match_so_far + (inp.other_employer or ZERO) + inp.ytd_after_tax  # additions besides deferrals
        counted_before, catch_up_before = self.split(total_def, others)
        running = counted_before + others
        cap_left = None if inp.match_dollar_cap is None else max(ZERO, inp.match_dollar_cap - inp.match_so_far)
        sum_def = sum_at = sum_match = ZERO
        stopped_at = None
        for number, check in enumerate(self.checks, 1):
            d_units, a_units = deferral_at(number), after_tax_at(number)
            if stop_deferrals:  # payroll stops deferrals at 402(g) (+ catch-up)
                left = max(ZERO, self.capacity - total_def)
                full = self.amount(d_units, check)
                if full and full >= left and stopped_at is None:
                    stopped_at = number
                d, a, m = self._paycheck_amounts(check, d_units, a_units, left)
            else:
                d, a, m = self.paycheck_amounts(check, d_units, a_units)
            if cap_left is not None:
                m = min(m, cap_left)
                cap_left -= m
            total_def += d
            others += m + a
            counted, catch_up = self.split(total_def, others)
            running = counted + others
            rows.append(
                Paycheck(
                    number,
                    check.pay,
                    check.bonus,
                    d,
                    min(d, max(ZERO, catch_up - catch_up_before)),  # this paycheck's part of the catch-up
                    a,
                    m,
                    d_units * self.step,
                    a_units * self.step,
                    total_def,
                    running,
                )
            )
            counted_before, catch_up_before = counted, catch_up
            sum_def += d
            sum_at += a
            sum_match += m
        true_up = self.true_up(sum_def, sum_at, sum_match)
        return _Run(rows, sum_def, sum_at, sum_match, true_up, stopped_at)

    def split(self, deferrals: Decimal, others: Decimal) -> tuple[Decimal, Decimal]:
        """This plan's deferrals so far as (counted toward 415(c), catch-up): past 402(g), and past 415(c) given
        the other additions so far, deferrals are catch-up up to its limit (Reg. 1.414(v)-1(b)(1)(i))."""
        counted, catch_up, _ = split_deferrals(deferrals, self.inp.other_plan_deferrals, self.g, self.catch_up_limit)
        return catch_up_past_415c(counted, catch_up, self.catch_up_limit, others, self.limit_415c)

    def true_up(self, deferrals: Decimal, after_tax: Decimal, match: Decimal) -> Decimal:
        inp = self.inp
        if not inp.match_true_up or self.formula is None:
            return ZERO
        contributions = inp.ytd_deferrals + deferrals
        if inp.match_after_tax:
            contributions += inp.ytd_after_tax + after_tax
        eligible_year = inp.annual_pay - (ZERO if inp.bonus_counts else inp.bonus)
        annual = self.formula.employer_amount(contributions, min(eligible_year, self.pay_cap))
        if inp.match_dollar_cap is not None:
            annual = min(annual, inp.match_dollar_cap)
        return max(ZERO, annual - inp.match_so_far - match)

    def employer_total(self, run: _Run) -> Decimal:
        return self.inp.match_so_far + run.match + run.true_up + (self.inp.other_employer or ZERO)

    def room_for(self, run: _Run) -> RoomResult:
        """compute_room for the year-end figures these elections lead to."""
        employer = self.employer_total(run)
        key = (run.deferrals, employer)
        cached = self._rooms.get(key)  # type: ignore[call-overload]
        if cached is None:
            inp = self.inp
            cached = compute_room(
                RoomInput(
                    year=inp.year,
                    age=inp.age,
                    compensation=inp.annual_pay,
                    employee_deferrals=inp.ytd_deferrals + run.deferrals,
                    employer_contributions=employer,
                    ytd_after_tax=inp.ytd_after_tax,
                    other_plan_deferrals=inp.other_plan_deferrals,
                    plan_after_tax_cap_pct=inp.plan_after_tax_cap_pct,
                    prior_year_wages=inp.prior_year_wages,
                    **features(inp),
                ),
                self.base,
            )
            self._rooms[key] = cached  # type: ignore[index]
        return cached

    # -- search ---------------------------------------------------------------------------------------------------
    def bound(self, amount: Decimal) -> int:
        """An index past which any election puts in more than `amount` (keeps the search short)."""
        least = min(c.eligible for c in self.checks)
        if self.unit == "dollars":
            per = min(least, amount / self.n)
            return int(per / CENT) + 1 if per < least else self.top_index()
        if not least:
            return self.top_index()
        return int(amount / (self.step / HUNDRED * least)) + self.n + 1

    def largest(self, fits: Callable[[int], bool], limit: Decimal) -> int:
        lo, hi = 0, min(self.top_index(), self.bound(limit))
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(mid):
                lo = mid
            else:
                hi = mid - 1
        return lo

    def smallest_same(self, index: int, total: Callable[[int], Decimal]) -> int:
        """The lowest election that puts in as much as `index` (past it, only the pay or plan caps bind)."""
        target = total(index)
        if index == 0 or total(index - 1) < target:
            return index
        lo, hi = 0, index
        while lo < hi:
            mid = (lo + hi) // 2
            if total(mid) >= target:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def plan(self) -> PlanResult:
        inp = self.inp
        deferral_room = max(ZERO, self.capacity - inp.ytd_deferrals)
        pay_room = max(ZERO, inp.annual_pay - inp.ytd_deferrals - inp.ytd_after_tax)

        def def_run(index: int) -> _Run:
            return self.totals(index, 0)

        over_already = self.over_415c(self.totals(0, 0))

        def def_fits(index: int) -> bool:
            run = def_run(index)
            if run.deferrals > deferral_room or run.deferrals > pay_room:
                return False
            # Deferrals (and the match they earn) are annual additions too: a low earner's 415(c) can bind first,
            # and additions already past it must not grow.
            return self.over_415c(run) <= over_already

        d_index = self.smallest_same(
            self.largest(def_fits, min(deferral_room, pay_room)), lambda i: def_run(i).deferrals
        )

        def at_run(index: int) -> _Run:
            return self.totals(d_index, index)

        def at_fits(index: int) -> bool:
            run = at_run(index)
            if run.deferrals + run.after_tax > pay_room:
                return False
            return run.after_tax <= min(self.room_for(run).after_tax_room, self.year_room.after_tax_room)

        a_index = self.smallest_same(self.largest(at_fits, pay_room), lambda i: at_run(i).after_tax)
        final = self.run(lambda k: self.units_at(d_index, k), lambda k: self.units_at(a_index, k))
        room = self.year_room

        def def_next(i: int) -> tuple[Decimal, Decimal, str]:
            run = def_run(i)
            if run.deferrals > pay_room:  # past the pay: no year-end room to ask about (compute_room refuses it)
                return run.deferrals, pay_room, "pay"
            over = self.over_415c(run)
            fits = [(deferral_room, "402(g)"), (pay_room, "pay"), (run.deferrals - over, "415(c)")]
            return (run.deferrals, *min(fits, key=lambda f: f[0]))

        deferral = self._election(d_index, final.deferrals, deferral_room, def_next)

        def at_next(i: int) -> tuple[Decimal, Decimal, str]:
            run = at_run(i)
            room = min(self.room_for(run).after_tax_room, self.year_room.after_tax_room)
            return (run.after_tax, *min((room, "415(c)"), (pay_room - run.deferrals, "pay"), key=lambda f: f[0]))

        after_tax = self._election(a_index, final.after_tax, room.after_tax_room, at_next)
        yf = self.base.year(inp.year)
        result = PlanResult(
            year=inp.year,
            unit=self.unit,
            pay_frequency=inp.pay_frequency,
            paychecks=final.rows,
            deferral=deferral,
            after_tax=after_tax,
            deferral_capacity=self.capacity,
            match_total=final.match,
            true_up=final.true_up,
            employer_total=self.employer_total(final),
            limit_415c=room.limit,
            limit_402g=self.g,
            after_tax_room=room.after_tax_room,
            room=room,
            start_415c=final.rows[0].total_415c
            - final.rows[0].deferral
            + final.rows[0].catch_up
            - final.rows[0].match
            - final.rows[0].after_tax,
            year_end_415c=self.over_415c(final, total=True),
            citations=_citations(room, yf),
        )
        result.warnings = _Warnings(self, result, final, d_index, a_index).collect()
        return result

    def over_415c(self, run: _Run, *, total: bool = False) -> Decimal:
        """How far the year-end annual additions of `run` (its after-tax included) pass the 415(c) limit (with
        `total`, the additions themselves)."""
        room = self.room_for(run)
        additions = room.counted_deferrals + room.employer_total + self.inp.ytd_after_tax + run.after_tax
        return additions if total else max(ZERO, additions - room.limit)

    def _election(
        self, index: int, total: Decimal, room: Decimal, next_at: Callable[[int], tuple[Decimal, Decimal, str]]
    ) -> Election:
        value, raised = self.election(index)
        single_next = (int(value / self.step) + 1) * (1 if self.unit == "dollars" else self.n)
        if single_next > self.top_index():
            return Election(self.unit, value, raised, total, room)
        next_total, next_room, next_limit = next_at(single_next)
        return Election(self.unit, value, raised, total, room, next_total, next_room, next_limit)


def _citations(room: RoomResult, yf: Any) -> list[Figure]:
    cited = list(room.citations)
    names = {f.name for f in cited}
    for name in ("deferral_limit_402g", "compensation_limit_401a17"):
        if name not in names and yf.get(name) is not None:
            cited.append(yf[name])
    return cited


class _Warnings:
    """What the member should know about the plan, in the order they would act on it."""

    def __init__(self, planner: _Planner, result: PlanResult, final: _Run, d_index: int, a_index: int) -> None:
        self.p = planner
        self.inp = planner.inp
        self.r = result
        self.final = final
        self.d_index = d_index
        self.a_index = a_index
        self.out: list[Warning] = []

    def add(self, code: str, template: str, **params: Any) -> None:
        self.out.append(Warning(template, params, code=code))

    def pct(self, value: Decimal) -> Line | Percent:
        """An election as a message parameter: a percentage, or dollars a paycheck."""
        if self.p.unit == "dollars":
            return Line("{amount} a paycheck", {"amount": value})
        return Percent(value)

    def collect(self) -> list[Warning]:
        self.current_elections()
        self.match_short()
        self.overshoot()
        self.pay()
        self.confirm()
        shown = {
            "excess_deferral",
            "over_415c",
            "plan_cap_binding",
            "pay_below_limit",
            "hce_testing_risk",
            "hce_unknown",
            "roth_catch_up",
            "roth_catch_up_unknown",
            "match_on_capped_pay",
            "catch_up_inferred",
            "catch_up_over_415c",
            "no_employer_money",
            "paystub_other_year",
            "super_catch_up_optional",
            "no_catch_up_without_roth",
            "403b_shared_415c",
            "self_employed",
        }
        self.out.extend(w for w in self.r.room.warnings if w.code in shown)
        return self.out

    def current_elections(self) -> None:
        """Today's elections run to year end: where they hit a limit, and the match they lose on the way."""
        inp, p = self.inp, self.p
        if inp.current_deferral is None and inp.current_after_tax is None:
            return
        d_units = int(inp.current_deferral / p.step) if inp.current_deferral is not None else None
        a_units = int(inp.current_after_tax / p.step) if inp.current_after_tax is not None else None
        planned_d = lambda k: p.units_at(self.d_index, k)  # noqa: E731
        run = p.run(
            (lambda _k: d_units) if d_units is not None else planned_d,
            (lambda _k: a_units) if a_units is not None else (lambda k: p.units_at(self.a_index, k)),
            stop_deferrals=True,
        )
        self.r.current = run.rows
        if d_units is not None and run.stopped_at is not None and run.stopped_at < p.n:
            if p.catch_up_limit:
                template = N_(
                    "At your current deferral election ({current}) you reach the 402(g) limit plus catch-up with "
                    "paycheck {stop} of {n}; deferrals stop there."
                )
            else:
                template = N_(
                    "At your current deferral election ({current}) you reach the 402(g) limit with paycheck "
                    "{stop} of {n}; deferrals stop there."
                )
            self.add(
                "limit_reached_early",
                template,
                current=self.pct(inp.current_deferral or ZERO),
                stop=run.stopped_at,
                n=p.n,
            )
            if p.formula is not None and not inp.match_true_up:
                lost = self.r.match_total - run.match
                if lost > 0:
                    self.add(
                        "match_lost_early",
                        N_(
                            "Your plan matches each paycheck and has no true-up: stopping early loses {lost} of "
                            "match. To spread deferrals over every paycheck left instead, {elect}."
                        ),
                        lost=lost,
                        elect=self.election_text(self.r.deferral),
                    )
        if d_units is not None and run.deferrals < self.r.deferral.total:
            self.add(
                "current_unfilled",
                N_(
                    "At your current deferral election ({current}) you put in {total} by year end, leaving {short} "
                    "of the {room} deferral room unfilled; the elections above put in {planned}."
                ),
                current=self.pct(inp.current_deferral or ZERO),
                total=run.deferrals,
                short=self.r.deferral.room - run.deferrals,
                room=self.r.deferral.room,
                planned=self.r.deferral.total,
            )
        # compute_room cannot be asked about deferrals past the pay (year-to-date figures above the pay so far)
        if a_units is not None and inp.ytd_deferrals + inp.ytd_after_tax + run.deferrals <= inp.annual_pay:
            room = min(p.room_for(run).after_tax_room, p.year_room.after_tax_room)
            if run.after_tax < self.r.after_tax.total:
                self.add(
                    "current_unfilled",
                    N_(
                        "At your current after-tax election ({current}) you put in {total} by year end, leaving "
                        "{short} of the {room} after-tax room unfilled; the elections above put in {planned}."
                    ),
                    current=self.pct(inp.current_after_tax or ZERO),
                    total=run.after_tax,
                    short=max(ZERO, room - run.after_tax),
                    room=room,
                    planned=self.r.after_tax.total,
                )
            if run.after_tax > room:
                over = run.after_tax - room
                if inp.after_tax_auto_stop:
                    self.add(
                        "limit_reached_early",
                        N_(
                            "At your current after-tax election ({current}) you fill the after-tax room before "
                            "the year ends; your plan stops after-tax contributions there."
                        ),
                        current=self.pct(inp.current_after_tax or ZERO),
                    )
                else:
                    if inp.after_tax_auto_stop is None:
                        template = N_(
                            "Your current after-tax election ({current}) would put in {over} more than the room "
                            "({room}); unless the plan stops it at the limit, the excess is refunded with "
                            "earnings. Instead, {elect}."
                        )
                    else:
                        template = N_(
                            "Your current after-tax election ({current}) would put in {over} more than the room "
                            "({room}); your plan does not stop it, so the excess is refunded with earnings. "
                            "Instead, {elect}."
                        )
                    self.add(
                        "after_tax_over",
                        template,
                        current=self.pct(inp.current_after_tax or ZERO),
                        over=over,
                        room=room,
                        elect=self.election_text(self.r.after_tax),
                    )

    def election_text(self, e: Election) -> Line:
        """The plan's election as payroll takes it: one value now, and the one change to make, if any."""
        text = self.pct(e.value)
        if not e.raised:
            return Line("enter {value} now and keep it to year end", {"value": text})
        return election_change(self.pct(e.raised_value), e.raised, text)

    def match_short(self) -> None:
        """The deferral room left is too small to earn every paycheck's full match (and nothing trues it up)."""
        p, inp = self.p, self.inp
        if p.formula is None or p.formula.flat is not None or inp.match_true_up:
            return
        full = ZERO
        for check in p.checks:
            full += p.formula.employer_amount(check.matchable, check.matchable)
        if inp.match_dollar_cap is not None:
            full = min(full, max(ZERO, inp.match_dollar_cap - inp.match_so_far))
        missing = full - self.r.match_total
        if missing > CENT * p.n:
            self.add(
                "match_short",
                N_(
                    "Deferrals left ({room}) are too few to earn each paycheck's full match: the paychecks left "
                    "could earn {full}, these elections {got}. Without a true-up, match missed on one paycheck "
                    "is not made up later."
                ),
                room=self.r.deferral.room,
                full=full,
                got=self.r.match_total,
            )

    def grain(self) -> Decimal:
        """The least the plan's steps can add to an election's total: one step on the next paycheck not yet raised
        (percent, tenths), or a cent on every paycheck left (dollars). Room left unfilled below it cannot be used."""
        p = self.p
        if p.unit == "dollars":
            return p.step * p.n
        return p.amount(1, p.checks[0]) if p.checks else ZERO

    def overshoot(self) -> None:
        """Why the plan stops below the next election up, said only when a member gains from knowing: never about a
        value the plan itself enters for its first paychecks (it would read as a contradiction), and never when the
        room left unfilled is less than one step can add (no election in the plan's steps could use it)."""
        # What the next election up would break, as a noun phrase ("the 402(g) room left").
        labels = {
            "402(g)": Line("402(g) room left"),
            "415(c)": Line("room under 415(c)"),
            "pay": Line("pay left"),
        }
        grain = self.grain()
        for kind, e in (("deferral", self.r.deferral), ("after-tax", self.r.after_tax)):
            if e.next_total is None or e.next_room is None or e.next_total <= e.total:
                continue
            if e.raised or e.room - e.total < max(grain, CENT):
                continue
            over = e.next_total - e.next_room
            if over <= 0:
                continue
            if kind == "deferral":
                code = "deferral_overshoot"
                template = N_(
                    "The next deferral election up, {next}, would put in {next_total}: {over} over the {label} "
                    "({room})."
                )
            else:
                code = "after_tax_overshoot"
                template = N_(
                    "The next after-tax election up, {next}, would put in {next_total}: {over} over the {label} "
                    "({room})."
                )
            self.add(
                code,
                template,
                next=self.pct(e.value + e.step),
                next_total=e.next_total,
                over=over,
                label=labels[e.next_limit],
                room=e.next_room,
            )

    def pay(self) -> None:
        p, r = self.p, self.r
        unfilled = (r.deferral.room - r.deferral.total) + (r.after_tax.room - r.after_tax.total)
        slack = max((p.amount(1, c) for c in p.checks), default=ZERO) * p.n  # what one election step moves
        pay_left = sum((c.eligible for c in p.checks), ZERO) - r.deferral.total - r.after_tax.total
        if unfilled > slack and pay_left <= slack:
            self.add(
                "pay_too_small",
                N_(
                    "Your pay left is too small to fill the room: {short} stays unfilled with every dollar of the "
                    "paychecks left going in."
                ),
                short=unfilled,
            )
        elif unfilled > slack and self.inp.plan_after_tax_cap_pct is not None:
            self.add(
                "plan_cap_per_paycheck",
                N_("Your plan's after-tax cap ({cap_pct} of each paycheck) leaves {short} of the room unfilled."),
                cap_pct=Percent(self.inp.plan_after_tax_cap_pct),
                short=unfilled,
            )
        tight = [row.number for row in r.paychecks if (row.deferral + row.after_tax) > row.pay * (1 - TAKE_HOME_SHARE)]
        if tight:
            share = Percent((1 - TAKE_HOME_SHARE) * 100)
            if len(tight) == p.n:
                self.add(
                    "take_home_low",
                    N_(
                        "These elections take more than {share} of every paycheck left, leaving little for taxes and "
                        "other deductions; payroll may not be able to take it all."
                    ),
                    share=share,
                )
            else:
                self.add(
                    "take_home_low",
                    N_(
                        "These elections take more than {share} of paycheck {number}, leaving little for taxes and "
                        "other deductions; payroll may not be able to take it all."
                    ),
                    share=share,
                    number=tight[0],
                )

    def confirm(self) -> None:
        inp, p, r = self.inp, self.p, self.r
        asks: list[Line] = []
        if inp.after_tax_auto_stop is None and r.after_tax.total:
            asks.append(Line("whether after-tax contributions stop by themselves at the 415(c) limit"))
        if inp.match_true_up and p.formula is not None:
            asks.append(
                Line(
                    "the true-up, estimated at {true_up} taking your employer money so far as all match",
                    {"true_up": r.true_up},
                )
            )
        if p.formula is not None and inp.annual_pay > p.pay_cap:
            asks.append(
                Line(
                    "how the 401(a)(17) limit ({cap}) is applied per paycheck (spread over the year here; "
                    "many payrolls stop the match once pay so far reaches it)",
                    {"cap": p.pay_cap},
                )
            )
        if inp.bonus:
            if inp.bonus_counts:
                asks.append(Line("whether your elections and the match apply to the bonus"))
            else:
                asks.append(Line("that your elections and the match skip the bonus"))
        if inp.plan_after_tax_cap_pct is not None:
            asks.append(
                Line(
                    "the after-tax cap of {cap_pct} of each paycheck", {"cap_pct": Percent(inp.plan_after_tax_cap_pct)}
                )
            )
        if asks:
            self.add("confirm", N_("Ask your plan to confirm: {asks}."), asks=Clauses(tuple(asks)))


# What the plan and the member's situation are: they change the answer, and no paystub shows them.
FEATURES = (
    "plan_type",
    "plan_offers_roth",
    "plan_offers_super_catch_up",
    "catch_up_403b_15_year",
    "five_percent_owner",
    "self_employed",
)


def features(inp: Any) -> dict[str, Any]:
    """The plan's features and the member's situation, as RoomInput takes them."""
    return {name: getattr(inp, name) for name in FEATURES}


def year_end_input(inp: PlanInput, base: FactBase) -> RoomInput:
    """The member's year-end figures: the deferrals wanted (or the most allowed), the match in so far plus the
    formula on what is to come (or the formula on the year), the year's other employer money and the after-tax
    already in. /room states the room of exactly these figures and /plan fills it."""
    target = inp.employee_deferrals
    if target is None:
        target = most_deferrals(base, inp, inp.annual_pay, inp.ytd_after_tax)
    # Never more than the paychecks left can carry.
    eligible_to_come = inp.regular_pay * inp.paychecks_left + (inp.bonus if inp.bonus_counts else ZERO)
    target = max(min(target, inp.ytd_deferrals + eligible_to_come), inp.ytd_deferrals)
    paystub = inp.match_formula is not None and inp.ytd_employer is not None
    return RoomInput(
        year=inp.year,
        age=inp.age,
        compensation=inp.annual_pay,
        employee_deferrals=target,
        employer_contributions=inp.other_employer,
        match_formula=inp.match_formula,
        ytd_after_tax=inp.ytd_after_tax,
        other_plan_deferrals=inp.other_plan_deferrals,
        plan_after_tax_cap_pct=inp.plan_after_tax_cap_pct,
        paychecks_left=inp.paychecks_left,
        prior_year_wages=inp.prior_year_wages,
        ytd_deferrals=inp.ytd_deferrals if paystub else None,
        ytd_employer=inp.ytd_employer if paystub else None,
        pay_to_come=inp.regular_pay * inp.paychecks_left + inp.bonus if paystub else None,
        match_true_up=inp.match_true_up,
        match_after_tax=inp.match_after_tax,
        match_dollar_cap=inp.match_dollar_cap,
        deferrals_assumed=inp.employee_deferrals is None,
        paystub_elsewhere=inp.paystub_elsewhere,
        **features(inp),
    )


# Saved with /profile and used by /plan when the command does not give them (the paystub's only for its year).
PROFILE_FIELDS = (
    "compensation",
    "employee_deferrals",
    "employer_contributions",
    "match_formula",
    "match_dollar_cap",
    "plan_after_tax_cap_pct",
    "other_plan_deferrals",
    "pay_frequency",
    "election_unit",
    "match_true_up",
    "match_after_tax",
    "after_tax_auto_stop",
    "bonus_counts",
    "prior_year_wages",
    *FEATURES,
)
# A paystub's figures belong to its year (a profile's paystub_year): used for that year only.
PAYSTUB = ("ytd_deferrals", "ytd_employer", "ytd_after_tax", "paychecks_left")


def plan_input(profile: Any, options: dict[str, Any], year: int, facts: FactBase) -> PlanInput:
    """Options override the saved profile (a knowledge.profile.PlanProfile or None), whose paystub counts only for
    its own year; missing essentials get a message saying how to give them."""
    facts.year(year)  # an unknown year is the first thing to say
    opts = {k: v for k, v in options.items() if v is not None}
    age = opts.pop("age", None)
    if age is None and profile is not None:
        age = profile.age_in(year)
    if age is None:
        raise InputError("age", "give your age on 31 December (age:45) or save a birth year with /profile set")
    data: dict[str, Any] = {"year": year, "age": age}
    saved = {name: getattr(profile, name, None) for name in PROFILE_FIELDS}
    if profile is not None:
        saved.update(profile.paystub_for(year))
        if not any(k in opts for k in PAYSTUB):
            data["paystub_elsewhere"] = profile.paystub_elsewhere(year)
    for name in (*PROFILE_FIELDS, *PAYSTUB):
        value = opts.pop(name, saved.get(name))
        if value is not None:
            data[name] = value
    if "paychecks_left" not in data:
        raise InputError(
            "paychecks_left",
            "give the paychecks left this year (paychecks_left:6) or save them with /profile paystub",
        )
    data.update(opts)
    if "compensation" not in data and "pay_per_paycheck" not in data:
        raise InputError(
            "compensation",
            "give your pay this year (compensation:182000) or save it with /profile set",
        )
    return PlanInput(**data)


def compute_plan(inp: PlanInput, facts: FactBase | None = None) -> PlanResult:
    return _Planner(inp, facts if facts is not None else load_facts()).plan()


__all__ = [
    "ELECTION_UNITS",
    "MONEY_OPTIONS",
    "PAY_FREQUENCIES",
    "PROFILE_FIELDS",
    "Election",
    "Paycheck",
    "PlanInput",
    "PlanResult",
    "compute_plan",
    "plan_input",
    "year_end_input",
]
