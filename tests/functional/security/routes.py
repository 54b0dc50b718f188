"""The route table of DESIGN.md section 7, written by hand from the rules.

One row per (endpoint, method) of `app.url_map` (a few endpoints have a second row for another
object, e.g. a proposed call beside a published one). Each row says how to build its URL from
the world (conftest.py) and what each of the seven roles must get. POST rows are sent with a
valid CSRF token and the minimal data of the row (usually none): for a role that may act, the
expected outcome is what the rule says for that submission (a form shown again with its
messages, a redirect after the change, a 400 for a malformed action).

The outcomes are taken from the rules (DESIGN.md, the issues, each package's permissions), not
from what the code answers today. A suspended member's open session stops at once, so unless a
row says otherwise they get exactly what a visitor gets.
"""
from dataclasses import dataclass, field

import pytest

from tests.functional.security.world import (
    ADMIN,
    AUTHOR,
    MEMBER,
    ROLES,
    STAFF,
    SUSPENDED,
    UNCONFIRMED,
    VISITOR,
)

# A redirect to the sign-in page carrying `next=`: what a visitor gets from a members' page.
LOGIN = "login"


def expect(visitor, unconfirmed, member, author, staff, admin, suspended=None) -> dict:
    return {VISITOR: visitor, UNCONFIRMED: unconfirmed, MEMBER: member, AUTHOR: author,
            STAFF: staff, ADMIN: admin,
            SUSPENDED: visitor if suspended is None else suspended}


# --- profiles: the rules that recur ------------------------------------------------------------

def everyone(ok=200) -> dict:
    """Public pages and links that work without signing in."""
    return expect(ok, ok, ok, ok, ok, ok)


def signed_in(ok=200) -> dict:
    """Any member, even with the address unconfirmed (they read; they do not write)."""
    return expect(LOGIN, ok, ok, ok, ok, ok)


def confirmed(ok=200) -> dict:
    """Writing: confirmed members only; the unconfirmed are refused."""
    return expect(LOGIN, 403, ok, ok, ok, ok)


def author_or_staff(ok=200) -> dict:
    """The author of the object, and staff; any other member is refused."""
    return expect(LOGIN, 403, 403, ok, ok, ok)


def staff_only(ok=200) -> dict:
    """Staff curation and moderation: members, authors included, get 403."""
    return expect(LOGIN, 403, 403, 403, ok, ok)


def admin_only(ok=200) -> dict:
    return expect(LOGIN, 403, 403, 403, 403, ok)


def signed_out_only(ok=200) -> dict:
    """Sign-in and registration: a signed-in member is sent on (302)."""
    return expect(ok, 302, 302, 302, 302, 302)


PUBLIC = everyone()


@dataclass
class Row:
    endpoint: str
    method: str
    values: object  # world -> url_for values (path and query arguments)
    expected: dict
    data: dict = field(default_factory=dict)
    case: str = ""
    bug: str | None = None  # a known defect: the row runs as xfail(strict=True) naming it

    @property
    def id(self) -> str:
        return f"{self.endpoint}:{self.method}" + (f"[{self.case}]" if self.case else "")

    def param(self):
        marks = [pytest.mark.xfail(strict=True, reason=self.bug)] if self.bug else []
        return pytest.param(self, id=self.id, marks=marks)


def none(w) -> dict:
    return {}


def twinning(w):
    return {"slug": w.slugs["twinning"]}


def city(w):
    return {"slug": w.slugs["city"]}


def network(w):
    return {"slug": w.slugs["network"]}


def project(w):
    return {"slug": w.slugs["city"], "project_id": w.ids["project"]}


def discussion(w):
    return {"discussion_id": w.ids["discussion"]}


def post(w):
    """The author's reply (post 2 of the author's discussion)."""
    return {"post_id": w.ids["post"]}


def event(w):
    return {"event_id": w.ids["event"]}


def call(w):
    return {"call_id": w.ids["call"]}


def proposed_call(w):
    return {"call_id": w.ids["proposed_call"]}


def practice(w):
    return {"practice_id": w.ids["practice"]}


def author_profile(w):
    return {"username": w.username(AUTHOR)}


