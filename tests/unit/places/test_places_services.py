"""City, project and network rules; attachment content checks."""
import io
import zipfile
from decimal import Decimal

import pytest
from werkzeug.datastructures import FileStorage

from forum.attachments import services as attachments
from forum.core.errors import ServiceError
from forum.core.forms import HttpUrl
from forum.core.uploads import UploadError
from forum.places import services


def test_slugify_handles_accents_and_punctuation():
    assert services.slugify("Città di Forlì – Smart & Com") == "citta-di-forli-smart-com"


def test_city_slug_must_be_free(ctx):
    services.create_city(None, {"name": "Lecce"})
    with pytest.raises(ServiceError) as error:
        services.create_city(None, {"name": "Lecce"})
    assert error.value.field == "slug"


def test_totals_prefer_declared_figures(ctx):
    city = services.create_city(None, {"name": "Lecce"})
    services.create_project(None, city, {"title": "A", "description": "",
                                         "investment": Decimal("1000")})
    totals = services.city_totals(city, None)
    assert (totals.projects, totals.investment, totals.declared) == (1, Decimal("1000"), False)
    services.update_city(None, city, {"name": "Lecce", "declared_projects": 25,
                                      "declared_investment": Decimal("15659005")})
    totals = services.city_totals(city, None)
    assert (totals.projects, totals.investment, totals.held_projects) == (
        25, Decimal("15659005"), 1)


def test_hidden_projects_are_not_counted_for_visitors(ctx):
    city = services.create_city(None, {"name": "Bari"})
    project = services.create_project(None, city, {"title": "Nascosto", "description": ""})
    project.visibility = "hidden"
    assert services.city_totals(city, None).held_projects == 0
    assert services.project_in_city(city, project.id, None) is None


def test_network_members_are_unique(ctx):
    network = services.create_network(None, {"name": "DigiPlace"})
    city = services.create_city(None, {"name": "Pavia"})
    services.add_network_member(None, network, city=city, is_example=True)
    with pytest.raises(ServiceError):
        services.add_network_member(None, network, city_id=city.id)
    member = services.add_network_member(None, network, organisation_name="CNR",
                                         organisation_kind="university-research")
    assert member.organisation.kind == "university-research"
    again = services.organisation_named("cnr", "business")
    assert again.id == member.organisation.id


@pytest.mark.parametrize("url, ok", [
    ("https://example.org", True), ("http://example.org/x", True),
    ("javascript:alert(1)", False), ("data:text/html,x", False), ("//example.org", False),
    ("ftp://example.org", False),
])
def test_links_must_be_http(url, ok):
    from wtforms.validators import ValidationError as FieldError

    class Field:
        data = url

    try:
        HttpUrl()(None, Field())
        accepted = True
    except FieldError:
        accepted = False
    assert accepted is ok


def upload(name: str, data: bytes) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def zipped(parts: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


@pytest.mark.parametrize("name, data", [
    ("a.pdf", b"%PDF-1.7\n%%EOF"),
    ("a.png", PNG), ("a.jpg", JPEG), ("a.JPEG", JPEG),
    ("a.docx", zipped({"[Content_Types].xml": "x", "word/document.xml": "x"})),
    ("a.xlsx", zipped({"[Content_Types].xml": "x", "xl/workbook.xml": "x"})),
    ("a.odt", zipped({"mimetype": "application/vnd.oasis.opendocument.text"})),
    ("a.ods", zipped({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"})),
])
def test_accepted_types(ctx, name, data):
    checked = attachments.check_file(upload(name, data))
    assert checked.data == data and checked.name == name


@pytest.mark.parametrize("name, data", [
    ("a.pdf", b"MZ\x90\x00" + b"\x00" * 100),           # a Windows executable
    ("a.png", JPEG),                                   # the wrong image type
    ("a.docx", zipped({"[Content_Types].xml": "x"})),  # no word/ part
    ("a.xlsx", zipped({"[Content_Types].xml": "x", "word/document.xml": "x"})),
    ("a.docx", zipped({"word/document.xml": "x"})),   # no [Content_Types].xml
    ("a.odt", zipped({"content.xml": "x"})),          # no mimetype entry
    ("a.docx", b"PK\x03\x04 broken"),
    ("a.exe", b"MZ"), ("a", b"%PDF-1.4"), ("a.pdf", b""),
])
def test_refused_types(ctx, name, data):
    with pytest.raises(UploadError):
        attachments.check_file(upload(name, data))


def test_names_lose_folders_and_control_characters():
    assert attachments.clean_name("../../etc/passwd.pdf") == "passwd.pdf"
    windows = "C:\\Users\\x\\Relazione\x00 finale.pdf"
    assert attachments.clean_name(windows) == "Relazione finale.pdf"
    assert attachments.clean_name("") == "file"
