"""One answer for a page past the end of every list: 404 (the first page of an empty list is
still the list, saying it is empty)."""
import pytest

LISTS = ["/twinnings/", "/networks/", "/cities/", "/practices/", "/calls/", "/members/",
         "/discussions/"]


@pytest.mark.parametrize("path", LISTS)
def test_a_page_past_the_end_is_404(client, path):
    assert client.get(f"{path}?page=1").status_code == 200
    assert client.get(f"{path}?page=999").status_code == 404
    assert client.get(f"{path}?page=x").status_code == 400


def test_staff_lists_too(client, login, make_user):
    login(make_user("sara", role="staff"))
    for path in ("/mod/", "/mod/log"):
        assert client.get(f"{path}?page=1").status_code == 200
        assert client.get(f"{path}?page=999").status_code == 404