ROWS = [
    # --- site pages --------------------------------------------------------------------------
    Row("home.index", "GET", none, PUBLIC),
    Row("home.privacy", "GET", none, PUBLIC),
    Row("home.accessibility", "GET", none, PUBLIC),
    Row("home.healthz", "GET", none, PUBLIC),
    Row("search.results", "GET", lambda w: {"q": "gemellaggio"}, PUBLIC),
    # The practice form's title picker: JSON, what each viewer may see (issue 20).
    Row("search.titles", "GET", lambda w: {"type": "practice", "q": "prat"}, PUBLIC),
    Row("site.robots", "GET", none, PUBLIC),
    Row("site.sitemap", "GET", none, PUBLIC),
    Row("site.source", "GET", none, PUBLIC),

    # --- signing up and in -------------------------------------------------------------------
    Row("accounts.register", "GET", none, signed_out_only()),
    # An empty registration comes back with its messages.
    Row("accounts.register", "POST", none, signed_out_only(200)),
    Row("accounts.login", "GET", none, signed_out_only()),
    Row("accounts.login", "POST", none, signed_out_only(200)),
    # Signing out is a POST anyone may send; it always lands on the home page.
    Row("accounts.logout", "POST", none, everyone(302)),
    # Mailed links work for whoever holds them, signed in or not.
    Row("accounts.confirm", "GET", lambda w: {"token": w.tokens["confirm"]}, everyone(302)),
    Row("accounts.reset_request", "GET", none, PUBLIC),
    Row("accounts.reset_request", "POST", none, PUBLIC),  # empty: the form again
    Row("accounts.reset_password", "GET", lambda w: {"token": w.tokens["reset"]}, PUBLIC),
    Row("accounts.reset_password", "POST", lambda w: {"token": w.tokens["reset"]}, PUBLIC),
    Row("accounts.confirm_email", "GET", lambda w: {"token": w.tokens["email"]}, everyone(302)),

    # --- one's own account -------------------------------------------------------------------
    Row("accounts.resend_confirmation", "POST", none, signed_in(302)),
    # The answer to the offer to save the language chosen before signing in: back to the page.
    Row("accounts.language_offer", "POST", none, signed_in(302)),
    Row("accounts.edit_profile", "GET", none, signed_in()),
    Row("accounts.edit_profile", "POST", none, signed_in(200)),  # empty: messages by the fields
    Row("accounts.change_password", "GET", none, signed_in()),
    Row("accounts.change_password", "POST", none, signed_in(200)),
    Row("accounts.sign_out_everywhere", "POST", none, signed_in(302)),
    Row("accounts.change_email", "GET", none, signed_in()),
    Row("accounts.change_email", "POST", none, signed_in(200)),
    Row("accounts.export", "GET", none, signed_in()),
    Row("accounts.delete_account", "GET", none, signed_in()),
    Row("accounts.delete_account", "POST", none, signed_in(200)),  # no password: nothing goes

    # --- members -----------------------------------------------------------------------------
    Row("accounts.members", "GET", none, PUBLIC),
    Row("accounts.member", "GET", author_profile, PUBLIC),
    # The author's profile is listed, so its picture is public.
    Row("accounts.avatar", "GET", author_profile, PUBLIC),
    # An unlisted profile still answers, showing only the name; its picture is for the
    # member and staff alone.
    Row("accounts.member", "GET", lambda w: {"username": w.username(MEMBER)}, PUBLIC,
        case="unlisted"),
    Row("accounts.avatar", "GET", lambda w: {"username": w.username(MEMBER)},
        expect(404, 404, 200, 404, 200, 200), case="unlisted"),
    Row("accounts.roles", "GET", none, admin_only()),
    # An admin's empty role form is a malformed action: 400.
    Row("accounts.change_role", "POST", lambda w: {"user_id": w.user_id(MEMBER)},
        admin_only(400)),

    # --- cities, projects, networks (staff curate) --------------------------------------------
    Row("places.cities", "GET", none, PUBLIC),
    Row("places.city", "GET", city, PUBLIC),
    Row("places.new_city", "GET", none, staff_only()),
    Row("places.new_city", "POST", none, staff_only(200)),
    Row("places.edit_city", "GET", city, staff_only()),
    # Edit forms start from the saved values and keep those of fields not sent (WTForms with
    # `obj`/`data`), so an empty submission saves the object unchanged: 302 back to it.
    Row("places.edit_city", "POST", city, staff_only(302)),
    Row("places.project", "GET", project, PUBLIC),
    Row("places.new_project", "GET", city, staff_only()),
    Row("places.new_project", "POST", city, staff_only(200)),
    Row("places.edit_project", "GET", project, staff_only()),
    Row("places.edit_project", "POST", project, staff_only(302)),
    # An empty news item is shown again on the project page, as unprocessable.
    Row("places.add_news", "POST", project, staff_only(422)),
    Row("places.networks", "GET", none, PUBLIC),
    Row("places.network", "GET", network, PUBLIC),
    Row("places.join_network", "POST", network, confirmed(302)),
    Row("places.leave_network", "POST", network, confirmed(302)),
    Row("places.new_network", "GET", none, staff_only()),
    Row("places.new_network", "POST", none, staff_only(200)),
    Row("places.edit_network", "GET", network, staff_only()),
    Row("places.edit_network", "POST", network, staff_only(302)),
    Row("places.add_network_member", "POST", network, staff_only(422)),
    Row("places.remove_network_member", "POST",
        lambda w: {**network(w), "member_id": w.ids["network_member"]}, staff_only(302)),

    # --- twinnings and events ----------------------------------------------------------------
    Row("twinnings.index", "GET", none, PUBLIC),
    Row("twinnings.show", "GET", twinning, PUBLIC),
    Row("twinnings.join", "POST", twinning, confirmed(302)),
    Row("twinnings.leave", "POST", twinning, confirmed(302)),
    Row("twinnings.create", "GET", none, staff_only()),
    Row("twinnings.create", "POST", none, staff_only(200)),
    Row("twinnings.edit", "GET", twinning, staff_only()),
    Row("twinnings.edit", "POST", twinning, staff_only(200)),
    Row("twinnings.new_event", "GET", twinning, staff_only()),
    Row("twinnings.new_event", "POST", twinning, staff_only(200)),
    Row("twinnings.new_network_event", "GET", network, staff_only()),
    Row("twinnings.new_network_event", "POST", network, staff_only(200)),
    Row("twinnings.edit_event", "GET", event, staff_only()),
    Row("twinnings.edit_event", "POST", event, staff_only(302)),
    Row("twinnings.delete_event", "POST", event, staff_only(302)),
    # Confirmed members say they attend an event, or take it back (back to the event).
    Row("twinnings.attend", "POST", event, confirmed(302)),
    Row("twinnings.withdraw", "POST", event, confirmed(302)),
    # The organiser (here a staff member) and staff see who said they attend and confirm it;
    # the event has not started, so a confirmation is refused with a message (back to the list).
    Row("twinnings.attendance", "GET", event, staff_only()),
    Row("twinnings.confirm_attendance", "POST",
        lambda w: {**event(w), "attendance_id": w.ids["attendance"]}, staff_only(302),
        data={"state": "on"}),
    Row("twinnings.confirm_attendance", "POST",
        lambda w: {**event(w), "attendance_id": w.ids["attendance"]}, staff_only(400),
        case="no state"),

    # --- discussions -------------------------------------------------------------------------
    Row("discussions.show", "GET", discussion, PUBLIC),
    Row("discussions.index", "GET", none, PUBLIC),
    Row("discussions.index", "GET", lambda w: {"space": f"twinning:{w.slugs['twinning']}",
                                                "unanswered": "1"}, PUBLIC, case="filtered"),
    Row("discussions.index", "GET", lambda w: {"space": "nonsense"}, everyone(400),
        case="bad space"),
    Row("discussions.index", "GET", lambda w: {"page": "999"}, everyone(404),
        case="past the end"),
    Row("discussions.create", "GET", lambda w: {"space": f"twinning:{w.slugs['twinning']}"},
        confirmed()),
    Row("discussions.create", "POST", lambda w: {"space": f"twinning:{w.slugs['twinning']}"},
        confirmed(200)),
    # An empty reply: the thread again with the message by the reply box.
    Row("discussions.reply", "POST", discussion, confirmed(200)),
    Row("discussions.edit_post", "GET", post, author_or_staff()),
    Row("discussions.edit_post", "POST", post, author_or_staff(200)),
    # Authors delete their replies; staff delete any post.
    Row("discussions.delete_post", "POST", post, author_or_staff(302)),
    # Only staff bring a deleted post back, not even its author.
    Row("discussions.restore_post", "POST", lambda w: {"post_id": w.ids["deleted_post"]},
        staff_only(302)),
    # The opening post frames the whole thread: only staff delete it, not its author.
    Row("discussions.delete_post", "POST", lambda w: {"post_id": w.ids["opening_post"]},
        staff_only(302), case="opening post"),
    # A locked discussion refuses replies to everyone, with a message on its page, and its
    # authors can no longer edit or delete their posts there; staff still can.
    Row("discussions.reply", "POST", lambda w: {"discussion_id": w.ids["locked_discussion"]},
        expect(LOGIN, 403, 302, 302, 302, 302), data={"body": "Ancora una cosa."},
        case="locked"),
    Row("discussions.edit_post", "GET", lambda w: {"post_id": w.ids["locked_post"]},
        staff_only(), case="locked"),
    Row("discussions.delete_post", "POST", lambda w: {"post_id": w.ids["locked_post"]},
        staff_only(302), case="locked"),
    Row("discussions.pin", "POST", discussion, staff_only(302), data={"state": "on"}),
    Row("discussions.lock", "POST", discussion, staff_only(302), data={"state": "on"}),
    Row("discussions.pin", "POST", discussion, staff_only(400), case="no state"),

    # --- attachments -------------------------------------------------------------------------
    Row("attachments.download", "GET",
        lambda w: {"attachment_id": w.ids["attachment"], "filename": w.names["attachment"]},
        PUBLIC),
    # Only the member who uploaded it, or staff, removes a file.
    # (This row found a 500 here: the way back to a post was built with a relative endpoint
    # that resolved inside the attachments blueprint.)
    Row("attachments.delete", "POST", lambda w: {"attachment_id": w.ids["attachment"]},
        author_or_staff(302)),
    Row("attachments.delete", "POST",
        lambda w: {"attachment_id": w.ids["practice_attachment"]}, author_or_staff(302),
        case="practice file"),

    # --- practices ---------------------------------------------------------------------------
    Row("practices.index", "GET", none, PUBLIC),
    Row("practices.show", "GET", practice, PUBLIC),
    Row("practices.create", "GET", none, confirmed()),
    Row("practices.create", "POST", none, confirmed(200)),
    Row("practices.edit", "GET", practice, author_or_staff()),
    Row("practices.edit", "POST", practice, author_or_staff(200)),
    # Other confirmed members come forward (the message is optional); the author cannot.
    Row("practices.interest", "POST", practice, expect(LOGIN, 403, 302, 403, 302, 302)),
    # Marking matched is part of editing the record: the author and staff. It names what
    # answered the practice, so an empty form comes back with its message.
    Row("practices.matched", "POST", practice, author_or_staff(200)),
    # "Adopted": a member of another organisation (the member's council) says so; the author,
    # and staff or members without an organisation, cannot.
    Row("practices.adopt", "POST", practice, expect(LOGIN, 403, 302, 403, 403, 403)),
    # Taking it back: the member who marked it, or staff (not others naming their council).
    Row("practices.withdraw_adoption", "POST",
        lambda w: {"practice_id": w.ids["adopted_practice"], "adoption_id": w.ids["adoption"]},
        expect(LOGIN, 403, 302, 403, 302, 302)),

    # --- calls for funding -------------------------------------------------------------------
    Row("calls.index", "GET", none, PUBLIC),
    Row("calls.show", "GET", call, PUBLIC),
    # A proposal stays unpublished until staff approve it: only its author and staff see it.
    Row("calls.show", "GET", proposed_call, expect(404, 404, 404, 200, 200, 200),
        case="proposed"),
    Row("calls.call_calendar", "GET", call, PUBLIC),
    Row("calls.calendar", "GET", none, PUBLIC),
    Row("calls.feed", "GET", none, PUBLIC),
    Row("calls.followed", "GET", none, signed_in()),
    Row("calls.pending", "GET", none, staff_only()),
    Row("calls.follow", "POST", call, confirmed(302)),
    Row("calls.unfollow", "POST", call, signed_in(302)),
    Row("calls.save_search", "POST", lambda w: {"theme": "open-data"}, confirmed(302)),
    # A saved search is its owner's alone: for anyone else it does not exist.
    Row("calls.delete_search", "POST", lambda w: {"search_id": w.ids["saved_search"]},
        expect(LOGIN, 404, 404, 302, 404, 404)),
    # The mailed unsubscribe link works without signing in.
    Row("calls.unsubscribe", "GET", lambda w: {"token": w.tokens["unsubscribe"]}, PUBLIC),
    Row("calls.unsubscribe", "POST", lambda w: {"token": w.tokens["unsubscribe"]}, PUBLIC),
    # Members propose, staff publish: both reach the form.
    Row("calls.create", "GET", none, confirmed()),
    Row("calls.create", "POST", none, confirmed(200)),
    # Staff edit calls (issue 5: "Staff publish and edit calls").
    Row("calls.edit", "GET", call, staff_only()),
    Row("calls.edit", "POST", call, staff_only(200)),
    # Others cannot see a proposal at all (404); its author sees it but may not approve it.
    Row("calls.approve", "POST", proposed_call, expect(LOGIN, 404, 404, 403, 302, 302)),
    Row("calls.reject", "POST", proposed_call, expect(LOGIN, 404, 404, 403, 302, 302)),
]

