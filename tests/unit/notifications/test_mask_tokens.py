"""Tokens in links are masked before mail reaches the log; everything else is kept."""
import pytest
from itsdangerous import URLSafeTimedSerializer

from forum.notifications.services import mask_tokens, retry_delay


def test_a_real_signed_token_in_a_path_is_masked():
    token = URLSafeTimedSerializer("secret", salt="confirm").dumps({"user": 42, "email": "a@b.it"})
    text = f"Conferma qui: https://gemellaggi.example/auth/confirm/{token}\nGrazie"
    masked = mask_tokens(text)
    assert token not in masked
    assert masked == "Conferma qui: https://gemellaggi.example/auth/confirm/***\nGrazie"


def test_a_compressed_token_with_a_leading_dot_is_masked():
    token = URLSafeTimedSerializer("secret").dumps({"text": "x" * 200})
    assert token.startswith(".")
    assert mask_tokens(f"http://localhost/auth/reset/{token}") == "http://localhost/auth/reset/***"


@pytest.mark.parametrize("text, expected", [
    ("http://h/a/eyJpZCI6MX0.ZmQxYg.abcdefghijklmnopqrstuvw/next",
     "http://h/a/***/next"),
    ("http://h/confirm?token=eyJpZCI6MX0.ZmQxYg.abcdefghijklmnopqrstuvw&lang=it",
     "http://h/confirm?token=***&lang=it"),
    ("(http://h/r/eyJpZCI6MX0.ZmQxYg.abcdefghijklmnopqrstuvw)",
     "(http://h/r/***)"),
    ("Apri http://h/r/eyJpZCI6MX0.ZmQxYg.abcdefghijklmnopqrstuvw.",
     "Apri http://h/r/***."),
    ("http://h/r/eyJpZCI6MX0.ZmQxYg.abcdefghijklmnopqrstuvw "
     "http://h/x/eyJhIjoyfQ.ZmQxYg.a1b2c3d4e5f6g7h8i9",
     "http://h/r/*** http://h/x/***"),
])
def test_tokens_anywhere_in_a_link_are_masked(text, expected):
    assert mask_tokens(text) == expected


@pytest.mark.parametrize("text", [
    "http://www.bergamosmartcity.com/smart-governance.html",
    "https://gemellaggi.example/members/giulia.ferri",
    "https://gemellaggi.example/twinnings/la-governance-della-smart-city-and-community-bg-le",
    "https://gemellaggi.example/static/bootstrap-italia.bundle.min.js",
    "Versione 1.2.3 del documento: eyJpZCI6MX0.ZmQxYg.abcdefghijklmnopqrstuvw non è un link",
    "",
])
def test_ordinary_links_and_text_are_left_alone(text):
    assert mask_tokens(text) == text


@pytest.mark.parametrize("attempts, minutes", [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (50, 60)])
def test_retries_back_off_exponentially_up_to_an_hour(attempts, minutes):
    assert retry_delay(attempts).total_seconds() == minutes * 60
