"""pydantic v2 models a data designer would write, covering what pydantic puts in a JSON
Schema: every record synthtune generates from `Model.model_json_schema()` must load back
into the model. scripts/pydantic_check.py round-trips every BaseModel defined here."""

import datetime as dt
from decimal import Decimal
from enum import Enum, IntEnum
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path
from typing import Annotated, Literal, Optional, Union
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    HttpUrl,
    IPvAnyAddress,
    IPvAnyInterface,
    IPvAnyNetwork,
    SecretStr,
    StringConstraints,
    condecimal,
    conint,
    confloat,
    constr,
)


class Currency(str, Enum):
    eur = "EUR"
    usd = "USD"
    gbp = "GBP"
    jpy = "JPY"


class Priority(IntEnum):
    low = 1
    normal = 2
    high = 3
    urgent = 5


class Booking(BaseModel):
    """Dates, times and durations: date, time, timedelta, datetime."""

    booking_id: UUID
    check_in: dt.date
    check_out: dt.date
    arrival_time: dt.time
    stay: dt.timedelta
    created_at: dt.datetime
    guests: conint(ge=1, le=8)
    notes: Optional[constr(max_length=200)] = None


class Account(BaseModel):
    """Identity fields: UUID, EmailStr, HttpUrl, SecretStr, constrained strings, Literal."""

    model_config = ConfigDict(extra="forbid")

    account_id: UUID
    email: EmailStr
    backup_email: Optional[EmailStr] = None
    homepage: HttpUrl
    avatar: Optional[HttpUrl] = None
    password: SecretStr
    api_token: Annotated[SecretStr, Field(min_length=32, max_length=64)]
    username: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{2,15}$")]
    display_name: Annotated[str, Field(min_length=1, max_length=40)]
    role: Literal["admin", "editor", "viewer"]
    plan: Literal["free"] = "free"
    user_number: Annotated[int, Field(alias="userNumber", ge=1)]