ROWS += [
    # --- hidden content (issue 7): gone for everyone but staff and its author -----------------
    Row("discussions.show", "GET", lambda w: {"discussion_id": w.ids["hidden_discussion"]},
        expect(404, 404, 404, 200, 200, 200), case="hidden"),

    Row("practices.show", "GET", lambda w: {"practice_id": w.ids["hidden_practice"]},
        expect(404, 404, 404, 200, 200, 200), case="hidden"),
    # A file goes with what it is attached to.
    Row("attachments.download", "GET",
        lambda w: {"attachment_id": w.ids["hidden_attachment"],
                   "filename": w.names["hidden_attachment"]},
        expect(404, 404, 404, 200, 200, 200), case="hidden post"),
    Row("calls.call_calendar", "GET", proposed_call, expect(404, 404, 404, 200, 200, 200),
        case="proposed"),
    # Members follow public calls only; a proposal is not one yet (and those who cannot see
    # it get 404: the object is loaded before the permission is asked).
    Row("calls.follow", "POST", proposed_call, expect(LOGIN, 404, 404, 403, 403, 403),
        case="proposed"),

    # Interest is for published practices only; those who cannot see it get 404.
    Row("practices.interest", "POST", lambda w: {"practice_id": w.ids["hidden_practice"]},
        expect(LOGIN, 404, 404, 403, 403, 403), case="hidden"),
    Row("calls.edit", "GET", proposed_call, expect(LOGIN, 404, 404, 403, 200, 200),
        case="proposed"),
    # The uploader and staff still remove a file of hidden content; others cannot see it.
    Row("attachments.delete", "POST", lambda w: {"attachment_id": w.ids["hidden_attachment"]},
        expect(LOGIN, 404, 404, 302, 302, 302), case="hidden post"),

    # --- crafted ids and parameters: refused with a 400 or 404, never an error ---------------
    Row("discussions.create", "GET", lambda w: {"space": "bogus"},
        expect(LOGIN, 400, 400, 400, 400, 400), case="malformed space"),
    Row("discussions.create", "GET", lambda w: {"space": "twinning:no-such-twinning"},
        expect(LOGIN, 404, 404, 404, 404, 404), case="unknown space"),
    Row("moderation.item", "GET", lambda w: {"kind_name": "nonsense", "item_id": 1},
        staff_only(404), case="unknown kind"),
    Row("moderation.report", "GET", lambda w: {"kind_name": "nonsense", "item_id": 1},
        expect(LOGIN, 404, 404, 404, 404, 404), case="unknown kind"),
    Row("calls.unsubscribe", "GET", lambda w: {"token": "forged.token"}, everyone(410),
        case="forged token"),
    Row("calls.index", "GET", lambda w: {"status": "bogus"}, everyone(400), case="bad filter"),
    Row("practices.index", "GET", lambda w: {"kind": "bogus"}, everyone(400),
        case="bad filter"),
    Row("twinnings.index", "GET", lambda w: {"page": "x"}, everyone(400), case="bad page"),
    # A page past the end of any list is a 404, whatever the list (issue 20).
    *(Row(endpoint, "GET", lambda w: {"page": "999"}, everyone(404), case="past the end")
      for endpoint in ("twinnings.index", "places.networks", "places.cities",
                       "practices.index", "calls.index", "accounts.members")),
    Row("accounts.members", "GET", lambda w: {"kind": "bogus"}, everyone(400),
        case="bad filter"),
    Row("search.results", "GET", lambda w: {"q": "x", "type": "bogus"}, everyone(400),
        case="bad type"),
    Row("search.titles", "GET", lambda w: {"type": "member", "q": "an"}, everyone(400),
        case="not a picked type"),
    Row("moderation.log", "GET", lambda w: {"from": "yesterday"}, staff_only(400),
        case="bad date"),

    # --- reports: any signed-in member, on what others wrote ---------------------------------
    # An empty report comes back asking for a reason; the author cannot report their own post.
    Row("moderation.report", "GET", lambda w: {"kind_name": "post", "item_id": w.ids["post"]},
        expect(LOGIN, 200, 200, 403, 200, 200)),
    Row("moderation.report", "POST", lambda w: {"kind_name": "post", "item_id": w.ids["post"]},
        expect(LOGIN, 200, 200, 403, 200, 200)),
    # What a member cannot see does not exist for them, to report or otherwise.
    Row("moderation.report", "GET",
        lambda w: {"kind_name": "post", "item_id": w.ids["hidden_post"]},
        expect(LOGIN, 404, 404, 403, 200, 200), case="hidden post"),

    # Profiles are reported too, though not one's own.
    Row("moderation.report", "GET",
        lambda w: {"kind_name": "user", "item_id": w.user_id(AUTHOR)},
        expect(LOGIN, 200, 200, 403, 200, 200), case="profile"),
    Row("moderation.report", "GET",
        lambda w: {"kind_name": "practice", "item_id": w.ids["practice"]},
        expect(LOGIN, 200, 200, 403, 200, 200), case="practice"),
    # The published call is the staff member's own: they edit it rather than report it.
    Row("moderation.report", "GET", lambda w: {"kind_name": "call", "item_id": w.ids["call"]},
        expect(LOGIN, 200, 200, 200, 403, 200), case="call"),

    # --- the staff queue, items, actions and log --------------------------------------------
    Row("moderation.queue", "GET", none, staff_only()),
    Row("moderation.log", "GET", none, staff_only()),
    Row("moderation.item", "GET", lambda w: {"kind_name": "post", "item_id": w.ids["post"]},
        staff_only()),
    Row("moderation.item", "GET", lambda w: {"kind_name": "user", "item_id": w.user_id(MEMBER)},
        staff_only(), case="profile"),
    Row("moderation.dismiss", "POST",
        lambda w: {"kind_name": "post", "item_id": w.ids["post"]}, staff_only(302)),
    Row("moderation.hide", "POST", lambda w: {"kind_name": "post", "item_id": w.ids["post"]},
        staff_only(302), data={"hide-reason": "Dati personali"}),
    Row("moderation.restore", "POST",
        lambda w: {"kind_name": "post", "item_id": w.ids["hidden_post"]}, staff_only(302)),
    # Permanent deletion cannot be undone: administrators only.
    Row("moderation.purge", "POST",
        lambda w: {"kind_name": "post", "item_id": w.ids["hidden_post"]}, admin_only(302),
        data={"purge-reason": "Dati personali"}),
    Row("moderation.edit", "GET", lambda w: {"kind_name": "post", "item_id": w.ids["post"]},
        staff_only()),
    # An edit without text or reason comes back with its messages.
    Row("moderation.edit", "POST", lambda w: {"kind_name": "post", "item_id": w.ids["post"]},
        staff_only(200)),
    Row("moderation.lock", "POST", discussion, staff_only(302), data={"lock-state": "on"}),
    Row("moderation.pin", "POST", discussion, staff_only(302), data={"pin-state": "on"}),
    Row("moderation.move", "POST", discussion, staff_only(302),
        data={"move-space": "network:sec-rete"}),
    # Staff suspend members; administrators suspend staff too; nobody suspends an
    # administrator or themselves.
    Row("moderation.suspend", "POST", lambda w: {"user_id": w.user_id(MEMBER)},
        staff_only(302), data={"suspend-days": "3", "suspend-reason": "Spam"}),
    Row("moderation.suspend", "POST", lambda w: {"user_id": w.user_id(STAFF)},
        admin_only(302), data={"suspend-days": "3", "suspend-reason": "Spam"}, case="staff"),
    Row("moderation.suspend", "POST", lambda w: {"user_id": w.user_id(ADMIN)},
        expect(LOGIN, 403, 403, 403, 403, 403), data={"suspend-days": "3",
                                                      "suspend-reason": "Spam"},
        case="admin"),
    Row("moderation.unsuspend", "POST", lambda w: {"user_id": w.user_id(SUSPENDED)},
        staff_only(302)),

    # --- two-factor sign-in: any member, for their own account ----------------------------
    # Without a password step in progress the code page sends everyone back to sign in.
    Row("twofactor.challenge", "GET", none, everyone(302)),
    Row("twofactor.challenge", "POST", none, everyone(302)),
    Row("twofactor.settings", "GET", none, signed_in()),
    # Signing in a moment ago counts as proving who one is, so no second password prompt.
    Row("twofactor.setup", "GET", none, signed_in()),
    Row("twofactor.setup", "POST", none, signed_in(200)),  # no code: the form again
    Row("twofactor.reauth", "GET", none, signed_in()),
    Row("twofactor.reauth", "POST", none, signed_in(200)),  # no password: the form again
    # Nothing to regenerate or turn off while it is off: back to the settings page.
    Row("twofactor.regenerate", "POST", none, signed_in(302)),
    Row("twofactor.turn_off", "POST", none, signed_in(302)),
]

