"""What every template can use: languages, the permission predicates, helpers."""
from flask import request, url_for


def url_for_language(lang: str) -> str:
    """The current page in another language (same path and query, lang replaced)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    endpoint = request.endpoint or "core.home"
    view_args = dict(request.view_args or {})
    try:
        return url_for(endpoint, **view_args, **args)
    except Exception:  # noqa: BLE001 - error pages have no endpoint to rebuild
        return url_for("core.home", lang=lang)


def register(app) -> None:
    from forum.accounts import permissions as account_permissions

    app.jinja_env.globals.update(
        url_for_language=url_for_language,
        can=account_permissions.TEMPLATE_PREDICATES,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
