"""Every page of the route table, as a visitor and as a member, carries the security headers of
DESIGN.md section 7: a CSP without inline script, nosniff, the referrer policy and DENY."""
from flask import url_for

from tests.functional.security.routes import ROWS
from tests.functional.security.world import MEMBER, VISITOR

# DESIGN.md section 7: the directives the policy must hold, exactly.
REQUIRED_DIRECTIVES = {
    "default-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "font-src": ["'self'", "data:"],
}
UNSAFE = {"'unsafe-inline'", "'unsafe-eval'", "data:", "*", "http:", "https:"}


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def header_problems(response) -> list[str]:
    headers = response.headers
    problems = []
    policy = headers.get("Content-Security-Policy")
    if policy is None:
        return ["no Content-Security-Policy"]
    found = directives(policy)
    for name, sources in REQUIRED_DIRECTIVES.items():
        if found.get(name) != sources:
            problems.append(f"CSP {name} is {found.get(name)}, not {sources}")
    # Scripts fall back to default-src when script-src is absent; either way nothing inline.
    scripts = found.get("script-src", found.get("default-src", []))
    if UNSAFE & set(scripts) or any(s.startswith(("'nonce-", "'sha")) for s in scripts):
        problems.append(f"CSP script-src allows {scripts}")
    expected = {"X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "strict-origin-when-cross-origin",
                "X-Frame-Options": "DENY"}
    for name, value in expected.items():
        if headers.get(name) != value:
            problems.append(f"{name} is {headers.get(name)!r}")
    return problems


def test_header_check_sees_a_weak_policy():
    from werkzeug.wrappers import Response

    weak = Response(headers={
        "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'",
        "X-Content-Type-Options": "nosniff"})
    problems = header_problems(weak)
    assert any("script-src" in p for p in problems)
    assert any("X-Frame-Options" in p for p in problems)
    assert any("frame-ancestors" in p for p in problems)


def test_every_page_sends_the_security_headers(app, world, clients):
    with app.test_request_context():
        urls = sorted({url_for(row.endpoint, **row.values(world))
                       for row in ROWS if row.method == "GET"})
    urls.append("/no-such-page")  # error pages too
    failures = []
    for role in (VISITOR, MEMBER):
        for url in urls:
            response = clients[role].get(url)
            for problem in header_problems(response):
                failures.append(f"{role} GET {url} ({response.status_code}): {problem}")
    assert not failures, "\n".join(failures)
