"""A member's saved plan profile, and how it combines with per-command options into a RoomInput."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .errors import InputError
from .facts import FactBase
from .money import parse_money
from .plan import PlanInput, plan_input, year_end_input
from .room import (
    MAX_AGE,
    MAX_PAY_PERIODS,
    MIN_AGE,
    RoomInput,
    input_error_from,
    most_deferrals,
    normalise_formula,
    plan_type_of,
)

MONEY_FIELDS = (
    "compensation",
    "employee_deferrals",
    "other_plan_deferrals",
    "employer_contributions",
    "ytd_after_tax",
)
PLAN_MONEY_FIELDS = ("ytd_deferrals", "ytd_employer", "match_dollar_cap", "catch_up_403b_15_year")
# A paystub's figures belong to its year (paystub_year): used for that year only, never carried to another.
PAYSTUB_FIELDS = ("ytd_deferrals", "ytd_employer", "ytd_after_tax", "paychecks_left")
# What the plan and the member's situation are: they change the answer, and no paystub shows them.
FEATURE_FIELDS = (
    "plan_type",
    "plan_offers_roth",
    "plan_offers_super_catch_up",
    "catch_up_403b_15_year",
    "five_percent_owner",
    "self_employed",
)
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
    plan_after_tax_cap_pct: Decimal | None = None
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
    # The payroll, and the latest paystub: its year-to-date figures and paychecks left belong to paystub_year.
    pay_frequency: str | None = None
    paystub_year: int | None = None
    paychecks_left: int | None = None
    ytd_deferrals: Decimal | None = None
    ytd_employer: Decimal | None = None
    ytd_after_tax: Decimal | None = None
    # How the plan works.
    election_unit: str | None = None
    match_true_up: bool | None = None
    match_after_tax: bool | None = None
    match_dollar_cap: Decimal | None = None
    after_tax_auto_stop: bool | None = None
    bonus_counts: bool | None = None
    plan_type: str | None = None
    plan_offers_roth: bool | None = None
    plan_offers_super_catch_up: bool | None = None
    catch_up_403b_15_year: Decimal | None = None
    five_percent_owner: bool | None = None
    self_employed: bool | None = None

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

    @field_validator("plan_type", mode="before")
    @classmethod
    def _plan_type(cls, v: object) -> str | None:
        return None if v is None else plan_type_of(v)

    @field_validator("birth_year", "paystub_year", mode="before")
    @classmethod
    def _year_field(cls, v: object, info: Any) -> int | None:
        if v is None:
            return None
        if not isinstance(v, int) or isinstance(v, bool) or not 1900 <= v <= 2100:
            raise InputError(info.field_name, "must be a year between 1900 and 2100")
        return v

    @field_validator("paychecks_left", mode="before")
    @classmethod
    def _periods(cls, v: object) -> int | None:
        if v is None:
            return None
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= MAX_PAY_PERIODS:
            raise InputError("paychecks_left", "must be between 1 and {high}", high=MAX_PAY_PERIODS)
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

    def paystub_for(self, year: int) -> dict[str, Any]:
        """The paystub's figures when they belong to `year`; none for any other year."""
        if self.paystub_year != year:
            return {}
        return {k: getattr(self, k) for k in PAYSTUB_FIELDS if getattr(self, k) is not None}

    def paystub_elsewhere(self, year: int) -> int | None:
        """The paystub's year when the profile holds one for a year other than `year` (its figures are not used)."""
        held = any(getattr(self, k) is not None for k in PAYSTUB_FIELDS)
        return self.paystub_year if held and self.paystub_year != year else None


def birth_year_from_age(age: int, year: int) -> int:
    """Age on 31 December of `year` to a birth year (the way the checklist and /room count age)."""
    if not MIN_AGE <= age <= MAX_AGE:
        raise InputError("age", "must be your age on 31 December, between {low} and {high}", low=MIN_AGE, high=MAX_AGE)
    return year - age


# The inputs /room reads from a profile or its options: one year's figures, the paystub's, the plan's features.
ROOM_FIELDS = (
    *MONEY_FIELDS,
    "match_formula",
    "plan_after_tax_cap_pct",
    "paychecks_left",
    "prior_year_wages",
    "match_true_up",
    *FEATURE_FIELDS,
)


def room_input(profile: PlanProfile | None, options: dict[str, Any], year: int, facts: FactBase) -> RoomInput:
    """One member's year as its year-end figures, the model /room, /plan and /checklist all read.

    Options override the saved profile; the profile's paystub counts only for its own year. With a payroll
    (paychecks left and how often you are paid) the figures come from the same projection /plan fills, so both
    give one room; otherwise from the year's totals. Missing essentials get a message saying how to give them.
    """
    facts.year(year)  # an unknown year is the first thing to say
    p = profile or PlanProfile()
    opts = {k: v for k, v in options.items() if v is not None}
    if _has_payroll(p, opts, year):
        return year_end_input(plan_input(p, opts, year, facts), facts)
    age = opts.pop("age", None)
    if age is None:
        age = p.age_in(year)
    if age is None:
        raise InputError("age", "give your age on 31 December (age:45) or save a birth year with /profile set")
    data: dict[str, Any] = {"year": year, "age": age}
    saved = {**{k: getattr(p, k) for k in ROOM_FIELDS if k not in PAYSTUB_FIELDS}, **p.paystub_for(year)}
    for name in ROOM_FIELDS:
        value = opts.get(name, saved.get(name))
        if value is not None:
            data[name] = value
    data["paystub_elsewhere"] = None if any(k in opts for k in PAYSTUB_FIELDS) else p.paystub_elsewhere(year)
    if "compensation" not in data:
        raise InputError(
            "compensation", "give your pay from this employer (compensation:200000) or save it with /profile set"
        )
    if "match_formula" in opts and "employer_contributions" not in opts:
        data.pop("employer_contributions", None)  # a formula given now replaces a saved employer amount
    elif "employer_contributions" in opts and "match_formula" not in opts:
        data.pop("match_formula", None)
    if "employee_deferrals" in data:
        return RoomInput(**data)
    # Deferrals not given: the most the limits and the pay allow, said in the answer (never an overstated room).
    draft = RoomInput(**data)
    return draft.model_copy(
        update={
            "employee_deferrals": most_deferrals(facts, draft, draft.compensation, draft.ytd_after_tax),
            "deferrals_assumed": True,
        }
    )


def _has_payroll(p: PlanProfile, opts: dict[str, Any], year: int) -> bool:
    left = opts.get("paychecks_left", p.paystub_for(year).get("paychecks_left"))
    return left is not None and (opts.get("pay_frequency") or p.pay_frequency) is not None
