"""Text from outside is made storable at one edge: what `storable` keeps and drops, the request's cleaned query
arguments and form fields, a 404 for a path no page has, and feeds that parse whatever a resident typed."""

import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
from flask import request
from hypothesis import given, settings
from hypothesis import strategies as st

from community.accounts.models import LoginSession
from community.core.text import UNSTORABLE, has_unstorable, storable, storable_value
from community.extensions import db
from community.pledges.models import Pledge, PledgeUpdate
from community.threads.models import Thread

# Every character XML 1.0 forbids, so no feed can carry it and no database should hold it.
FORBIDDEN = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ud800", "\udbff", "\udfff", "\ufffe", "\uffff"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Абай\x00 көшесі", "Абай көшесі"),
        ("\x00\x01\x08\x0e\x1f\x1b", ""),
        ("жол\x0bжөндеу", "жол\nжөндеу"),  # a word processor's line break
        ("бет\x0cекі", "бет\nекі"),  # and its page break
        ("tab\tLF\nCR\r", "tab\tLF\nCR\r"),
        ("a\ud800b\udfffc", "abc"),
        ("\ufeffбасы\ufffe\uffff", "\ufeffбасы"),
        ("DEL\x7f C1\x85 emoji 😀 \U0010fffd", "DEL\x7f C1\x85 emoji 😀 \U0010fffd"),
        ("", ""),
    ],
)
def test_storable_drops_what_xml_forbids_and_keeps_the_rest(text, expected):
    assert storable(text) == expected
    assert has_unstorable(text) is (text != expected)


def test_storable_value_cleans_strings_and_passes_anything_else():
    assert storable_value("Әсел\x00") == "Әсел"
    assert [storable_value(value) for value in (None, 42, 1.5, b"\x00")] == [None, 42, 1.5, b"\x00"]


def xml_document(data: bytes) -> ET.Element:
    """Parse XML the site itself wrote (a feed), or a test's own text; raises ParseError when it is not XML."""
    return ET.fromstring(data)  # noqa: S314 - our own output, not a stranger's document


def parses_as_xml(text: str) -> bool:
    try:
        xml_document(f"<t>{text}</t>".encode())
    except ET.ParseError:
        return False
    return True


