"""The form field macro: labels, hints and errors tied to the control, extra attributes."""
from bs4 import BeautifulSoup
from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired

TEMPLATE = """{% from "_macros/forms.html" import field, submit %}
{{ field(form.name, hint="As people know you.", autocomplete="name") }}
{{ field(form.city) }}
{{ field(form.kind, hint="Pick one.") }}
{{ field(form.listed) }}
{{ submit("Save") }}"""


class SampleForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter your name.")])
    city = SelectField("City", choices=[("", "None"), ("lecce", "Lecce")])
    kind = RadioField("Kind", choices=[("offer", "Offer"), ("seek", "Seek")])
    listed = BooleanField("List my profile")


def _render(app, data=None):
    with app.test_request_context("/", method="POST" if data else "GET", data=data):
        form = SampleForm(meta={"csrf": False})
        if data is not None:
            form.validate()
        return BeautifulSoup(render_template_string(TEMPLATE, form=form), "html.parser")


def test_fields_have_visible_labels_and_hints_tied_by_aria(app):
    soup = _render(app)
    name = soup.find("input", id="name")
    assert soup.find("label", attrs={"for": "name"}).get_text(strip=True) == "Full name"
    assert name["aria-describedby"] == "name-hint"
    assert soup.find(id="name-hint").get_text(strip=True) == "As people know you."
    assert name["autocomplete"] == "name"
    assert "form-control" in name["class"]
    assert "form-select" in soup.find("select", id="city")["class"]
    assert soup.find("button", type="submit").get_text(strip=True) == "Save"


def test_no_attribute_is_printed_as_none(app):
    html = str(_render(app))
    assert '"None"' not in html
    city = _render(app).find("select", id="city")
    assert "aria-describedby" not in city.attrs and "aria-invalid" not in city.attrs


def test_errors_are_next_to_the_field_and_mark_it_invalid(app):
    soup = _render(app, data={"name": "", "city": ""})
    name = soup.find("input", id="name")
    assert name["aria-invalid"] == "true"
    assert "is-invalid" in name["class"]
    assert set(name["aria-describedby"].split()) == {"name-hint", "name-error"}
    assert soup.find(id="name-error").get_text(strip=True) == "Enter your name."


def test_radio_buttons_are_grouped_in_a_fieldset_with_a_legend(app):
    soup = _render(app)
    fieldset = soup.find("fieldset")
    assert fieldset.find("legend").get_text(strip=True) == "Kind"
    assert fieldset["aria-describedby"] == "kind-hint"
    radios = fieldset.find_all("input", type="radio")
    assert len(radios) == 2
    for radio in radios:
        assert soup.find("label", attrs={"for": radio["id"]})


def test_checkbox_comes_before_its_label(app):
    soup = _render(app)
    box = soup.find("input", id="listed")
    assert box.find_next_sibling("label")["for"] == "listed"
