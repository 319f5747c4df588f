"""English at the addresses the site always had, Spanish under /es/: a page's language is the one
its address names, never the browser's, and nothing is offered in Spanish until it is published
in Spanish."""

import re

import pytest

from tests.conftest import in_spanish
from tests.factories import AboutPageFactory, NewsIndexPageFactory

pytestmark = pytest.mark.django_db


def test_without_a_spanish_home_page_nothing_is_served_under_es(home, client):
    AboutPageFactory(parent=home, slug="about")
    assert client.get("/").status_code == 200
    assert client.get("/es/").status_code == 404
    assert client.get("/es/about/").status_code == 404


def test_the_spanish_home_page_is_served_under_es_in_spanish(spanish_home, client):
    response = client.get("/es/")
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert "Derechos humanos en el Perú" in response.text
    assert "Inicio" in response.text
    english = client.get("/")
    assert english["Content-Language"] == "en-gb"
    assert "Derechos humanos en el Perú" not in english.text


def test_a_page_not_translated_is_not_found_in_spanish(home, spanish_home, client):
    about = AboutPageFactory(parent=home, slug="about")
    assert client.get("/es/about/").status_code == 404
    in_spanish(about, title="Sobre nosotros", slug="sobre-nosotros")
    assert client.get("/es/sobre-nosotros/").status_code == 200
    assert client.get("/es/about/").status_code == 404
    assert client.get("/about/").status_code == 200


def test_an_unpublished_spanish_home_page_takes_the_spanish_pages_down(spanish_home, client):
    spanish_home.unpublish()
    assert client.get("/es/").status_code == 404
    assert client.get("/").status_code == 200


def without_tokens(html):
    """The page without the signed, timed tokens of its forms."""
    return re.sub(r'value="[^"]*:[^"]*"', "", html)


def test_the_browser_language_changes_nothing(spanish_home, client):
    """So that pages need not vary by Accept-Language, and caches keep one copy of each."""
    for path in ("/", "/es/"):
        plain = client.get(path)
        asked = client.get(path, HTTP_ACCEPT_LANGUAGE="es,en;q=0.5")
        assert without_tokens(asked.text) == without_tokens(plain.text)
        assert "Accept-Language" not in asked.get("Vary", "")


def test_the_spanish_news_index_lists_from_its_own_address(home, spanish_home, client):
    index = NewsIndexPageFactory(parent=home, slug="news", title="News")
    assert client.get("/es/news/").status_code == 404
    in_spanish(index, title="Noticias", slug="noticias")
    response = client.get("/es/noticias/")
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