class NetworkHost(BaseModel):
    """Every IP type pydantic knows."""

    hostname: Annotated[str, Field(max_length=63, pattern=r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")]
    ipv4: IPv4Address
    ipv6: IPv6Address
    any_address: IPvAnyAddress
    interface: IPvAnyInterface
    network: IPvAnyNetwork
    dns_servers: Annotated[list[IPvAnyAddress], Field(max_length=3)] = []


class PriceQuote(BaseModel):
    """Money: Decimal (anyOf number | numeric string), confloat, multiple_of, Enum."""

    amount: Decimal
    discount: Annotated[Decimal, Field(ge=0, le=100)]
    unit_price: Annotated[float, Field(gt=0, le=10_000, multiple_of=0.01)]
    tax_rate: confloat(ge=0, lt=1)
    step: Annotated[float, Field(ge=0, le=100, multiple_of=2.5)]
    fee: Annotated[float, Field(ge=0, le=50, multiple_of=0.05)]
    currency: Currency
    priority: Priority


class Ledger(BaseModel):
    """Money under pydantic 2.14, which writes Decimal as `anyOf: [number, bare string]`:
    bounds of every kind, max_digits and decimal_places (not in the JSON Schema, so
    paired with bounds that hold them: values print with two decimals), condecimal,
    multiple_of on Decimal, int and float."""

    amount: Decimal
    balance: Annotated[Decimal, Field(ge=-1000, le=1000)]
    price: Annotated[Decimal, Field(gt=0, lt=10_000, max_digits=6, decimal_places=2)]
    rebate: Annotated[Decimal, Field(gt=-50, le=0)]
    share: Annotated[Decimal, Field(ge=0, lt=Decimal("0.5"))]
    total: condecimal(ge=0, le=Decimal("999.99"), max_digits=5, decimal_places=2)
    quarter: condecimal(ge=0, le=500, multiple_of=Decimal("0.25"))
    nickel: condecimal(gt=0, lt=100, multiple_of=Decimal("0.05"), decimal_places=2)
    tip: Optional[Decimal] = None
    crates: conint(multiple_of=7)
    batch: conint(ge=0, le=1000, multiple_of=25)
    fee: confloat(multiple_of=0.05)
    tenth: confloat(ge=-100, le=100, multiple_of=0.1)
    basis_point: confloat(ge=0, le=1, multiple_of=0.0001)


class Subscription(BaseModel):
    """Two money fields in one model (issue #2: 73 % of records used to fail)."""

    mrr: Annotated[Decimal, Field(ge=0)]
    arr: Annotated[Decimal, Field(ge=0, le=1_000_000)]
    currency: Currency


class Inventory(BaseModel):
    """Collections: set, frozenset, tuple (fixed and variadic), dict[str, T], lists."""

    skus: set[Annotated[str, Field(pattern=r"^[A-Z]{3}-[0-9]{3}$")]]
    warehouses: frozenset[Literal["north", "south", "east", "west"]]
    location: tuple[float, float]
    dimensions: tuple[Annotated[float, Field(gt=0, le=500)], ...]
    version: tuple[int, int, str]
    stock: dict[str, conint(ge=0, le=10_000)]
    aliases: dict[Annotated[str, Field(pattern=r"^[a-z]{2}$")], str] = {}
    bins: Annotated[list[constr(min_length=3, max_length=8)], Field(min_length=1, max_length=5)]


class Attachment(BaseModel):
    """Files: bytes, Path, binary-ish strings."""

    name: Annotated[str, Field(min_length=1, max_length=60)]
    data: bytes
    thumbnail: Annotated[bytes, Field(max_length=64)]
    path: Path
    checksum: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Cat(BaseModel):
    pet_type: Literal["cat"]
    meows: conint(ge=0, le=100)


class Dog(BaseModel):
    pet_type: Literal["dog"]
    barks: float
    good_boy: bool = True


class Lizard(BaseModel):
    pet_type: Literal["reptile", "lizard"]
    scales: bool


class PetOwner(BaseModel):
    """A discriminated union (with a Literal of two tags), and a plain union."""

    owner: Annotated[str, Field(min_length=2, max_length=40)]
    pet: Annotated[Union[Cat, Dog, Lizard], Field(discriminator="pet_type")]
    pets: list[Annotated[Union[Cat, Dog], Field(discriminator="pet_type")]] = []
    favourite: Union[int, str, None] = None


class Comment(BaseModel):
    """A recursive model: comments answer comments."""

    author: Annotated[str, Field(min_length=1, max_length=30)]
    text: Annotated[str, Field(min_length=1, max_length=280)]
    posted_at: dt.datetime
    replies: list["Comment"] = []
    parent: Optional["Comment"] = None


class Thread(BaseModel):
    """A recursive model reached through another model."""

    title: constr(min_length=5, max_length=100)
    root: Comment
    pinned: bool = False


class SensorConfig(BaseModel):
    """Constrained numbers of every kind: conint/confloat bounds, exclusive and inclusive."""

    sensor_id: conint(gt=0, lt=100_000)
    sample_rate_hz: confloat(gt=0, le=1000)
    threshold: Annotated[float, Field(ge=-50, le=150)]
    offset: Annotated[int, Field(ge=-10, le=10, multiple_of=2)]
    label: constr(pattern=r"^[A-Z]{2}-[0-9]{4}$")
    calibration: Optional[dt.date] = None
    retention: dt.timedelta = dt.timedelta(days=30)


class SubscriptionStatus(str, Enum):
    active = "active"
    trialing = "trialing"
    canceled = "canceled"
    paused = "paused"


def synth(**knobs):
    return {"x-synth": knobs}


class BillingAddress(BaseModel):
    """An address object (issue #14): its fields are one place, so the city lies in the
    state and the country is the locale's (scripts/rules_check.py checks it)."""

    model_config = ConfigDict(json_schema_extra=synth(locale="de_DE"))

    street_address: str
    postcode: str
    city: str
    state: str
    country: str
    country_code: str = Field(min_length=2, max_length=2)
    phone: Optional[str] = None


class SubscriptionLifecycle(BaseModel):
    """Cross-field rules (issue #14): ordered dates with a gap distribution, a chain, a
    date before another, presence by status, an integer bound by its sibling, a price
    computed from others, an email made from the names, and an address whose fields
    agree. scripts/rules_check.py checks every rule on the exported rows."""

    model_config = ConfigDict(json_schema_extra=synth(rows=200_000))

    subscription_id: int = Field(ge=1, json_schema_extra=synth(key="primary", sequence={"start": 1}))
    status: SubscriptionStatus = Field(json_schema_extra=synth(weights={"active": 60, "trialing": 10, "canceled": 20, "paused": 10}))
    seats: int = Field(ge=1, le=200)
    seats_cap: int = Field(ge=1, le=500, json_schema_extra=synth(after={"field": "seats", "max": 100}))
    created_at: dt.datetime = Field(json_schema_extra=synth(range={"min": "2022-01-01T00:00:00Z", "max": "2025-12-31T23:59:59Z"}))
    trial_started_on: dt.date = Field(json_schema_extra=synth(before={"field": "created_at", "min": 0, "max": 30}))
    updated_at: dt.datetime = Field(json_schema_extra=synth(after="created_at"))
    canceled_at: Optional[dt.datetime] = Field(
        default=None,
        json_schema_extra=synth(
            when={"status": "canceled"},
            after={"field": "created_at", "min": 1, "max": 400, "distribution": {"lognormal": {"mu": 3, "sigma": 1}}},
        ),
    )
    refunded_at: Optional[dt.datetime] = Field(
        default=None,
        json_schema_extra=synth(when={"status": "canceled"}, after={"field": "canceled_at", "max": 14}),
    )
    pause_reason: Optional[str] = Field(default=None, max_length=40, json_schema_extra=synth(when={"status": "paused"}))
    seat_price: Decimal = Field(ge=1, le=99, decimal_places=2)
    monthly_total: Decimal = Field(decimal_places=2, json_schema_extra=synth(derive={"expression": "seats * seat_price"}))
    yearly_total: Decimal = Field(decimal_places=2, json_schema_extra=synth(derive={"expression": "round(monthly_total * 12 * 0.9, 2)"}))
    owner_first_name: str = Field(max_length=40)
    owner_last_name: str = Field(max_length=40)
    owner_email: EmailStr = Field(
        json_schema_extra=synth(derive={"template": "{owner_first_name|ascii|slug}.{owner_last_name|ascii|slug}@example.com"})
    )
    billing_address: BillingAddress
