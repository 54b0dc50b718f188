"""Two-factor sign-in (TOTP, RFC 6238) with one-time recovery codes, and re-authentication.

Any member may turn it on; staff and administrators must, before any page, when
FORUM_ENV=production (development leaves it optional so the demo roles stay one click away).
Changing the e-mail address, the password or two-factor sign-in asks for the password (and
the code) again unless the member proved who they are in the last few minutes.

The rest of accounts calls it through `services.is_enabled` and, in its views, through
`web.start_challenge`, `web.mark_authenticated` and `web.recent_auth_required`.
"""
