"""City profiles, projects and networks, and the staff forms that curate them."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from forum.accounts import services as accounts
from forum.attachments import services as attachments
from forum.attachments.web import accept_uploads
from forum.core import web
from forum.core.db import utcnow
from forum.core.forms import initial_data
from forum.extensions import db
from forum.places import services
from forum.places.forms import (
    CityForm,
    NetworkForm,
    NetworkMemberForm,
    NewsForm,
    ProjectForm,
)
from forum.places.models import PROJECT_STATUSES, NetworkMember
from forum.places.permissions import can_curate, can_join_network, curators_only

CITY_MEMBERS = 8

bp = Blueprint("places", __name__)
accept_uploads(bp, {"places.new_project", "places.edit_project"})


# --- cities -------------------------------------------------------------------------------


@bp.get("/cities/")
def cities():
    cities, project_counts = services.list_cities(web.page_arg())
    web.within_pages(cities)
    return render_template("places/cities.html", cities=cities, project_counts=project_counts)


@bp.get("/cities/<slug>")
def city(slug: str):
    city = services.city_by_slug(slug) or abort(404)
    return render_template(
        "places/city.html", city=city,
        totals=services.city_totals(city, current_user),
        projects=services.city_projects(city, current_user, web.page_arg()),
        networks=services.networks_of_city(city, current_user),
        organisations=services.organisations_of_city(city),
        # Only members listed in the directory: the city page is a door to them.
        members=accounts.directory(city=city, per_page=CITY_MEMBERS),
        content=services.city_content(city, current_user),
    )


@bp.route("/cities/new", methods=["GET", "POST"])
@curators_only
def new_city():
    form = CityForm()
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.create_city(current_user, form.data),
            _("The city was created."),
            lambda city: url_for(".city", slug=city.slug))
        if done:
            return done
    return render_template("places/city_form.html", form=form, city=None)


@bp.route("/cities/<slug>/edit", methods=["GET", "POST"])
@curators_only
def edit_city(slug: str):
    city = services.city_by_slug(slug) or abort(404)
    form = CityForm(obj=city)
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.update_city(current_user, city, form.data),
            _("The city was saved."),
            lambda _saved: url_for(".city", slug=city.slug))
        if done:
            return done
    return render_template("places/city_form.html", form=form, city=city)


# --- projects -----------------------------------------------------------------------------


@bp.get("/cities/<slug>/projects/<int:project_id>")
def project(slug: str, project_id: int):
    city = services.city_by_slug(slug) or abort(404)
    project = services.project_in_city(city, project_id, current_user) or abort(404)
    return render_template(
        "places/project.html", city=city, project=project,
        files=attachments.attachments_of("project", project.id),
        news=services.project_news(project),
        news_form=NewsForm() if can_curate(current_user) else None,
    )


@bp.route("/cities/<slug>/projects/new", methods=["GET", "POST"])
@curators_only
def new_project(slug: str):
    city = services.city_by_slug(slug) or abort(404)
    form = ProjectForm()
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.create_project(current_user, city, form.data,
                                                  form.attachments.data),
            _("The project was created."),
            lambda project: url_for(".project", slug=city.slug, project_id=project.id))
        if done:
            return done
    return render_template("places/project_form.html", form=form, city=city, project=None,
                           files=[])


@bp.route("/cities/<slug>/projects/<int:project_id>/edit", methods=["GET", "POST"])
@curators_only
def edit_project(slug: str, project_id: int):
    city = services.city_by_slug(slug) or abort(404)
    project = services.project_in_city(city, project_id, current_user) or abort(404)
    form = ProjectForm(data=initial_data(ProjectForm, project, themes=project.theme_codes))
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.update_project(current_user, project, form.data,
                                                  form.attachments.data),
            _("The project was saved."),
            lambda _saved: url_for(".project", slug=city.slug, project_id=project.id))
        if done:
            return done
    return render_template("places/project_form.html", form=form, city=city, project=project,
                           files=attachments.attachments_of("project", project.id))


@bp.post("/cities/<slug>/projects/<int:project_id>/news")
@curators_only
def add_news(slug: str, project_id: int):
    city = services.city_by_slug(slug) or abort(404)
    project = services.project_in_city(city, project_id, current_user) or abort(404)
    form = NewsForm()
    if not form.validate_on_submit():
        return render_template(
            "places/project.html", city=city, project=project, news_form=form,
            files=attachments.attachments_of("project", project.id),
            news=services.project_news(project)), 422
    services.add_news(current_user, project, form.data)
    db.session.commit()
    flash(_("The news item was published."), "success")
    return redirect(url_for(".project", slug=city.slug, project_id=project.id))


# --- networks -----------------------------------------------------------------------------


@bp.get("/networks/")
def networks():
    return render_template("places/networks.html",
                           networks=web.within_pages(
                               services.list_networks(current_user, web.page_arg())))


@bp.get("/networks/<slug>")
def network(slug: str):
    network = services.network_by_slug(slug, current_user) or abort(404)
    return render_template(
        "places/network.html", network=network,
        members=services.network_members(network),
        joined=services.is_network_participant(current_user, network),
        may_join=can_join_network(current_user, network),
        participant_count=services.network_participant_count(network),
        button=FlaskForm(),
        now=utcnow(), content=services.network_content(network, current_user, web.page_arg()),
    )


def _membership(slug: str, change, done: str, unchanged: str):
    return web.membership(lambda user: services.network_by_slug(slug, user), can_join_network,
                          change, (done, unchanged), ".network")


@bp.post("/networks/<slug>/join")
def join_network(slug: str):
    return _membership(slug, services.join_network, _("You joined the network."),
                       _("You are already a member of this network."))


@bp.post("/networks/<slug>/leave")
def leave_network(slug: str):
    return _membership(slug, services.leave_network, _("You left the network."),
                       _("You were not a member of this network."))


@bp.route("/networks/new", methods=["GET", "POST"])
@curators_only
def new_network():
    form = NetworkForm()
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.create_network(current_user, form.data),
            _("The network was created."),
            lambda network: url_for(".edit_network", slug=network.slug))
        if done:
            return done
    return render_template("places/network_form.html", form=form, network=None)


@bp.route("/networks/<slug>/edit", methods=["GET", "POST"])
@curators_only
def edit_network(slug: str):
    network = services.network_by_slug(slug, current_user) or abort(404)
    form = NetworkForm(obj=network)
    if form.validate_on_submit():
        done = web.submit(
            form, lambda: services.update_network(current_user, network, form.data),
            _("The network was saved."),
            lambda _saved: url_for(".network", slug=network.slug))
        if done:
            return done
    return _network_form_page(network, form, member_form_for(None))


def member_form_for(formdata):
    form = NetworkMemberForm(formdata=formdata)
    form.city.choices = [(0, _("— no city —")), *services.city_choices()]
    return form


def _network_form_page(network, form, member_form, status=200):
    return render_template("places/network_form.html", form=form, network=network,
                           member_form=member_form,
                           members=services.network_members(network)), status


@bp.post("/networks/<slug>/members")
@curators_only
def add_network_member(slug: str):
    network = services.network_by_slug(slug, current_user) or abort(404)
    member_form = member_form_for(request.form)
    if member_form.validate():
        done = web.submit(
            member_form, lambda: services.add_network_member(
                current_user, network, city_id=member_form.city.data or None,
                organisation_name=member_form.organisation_name.data or None,
                organisation_kind=member_form.organisation_kind.data,
                is_example=member_form.is_example.data),
            _("The member was added to the network."),
            lambda _saved: url_for(".edit_network", slug=network.slug))
        if done:
            return done
    return _network_form_page(network, NetworkForm(obj=network, formdata=None), member_form, 422)


@bp.post("/networks/<slug>/members/<int:member_id>/delete")
@curators_only
def remove_network_member(slug: str, member_id: int):
    network = services.network_by_slug(slug, current_user) or abort(404)
    member = db.session.get(NetworkMember, member_id)
    if member is None or member.network_id != network.id:
        abort(404)
    services.remove_network_member(current_user, member)
    db.session.commit()
    flash(_("The member was removed from the network."), "success")
    return redirect(url_for(".edit_network", slug=network.slug))


@bp.app_context_processor
def _template_helpers():
    return {"project_statuses": PROJECT_STATUSES}