# --- open data: public content for everyone, signed in or not -----------------------------
ROWS += [
    Row("opendata.index", "GET", none, PUBLIC),
    Row("opendata.catalog", "GET", lambda w: {"fmt": "jsonld"}, PUBLIC),
    Row("opendata.catalog", "GET", lambda w: {"fmt": "ttl"}, PUBLIC, case="turtle"),
    Row("opendata.download", "GET", lambda w: {"name": "practices", "fmt": "csv"}, PUBLIC),
    Row("opendata.download", "GET",
        lambda w: {"name": "twinnings", "fmt": "json", "page": 1}, PUBLIC, case="page"),
    Row("opendata.download", "GET", lambda w: {"name": "nonsense", "fmt": "csv"},
        everyone(404), case="unknown"),
    Row("opendata.download", "GET",
        lambda w: {"name": "calls", "fmt": "json", "per_page": "0", "page": 1}, everyone(400),
        case="bad-page-size"),
]

# --- engagement: public boards and badges ------------------------------------------------
ROWS += [
    Row("engagement.leaderboard", "GET", none, PUBLIC),
    Row("engagement.leaderboard", "GET", lambda w: {"board": "cities", "period": "all"},
        PUBLIC, case="cities"),
    Row("engagement.leaderboard", "GET", lambda w: {"board": "nonsense"}, everyone(400),
        case="bad-board"),
    Row("engagement.badges", "GET", none, PUBLIC),
]

