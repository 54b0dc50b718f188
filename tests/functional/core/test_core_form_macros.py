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


SUMMARY_TEMPLATE = """{% from "_macros/forms.html" import field, form_head %}
<form method="post">{{ form_head(form) }}
{{ field(form.name) }}{{ field(form.city) }}{{ field(form.kind) }}{{ field(form.listed) }}
</form>"""


class RequiredForm(SampleForm):
    kind = RadioField("Kind", choices=[("offer", "Offer"), ("seek", "Seek")],
                      validators=[DataRequired("Choose a kind.")])
    listed = BooleanField("List my profile", validators=[DataRequired("Tick it.")])


def test_the_error_summary_links_every_error_to_its_control(app):
    with app.test_request_context("/?lang=en", method="POST", data={"name": "", "city": ""}):
        form = RequiredForm(meta={"csrf": False})
        form.validate()
        soup = BeautifulSoup(render_template_string(SUMMARY_TEMPLATE, form=form), "html.parser")
    summary = soup.select_one(".error-summary")
    links = [(a["href"], a.get_text(strip=True)) for a in summary.select("li a")]
    # A radio group is reached through its first option.
    assert links == [("#name", "Full name: Enter your name."), ("#kind-0", "Kind: Choose a kind."),
                     ("#listed", "List my profile: Tick it.")]
    for href, _text in links:
        assert soup.select_one(href) is not None
    assert summary.has_attr("autofocus")


def test_every_form_with_macro_fields_starts_with_form_head():
    """So every such form gets the error summary; a new form cannot leave it out."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[3] / "templates"
    forms = [(path, form) for path in sorted(templates.rglob("*.html"))
             for form in re.findall(r"<form\b.*?</form>", path.read_text(encoding="utf-8"), re.S)
             if re.search(r"{{\s*(field|checkboxes|file_field)\(", form)]
    assert len(forms) > 20
    assert [f"{path.name}: {form[:60]}" for path, form in forms if "form_head(" not in form] == []
    # The browser's own checks would show one error at a time, before the summary.
    assert [f"{path.name}: {form[:60]}" for path, form in forms
            if "novalidate" not in form[:form.index(">")]] == []