@settings(max_examples=500, deadline=None, database=None)
@given(st.text(st.one_of(st.sampled_from(FORBIDDEN), st.characters(codec=None)), max_size=40))
def test_whatever_goes_in_what_comes_out_is_storable_and_stays_so(text):
    clean = storable(text)
    assert UNSTORABLE.search(clean) is None
    assert storable(clean) == clean
    assert [c for c in clean if c != "\n"] == [c for c in text if not UNSTORABLE.fullmatch(c) and c != "\n"]
    clean.encode("utf-8")  # no lone surrogate left, so psycopg and every file can take it
    assert parses_as_xml(clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def test_query_arguments_come_back_clean_names_and_values(app):
    with app.test_request_context("/threads/?q=%00су%01&pl%00ace=a%0Bb&page=%EF%BF%BE2&page=3&x=%ED%A0%80"):
        assert request.args.to_dict(flat=False) == {
            "q": ["су"],
            "place": ["a\nb"],
            "page": ["2", "3"],
            "x": ["%ED%A0%80"],  # not UTF-8: kept escaped, as werkzeug keeps it
        }
        assert request.values["q"] == "су"


def test_a_query_string_with_raw_bytes_is_read_not_an_error(client, region):
    response = client.get("/threads/", environ_overrides={"QUERY_STRING": "q=\xff\x00&place=\xff"})
    assert response.status_code == 200


def test_form_fields_come_back_clean_and_files_as_uploaded(app):
    upload = (BytesIO(b"\x00\x01binary"), "\x00photo.jpg")
    data = {"ti\x00tle": "Шам\x00 жоқ\ufffe", "body": ["бір\x0bекі", "\x1b"], "photo": upload}
    with app.test_request_context("/threads/new", method="POST", data=data):
        assert request.form.to_dict(flat=False) == {"title": ["Шам жоқ"], "body": ["бір\nекі", ""]}
        assert request.values["title"] == "Шам жоқ"
        photo = request.files["photo"]
        assert photo.filename == "\x00photo.jpg" and photo.read() == b"\x00\x01binary"


def test_a_form_body_that_is_not_utf8_is_refused_not_an_error(client, resident, login_as):
    login_as(resident)
    body = b"csrf_token=" + client.csrf_token().encode() + b"&title=\xff\xfe"
    response = client.post("/threads/new", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/places/%00", "/places/shamalgan%01", "/auth/reset/%00", "/static/css/%00site.css"])
def test_a_path_with_an_unstorable_character_is_not_found(client, region, url):
    assert client.get(url).status_code == 404


def test_a_list_asked_with_nul_in_its_filters_is_shown(client, thread):
    response = client.get("/threads/?q=%00&place=%00")
    assert response.status_code == 200
    assert thread.title in response.get_data(as_text=True)
    for url in ("/threads.atom?place=%00&q=%00", "/pledges/?place=%00", "/events/?place=%00", "/?place=%00"):
        assert client.get(url).status_code == 200, url


def test_what_a_resident_types_is_stored_without_it_and_the_feeds_parse(
    client, app, resident, deputy, deputy_profile, village, login_as
):
    login_as(resident)
    settings_page = {"display_name": "Әсел\x00 Нұрланқызы\x1b", "bio": "", "locale": "kk", "locality": str(village.id)}
    assert client.submit("/auth/settings", settings_page).status_code == 303
    thread_form = {
        "title": "Шамалған\x00 ауылында\x0b шам\ufffe жоқ",
        "body": "Абай көшесінде\x00 үш айдан\x01 бері шам\x0c жанбайды.",
        "locality": str(village.id),
        "category": "roads",
        "addressed_to": "",
        "submission_key": "edge-1",
    }
    assert client.submit("/threads/new", thread_form).status_code == 303
    thread = db.session.scalar(db.select(Thread))
    assert thread.title == "Шамалған ауылында\n шам жоқ"
    assert thread.body == "Абай көшесінде үш айдан бері шам\n жанбайды."
    assert thread.author.display_name == "Әсел Нұрланқызы"

    deputy_client = login_as(deputy, with_client=app.test_client())
    pledge_form = {
        "title": "Ауылға\x00 су\x1f мұнарасы",
        "text": "Ауылға тәулік бойы\x00 таза ауыз су беріледі.",
        "source_description": "Сайлауалды\x02 бағдарлама",
        "source_url": "",
        "made_on": "2023-02-20",
        "due_on": "",
        "locality": str(village.id),
        "category": "water",
        "submission_key": "edge-2",
    }
    assert deputy_client.submit(f"/deputies/{deputy_profile.id}/pledges/new", pledge_form).status_code == 303
    pledge = db.session.scalar(db.select(Pledge))
    assert pledge.title == "Ауылға су мұнарасы" and pledge.source_description == "Сайлауалды бағдарлама"
    update = {"status": "in_progress", "progress": "20", "note": "Жұмыс\x00 басталды\x07.", "submission_key": "e3"}
    assert deputy_client.submit(f"/pledges/{pledge.id}/updates", update).status_code == 303
    assert db.session.scalar(db.select(PledgeUpdate)).note == "Жұмыс басталды."

    for url in ("/threads.atom", "/pledges.atom", "/threads.atom?q=%00шам&place=%00"):
        response = client.get(url)
        assert response.status_code == 200
        feed = xml_document(response.get_data())
        assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = xml_document(client.get("/threads.atom").get_data()).findall("{http://www.w3.org/2005/Atom}entry")
    assert [entry.findtext("{http://www.w3.org/2005/Atom}title") for entry in entries] == [thread.title]


def test_the_browser_named_with_a_sign_in_is_stored_clean(client, resident):
    form = {"email": resident.email, "password": "Dala-Zhuldyz-2026"}
    response = client.submit("/auth/login", form, headers={"User-Agent": "Mozilla/5.0\x00 (X11;\x01 Linux)\ufffe"})
    assert response.status_code == 303
    assert db.session.scalar(db.select(LoginSession.user_agent)) == "Mozilla/5.0 (X11; Linux)"