# Served by Flask itself; not an application route.
SKIPPED_ENDPOINTS = {"static"}


def table_keys() -> set[tuple[str, str]]:
    return {(row.endpoint, row.method) for row in ROWS}


def check_complete() -> None:
    for row in ROWS:
        assert set(row.expected) == set(ROLES), row.id

ROWS += [
    # --- notifications: follows and mutes (issue 11) -----------------------------------------
    # Following starts mail, so it needs a confirmed address; stopping never does.
    Row("notifications.follow", "POST",
        lambda w: {"kind": "discussion", "item_id": w.ids["discussion"]}, confirmed(302)),
    Row("notifications.follow", "POST",
        lambda w: {"kind": "twinning", "item_id": _twinning_id(w)}, confirmed(302),
        case="twinning"),
    Row("notifications.mute", "POST",
        lambda w: {"kind": "discussion", "item_id": w.ids["discussion"]}, confirmed(302)),
    Row("notifications.unfollow", "POST",
        lambda w: {"kind": "discussion", "item_id": w.ids["discussion"]}, signed_in(302)),
    # Networks and practices are followed, not muted; unknown kinds are not there at all.
    Row("notifications.mute", "POST", lambda w: {"kind": "practice", "item_id": 1},
        expect(404, 404, 404, 404, 404, 404, 404), case="practice"),
    Row("notifications.follow", "POST", lambda w: {"kind": "city", "item_id": 1},
        expect(LOGIN, 404, 404, 404, 404, 404), case="unknown kind"),
    Row("notifications.following", "GET", none, signed_in()),
]


