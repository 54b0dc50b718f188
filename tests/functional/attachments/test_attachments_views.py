"""Attachments: accepted by content, refused with the form kept, served only with their owner."""
import io
import zipfile

from sqlalchemy import select

from forum.attachments.models import Attachment
from forum.extensions import db
from tests.fixtures.twinnings import bergamo_lecce
from tests.fixtures.web import page, submit, text_of

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def zipped(**parts) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name.replace("__", "/"), content)
    return out.getvalue()


def new_project(client, filename, data):
    return submit(client, "/cities/lecce/projects/new",
                  {"title": "Lecce Smart & Com", "description": "Piattaforme di *open data*",
                   "status": "in-progress", "attachments": (io.BytesIO(data), filename)},
                  content_type="multipart/form-data")


def staff_on_lecce(app, client, make_user, login):
    bergamo_lecce(app)
    login(make_user(role="staff"))


def refused(response) -> str:
    error = page(response).find(id="attachments-error")
    assert error is not None, "the file was not refused"
    # the rest of the form is kept
    assert page(response).find("input", id="title")["value"] == "Lecce Smart & Com"
    assert "Piattaforme di *open data*" in page(response).find("textarea", id="description").text
    return error.get_text(" ", strip=True)


def test_pdf_is_accepted_and_downloaded_with_its_name(app, client, make_user, login):
    staff_on_lecce(app, client, make_user, login)
    response = new_project(client, "Relazione finale 2015.pdf", PDF)
    assert response.status_code == 200
    link = page(response).find("a", string="Relazione finale 2015.pdf")
    assert link is not None
    download = client.get(link["href"])
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "Relazione finale 2015.pdf" in disposition
    with app.app_context():
        row = db.session.scalar(select(Attachment))
        # stored under a random name, never the sender's
        assert row.stored_name != row.original_name and len(row.stored_name) >= 32


def test_file_over_the_limit_is_refused_with_the_form_kept(app, client, make_user, login):
    staff_on_lecce(app, client, make_user, login)
    big = PDF + b"0" * (20 * 1024 * 1024)
    response = new_project(client, "grande.pdf", big)
    assert response.status_code == 200
    assert "10 MB" in refused(response)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Attachment)) == 0


def test_executable_renamed_pdf_is_refused(app, client, make_user, login):
    staff_on_lecce(app, client, make_user, login)
    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
    assert "PDF" in refused(new_project(client, "programma.pdf", elf))
    windows = b"MZ\x90\x00\x03" + b"\x00" * 200
    assert "PDF" in refused(new_project(client, "setup.pdf", windows))


def test_fake_office_files_are_refused_and_real_ones_accepted(app, client, make_user, login):
    staff_on_lecce(app, client, make_user, login)
    fake = zipped(**{"[Content_Types].xml": "<Types/>", "payload.exe": "MZ"})
    assert "DOCX" in refused(new_project(client, "documento.docx", fake))
    odt_as_ods = zipped(mimetype="application/vnd.oasis.opendocument.text")
    assert "ODS" in refused(new_project(client, "tabella.ods", odt_as_ods))
    assert "PDF, ODT, ODS, DOCX" in refused(new_project(client, "script.sh", b"#!/bin/sh\n"))
    docx = zipped(**{"[Content_Types].xml": "<Types/>", "word__document.xml": "<w:document/>"})
    response = new_project(client, "documento.docx", docx)
    assert page(response).find("a", string="documento.docx") is not None


def test_attachments_of_a_hidden_twinning_are_not_served(app, client, make_user, login):
    from forum.attachments import services as attachment_services
    from forum.twinnings.models import Twinning

    slug = bergamo_lecce(app)
    with app.test_request_context():
        twinning = db.session.scalar(select(Twinning).where(Twinning.slug == slug))
        checked = attachment_services.CheckedFile("piano.pdf", "pdf", "application/pdf", PDF)
        row = attachment_services.store(None, "twinning", twinning.id, [checked])[0]
        db.session.commit()
        url = f"/attachments/{row.id}/piano.pdf"
    with client.get(url) as response:
        assert response.status_code == 200
    assert "piano.pdf" in text_of(client.get(f"/twinnings/{slug}"))
    with app.app_context():
        db.session.scalar(select(Twinning).where(Twinning.slug == slug)).visibility = "hidden"
        db.session.commit()
    assert client.get(url).status_code == 404
    assert client.get("/attachments/999999/piano.pdf").status_code == 404


def test_only_staff_or_the_uploader_remove_an_attachment(app, client, make_user, login):
    staff_on_lecce(app, client, make_user, login)
    response = new_project(client, "verbale.pdf", PDF)
    href = page(response).find("a", string="verbale.pdf")["href"]
    edit = page(response).find("a", href=lambda h: h and h.endswith("/edit"))["href"]
    form = page(client.get(edit))
    # the edit form starts from the stored project
    assert form.find("input", id="title")["value"] == "Lecce Smart & Com"
    remove = form.find("form", action=lambda a: a and a.endswith("/delete"))["action"]
    staff_token = form.find("input", attrs={"name": "csrf_token"})["value"]

    member = app.test_client()
    member_login = member.get("/auth/login")
    member_user = make_user()
    from tests.fixtures.web import csrf_from
    member.post("/auth/login", data={"csrf_token": csrf_from(member_login),
                                     "login": member_user.username,
                                     "password": member_user.password})
    token = csrf_from(member.get("/"))  # the sign-out form in the header
    assert member.post(remove, data={"csrf_token": token}).status_code == 403
    with member.get(href) as response:
        assert response.status_code == 200

    response = client.post(remove, data={"csrf_token": staff_token}, follow_redirects=True)
    assert "verbale.pdf" in text_of(response)  # the flash names the removed file
    assert page(response).find("a", string="verbale.pdf") is None
    assert client.get(href).status_code == 404
