from forum.core.markup import render_markdown


def test_raw_html_is_escaped_not_rendered():
    html = render_markdown("<script>alert(1)</script> <b>bold</b>")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


def test_links_get_rel_and_only_safe_schemes_survive():
    html = render_markdown("[a](https://example.org) [b](javascript:alert(1)) [c](mailto:x@y.it)")
    assert 'href="https://example.org" rel="nofollow ugc noopener"' in html
    assert "javascript:" not in html.replace("[b](javascript:alert(1))", "")
    assert 'href="mailto:x@y.it"' in html


def test_bare_urls_are_linkified_and_headings_demoted():
    html = render_markdown("# Title\n\nsee www.comune.lecce.it")
    assert "<h3>Title</h3>" in html
    assert 'href="http://www.comune.lecce.it"' in html


def test_empty_source_gives_empty_html():
    assert render_markdown("") == "" and render_markdown(None) == ""