def _twinning_id(w) -> int:
    from forum.extensions import db
    from forum.twinnings.models import Twinning

    return db.session.scalar(db.select(Twinning.id).where(Twinning.slug == w.slugs["twinning"]))


def _unsubscribe_token(w) -> str:
    from flask import current_app
    from itsdangerous import URLSafeSerializer

    from forum.notifications.mail import UNSUBSCRIBE_SALT

    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)
    return serializer.dumps([w.user_id(MEMBER), "reply"])


ROWS += [
    # --- notifications: the page, reading, e-mail settings, unsubscribing (issue 11) --------
    Row("notifications.index", "GET", none, signed_in()),
    # Another member's notification, or none: not there (404), whoever asks.
    Row("notifications.open_notification", "POST", lambda w: {"notification_id": 999999},
        expect(LOGIN, 404, 404, 404, 404, 404)),
    Row("notifications.read", "POST", lambda w: {"notification_id": 999999},
        expect(LOGIN, 404, 404, 404, 404, 404)),
    Row("notifications.read_all", "POST", none, signed_in(302)),
    Row("notifications.settings", "GET", none, signed_in()),
    # Every kind has a default choice, so a form sent as it is saves them: back to the page.
    Row("notifications.settings", "POST", none, signed_in(302)),
    # The signed link works signed out, for everyone who has it (it names its member).
    Row("notifications.unsubscribe", "GET", lambda w: {"token": _unsubscribe_token(w)}, PUBLIC),
    Row("notifications.unsubscribe", "POST", lambda w: {"token": _unsubscribe_token(w)},
        PUBLIC),
    Row("notifications.unsubscribe", "GET", lambda w: {"token": "forged.token"}, everyone(410),
        case="forged"),
    Row("notifications.unsubscribe", "POST", lambda w: {"token": "forged.token"},
        everyone(410), case="forged"),
]

ROWS += [
    # --- notifications: parked mail (issue 11) ------------------------------------------------
    # Administrators see the mail the sender gave up on and put it back in the queue.
    Row("notifications.parked", "GET", none, admin_only()),
    Row("notifications.retry", "POST", lambda w: {"message_id": w.ids["parked_mail"]},
        admin_only(302)),
    # A message that is not parked (or not there) cannot be retried: 404 for an admin.
    Row("notifications.retry", "POST", lambda w: {"message_id": 999999},
        expect(LOGIN, 403, 403, 403, 403, 404), case="not parked"),
]

ROWS += [
    # --- Atom feeds (issue 11): public, the same for everyone ----------------------------------
    Row("notifications.discussions_feed", "GET", none, PUBLIC),
    Row("notifications.practices_feed", "GET", none, PUBLIC),
    Row("notifications.twinning_feed", "GET", twinning, PUBLIC),
    Row("notifications.network_feed", "GET", network, PUBLIC),
    Row("notifications.twinning_feed", "GET", lambda w: {"slug": "no-such-twinning"},
        everyone(404), case="unknown"),
    Row("notifications.network_feed", "GET", lambda w: {"slug": "no-such-network"},
        everyone(404), case="unknown"),
]
