"""The ranges of values the database and the calendar hold, checked where input arrives.

Every `<int:...>` in a URL rule goes through `IdConverter` (create_app registers it as the
"int" converter, so no rule can leave it out), and every form field that carries an id, a
whole number, an amount or a date is one of the field types below (tests/unit/core walks every
form to keep it so). A value outside the range is refused like a wrong one, with a 404 or a
message by the field; it never reaches the database, where it would raise an OverflowError
(SQLite binds 64-bit integers only) or "integer out of range" (PostgreSQL's 32-bit integer
columns), nor the time-zone arithmetic, where year 1 or 9999 overflows.
"""
import builtins
from datetime import date, datetime
from decimal import Decimal

from flask import abort, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter
from wtforms import fields
from wtforms.validators import ValidationError

# PostgreSQL's `integer`, the type of every id and count column; SQLite's INTEGER is wider.
INT_MAX = 2 ** 31 - 1
INT_MIN = -INT_MAX - 1
# A sane calendar: no twinning, call or event of this site lies outside it, and every date in
# it survives a shift of time zone or a day added (year 1 and year 9999 do not).
FIRST_YEAR, LAST_YEAR = 1900, 2200

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
NOT_IN_LIST = _l("Choose one of the values in the list.")


def _date_out_of_range():
    return ValidationError(_l("Enter a date between the years %(first)s and %(last)s.",
                         first=FIRST_YEAR, last=LAST_YEAR))


class IdConverter(IntegerConverter):
    """`<int:...>` for ids: a whole number from 0 to INT_MAX, else no route matches (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        # werkzeug's signature, so `<int(min=1):page>` keeps working; the bound only narrows.
        high = INT_MAX if max is None else builtins.min(max, INT_MAX)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=high, signed=signed)


def register(app) -> None:
    """Before any blueprint: the converter is looked up when a rule is added."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul)


def refuse_nul():
    """No text a person types holds NUL, and PostgreSQL's text columns cannot store it
    (SQLite would, and the two databases would disagree): a request carrying one in its
    path, query or form is malformed (400) before any view reads it. Uploaded files are
    bytes and keep theirs."""
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.method not in ("GET", "HEAD") and request.mimetype in FORM_TYPES:
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in values):
        abort(400)


def to_id(value) -> int:
    """A submitted id as an int in the database's range; ValueError for anything else."""
    number = int(value)
    if not 0 <= number <= INT_MAX:
        raise ValueError(value)
    return number


def to_optional_id(value) -> int:
    """The same, where '' or 0 mean "none" (0)."""
    if value in (None, "", "0", 0):
        return 0
    return to_id(value)


def in_date_range(value: date | datetime | None) -> bool:
    return value is None or FIRST_YEAR <= value.year <= LAST_YEAR


def parse_day(text: str) -> date:
    """A YYYY-MM-DD filter value in the sane calendar; ValueError otherwise."""
    day = datetime.strptime(text, "%Y-%m-%d").date()
    if not in_date_range(day):
        raise ValueError(text)
    return day


# --- form fields --------------------------------------------------------------------------

class IdSelectField(fields.SelectField):
    """A select whose values are ids of other rows. A value that is no id in range gets the
    same message as one that is not in the list; whether the row exists and may be chosen
    by this member is the service's question (it asks the package's permissions)."""

    def __init__(self, label=None, validators=None, optional=False, **kwargs):
        kwargs.setdefault("coerce", to_optional_id if optional else to_id)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            try:
                self.data = self.coerce(valuelist[0])
            except (TypeError, ValueError):
                self.data = None
                raise ValueError(NOT_IN_LIST) from None

class IntegerField(fields.IntegerField):
    """A whole number the database's integer columns hold."""

    def __init__(self, label=None, validators=None, low=INT_MIN, high=INT_MAX, **kwargs):
        self.low, self.high = low, high
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.low <= self.data <= self.high:
            self.data = None
            raise ValueError(_l("Enter a whole number from %(low)s to %(high)s.",
                                low=self.low, high=self.high))


class DecimalField(fields.DecimalField):
    """An amount that fits its NUMERIC(digits, places) column."""

    def __init__(self, label=None, validators=None, digits=16, places=2, **kwargs):
        self.limit = Decimal(10) ** (digits - places)
        super().__init__(label, validators, places=places, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and (not self.data.is_finite() or
                                      abs(self.data) >= self.limit):
            self.data = None
            raise ValueError(_l("Enter an amount smaller than %(limit)s.",
                                limit=f"{self.limit:,.0f}".replace(",", ".")))


class DateField(fields.DateField):
    """A date in the sane calendar."""

    def pre_validate(self, form):
        # A check of the parsed value, so subclasses with their own formats and messages
        # (calls' ClearDateField) keep it.
        if not in_date_range(self.data):
            raise _date_out_of_range()


class DateTimeLocalField(fields.DateTimeLocalField):
    """A date and time in the sane calendar."""

    def pre_validate(self, form):
        # A check of the parsed value, so subclasses with their own formats and messages
        # (calls' ClearDateField) keep it.
        if not in_date_range(self.data):
            raise _date_out_of_range()
