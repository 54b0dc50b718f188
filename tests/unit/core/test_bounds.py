"""The ranges of core/bounds.py hold everywhere: every `<int:...>` rule and every form field
carrying an id, a number, an amount or a date uses the bounded type, and each refuses what the
database or the calendar cannot hold with a message by the field."""
import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import fields

import forum
from forum.core import bounds


def _form_classes() -> list[type]:
    for module in pkgutil.walk_packages(forum.__path__, "forum."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return [cls for cls in found if cls.__module__.startswith("forum.")]


def _unbound_fields(form_class):
    for name in dir(form_class):
        value = getattr(form_class, name, None)
        if isinstance(value, fields.core.UnboundField):
            yield name, value


PLAIN = (fields.IntegerField, fields.DecimalField, fields.FloatField, fields.DateTimeField,
         fields.DateField, fields.TimeField, fields.MonthField)
BOUNDED = (bounds.IntegerField, bounds.DecimalField, bounds.DateField, bounds.DateTimeLocalField)


def test_every_int_rule_uses_the_bounded_converter(app):
    rules = [(rule.rule, name) for rule in app.url_map.iter_rules()
             for name, converter in rule._converters.items()
             if type(converter).__name__ == "IntegerConverter"]
    assert not rules, f"<int:...> not through bounds.IdConverter: {rules}"
    assert any(isinstance(c, bounds.IdConverter) for rule in app.url_map.iter_rules()
               for c in rule._converters.values())


def test_every_number_date_and_id_field_is_bounded():
    classes = _form_classes()
    assert len(classes) > 20  # the walk found the forms
    wrong = []
    for form_class in classes:
        for name, unbound in _unbound_fields(form_class):
            kind = unbound.field_class
            if issubclass(kind, PLAIN) and not issubclass(kind, BOUNDED):
                wrong.append(f"{form_class.__name__}.{name}: {kind.__name__}")
            coerce = unbound.kwargs.get("coerce")
            if issubclass(kind, fields.SelectFieldBase) and coerce is int:
                wrong.append(f"{form_class.__name__}.{name}: coerce=int (use IdSelectField)")
    assert not wrong, "unbounded fields:\n  " + "\n  ".join(wrong)


class Sample(FlaskForm):
    class Meta:
        csrf = False

    thing = bounds.IdSelectField("Thing", choices=[], validate_choice=False)
    count = bounds.IntegerField("Count")
    amount = bounds.DecimalField("Amount", digits=16, places=2)
    day = bounds.DateField("Day")
    moment = bounds.DateTimeLocalField("Moment", format="%Y-%m-%dT%H:%M")


GOOD = {"thing": "3", "count": "12", "amount": "1500.50", "day": "2026-03-29",
        "moment": "2026-03-29T12:00"}


@pytest.mark.parametrize(("field", "value"), [
    ("thing", str(2 ** 63)), ("thing", str(2 ** 31)), ("thing", "-1"), ("thing", "x"),
    ("count", str(2 ** 63)), ("count", str(-2 ** 31 - 1)),
    ("amount", "1e20"), ("amount", "NaN"), ("amount", "Infinity"),
    ("day", "0001-01-01"), ("day", "9999-12-31"),
    ("moment", "0001-01-01T00:00"), ("moment", "9999-12-31T23:59"),
])
def test_out_of_range_values_are_field_errors(app, field, value):
    with app.test_request_context("/?lang=en"):
        form = Sample(formdata=MultiDict({**GOOD, field: value}))
        assert not form.validate()
        assert list(form.errors) == [field]
        assert form.errors[field][0]


def test_values_in_range_pass(app):
    with app.test_request_context("/?lang=en"):
        form = Sample(formdata=MultiDict(GOOD))
        assert form.validate(), form.errors
        assert form.thing.data == 3 and form.count.data == 12


def test_day_filter_range():
    assert bounds.parse_day("2026-03-29").year == 2026
    for text in ("0001-01-01", "9999-12-31", "2026-02-30", "ieri"):
        with pytest.raises(ValueError):
            bounds.parse_day(text)


def test_the_converter_refuses_ids_out_of_range(app, client):
    assert client.get(f"/discussions/{2 ** 63}").status_code == 404
    assert client.get(f"/discussions/{2 ** 31}").status_code == 404
    assert client.get("/discussions/-1").status_code == 404


def test_nul_anywhere_in_a_request_is_refused(app, client):
    # PostgreSQL cannot store NUL in text and SQLite can: refused before any view, on both.
    assert client.get("/members/a%00b").status_code == 400
    assert client.get("/search?q=a%00b").status_code == 400
    assert client.post("/auth/login", data={"login": "a\x00b"}).status_code == 400
