"""A member's saved plan profile, and how it combines with per-command options into a RoomInput."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .errors import InputError
from .facts import FactBase
from .money import parse_money
from .plan import PlanInput
from .room import MAX_AGE, MAX_PAY_PERIODS, MIN_AGE, RoomInput, input_error_from, normalise_formula

MONEY_FIELDS = (
    "compensation",
    "employee_deferrals",
    "other_plan_deferrals",
    "employer_contributions",
    "after_tax_contributed",
)
PLAN_MONEY_FIELDS = ("ytd_deferrals", "ytd_employer", "ytd_after_tax")
# Yes/no facts about the plan and the member, used by the checklist; None means "not answered yet".
FLAG_FIELDS = (
    "after_tax_allowed",
    "in_plan_conversion",
    "in_service_withdrawal",
    "auto_conversion",
    "deferrals_and_match_planned",
    "cash_flow_ok",
    "testing_results_checked",
    "stable_fund_until_converted",
)


class PlanProfile(BaseModel):
    """Everything optional: a member fills in what they know. Money is Decimal dollars."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    birth_year: int | None = None
    compensation: Decimal | None = None
    employee_deferrals: Decimal | None = None
    other_plan_deferrals: Decimal | None = None
    employer_contributions: Decimal | None = None
    match_formula: str | None = None
    after_tax_contributed: Decimal | None = None
    plan_after_tax_cap_pct: Decimal | None = None
    pay_periods_remaining: int | None = None
    prior_year_wages: Decimal | None = None
    after_tax_allowed: bool | None = None
    in_plan_conversion: bool | None = None
    in_service_withdrawal: bool | None = None
    auto_conversion: bool | None = None
    deferrals_and_match_planned: bool | None = None
    cash_flow_ok: bool | None = None
    testing_results_checked: bool | None = None
    stable_fund_until_converted: bool | None = None
    # Checklist questions the member answered "not sure": still unknown, but asked (and moved to the back).
    not_sure: list[str] = []
    # /plan's inputs: the payroll, the latest paystub's year-to-date figures, and how the plan takes elections.
    pay_frequency: str | None = None
    ytd_deferrals: Decimal | None = None
    ytd_employer: Decimal | None = None
    ytd_after_tax: Decimal | None = None
    election_unit: str | None = None
    match_true_up: bool | None = None
    match_after_tax: bool | None = None

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise input_error_from(exc) from None

    @field_validator(*MONEY_FIELDS, "prior_year_wages", mode="before")
    @classmethod
    def _money(cls, v: object, info: Any) -> Decimal | None:
        return None if v is None else parse_money(info.field_name, v)

    @field_validator(*PLAN_MONEY_FIELDS, mode="before")
    @classmethod
    def _plan_money(cls, v: object, info: Any) -> Decimal | None:
        return None if v is None else parse_money(info.field_name, v)

    @field_validator("pay_frequency", "election_unit", mode="before")
    @classmethod
    def _plan_choice(cls, v: object, info: Any) -> str | None:
        return None if v is None else PlanInput._choice(v, info)

    @field_validator("birth_year", mode="before")
    @classmethod
    def _birth_year(cls, v: object) -> int | None:
        if v is None:
            return None
        if not isinstance(v, int) or isinstance(v, bool) or not 1900 <= v <= 2100:
            raise InputError("birth_year", "must be a year between 1900 and 2100")
        return v

    @field_validator("pay_periods_remaining", mode="before")
    @classmethod
    def _periods(cls, v: object) -> int | None:
        if v is None:
            return None
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= MAX_PAY_PERIODS:
            raise InputError("pay_periods_remaining", "must be between 1 and {high}", high=MAX_PAY_PERIODS)
        return v

    @field_validator("plan_after_tax_cap_pct", mode="before")
    @classmethod
    def _pct(cls, v: object) -> Decimal | None:
        return None if v is None else RoomInput._cap_pct(v)

    @field_validator("match_formula", mode="before")
    @classmethod
    def _formula(cls, v: object) -> str | None:
        # Normalised as stored, so a formula padded with spaces is kept (and shown) at its real length; a row
        # saved padded before this rule is normalised as it is read, never locking the member out of /room.
        return normalise_formula(v)

    @field_validator("not_sure")
    @classmethod
    def _not_sure(cls, v: list[str]) -> list[str]:
        unknown = [name for name in v if name not in FLAG_FIELDS]
        if unknown:
            raise InputError("not_sure", "unknown question {name}", name=repr(unknown[0]))
        return list(dict.fromkeys(v))

    def merged(self, changes: dict[str, Any]) -> PlanProfile:
        """A validated copy with changes applied (None values are ignored; use `clear` to unset).

        Answering a question yes or no takes it off the not-sure list.
        """
        data = self.model_dump()
        data.update({k: v for k, v in changes.items() if v is not None})
        answered = {k for k, v in changes.items() if k in FLAG_FIELDS and v is not None}
        data["not_sure"] = [q for q in data["not_sure"] if q not in answered]
        return PlanProfile(**data)

    def is_empty(self) -> bool:
        return all(v in (None, []) for v in self.model_dump().values())

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def from_json(cls, text: str) -> PlanProfile:
        return cls.model_validate_json(text)

    def age_in(self, year: int) -> int | None:
        return None if self.birth_year is None else year - self.birth_year


def birth_year_from_age(age: int, year: int) -> int:
    """Age on 31 December of `year` to a birth year (the way the checklist and /room count age)."""
    if not MIN_AGE <= age <= MAX_AGE:
        raise InputError("age", "must be your age on 31 December, between {low} and {high}", low=MIN_AGE, high=MAX_AGE)
    return year - age


def room_input(profile: PlanProfile | None, options: dict[str, Any], year: int, facts: FactBase) -> RoomInput:
    """Options override the saved profile; missing essentials get a message saying how to give them."""
    facts.year(year)  # an unknown year is the first thing to say
    p = profile or PlanProfile()
    opts = {k: v for k, v in options.items() if v is not None}
    age = opts.pop("age", None)
    if age is None:
        age = p.age_in(year)
    if age is None:
        raise InputError("age", "give your age on 31 December (age:45) or save a birth year with /profile set")
    data: dict[str, Any] = {"year": year, "age": age}
    for name in (*MONEY_FIELDS, "match_formula", "plan_after_tax_cap_pct", "pay_periods_remaining", "prior_year_wages"):
        value = opts.get(name, getattr(p, name))
        if value is not None:
            data[name] = value
    if "compensation" not in data:
        raise InputError(
            "compensation", "give your pay from this employer (compensation:200000) or save it with /profile set"
        )
    if "match_formula" in opts and "employer_contributions" not in opts:
        data.pop("employer_contributions", None)  # a formula given now replaces a saved employer amount
    elif "employer_contributions" in opts and "match_formula" not in opts:
        data.pop("match_formula", None)
    return RoomInput(**data)
