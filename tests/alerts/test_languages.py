"""Email alerts in the reader's language: a subscription keeps the language of the page it was
made on; its emails, their links and the pages those lead to are in that language; and each
subscriber is sent the items published in their language, and only those."""

import datetime
import re
from urllib.parse import urlsplit

import pytest

from django.test import Client
from django.utils import timezone, translation

from alerts import links as alert_links
from alerts.models import Subscription
from home.dates import long_date
from psgsite.scheduler import run_pass
from tests.alerts.conftest import (
    ORGANISATION,
    link_in,
    links,
    parsed,
    publish_new,
    recipients,
    signup_data,
    subscribe,
)
from tests.alerts.conftest import text_and_html as parts
from tests.conftest import in_spanish
from tests.factories import EventPageFactory

pytestmark = pytest.mark.django_db


def subject(message):
    """The subject as a mail program shows it: a long one in Spanish is encoded and folded in
    transit, and arrives with the fold's space before it."""
    return parsed(message)["Subject"].strip()


def csrf_token(page):
    return page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


# Subscribing, confirming and managing


def test_a_reader_who_subscribes_in_spanish_is_written_to_and_answered_in_spanish(
    news_site, spanish_home, inbox
):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/es/alerts/", signup_data(frequency="weekly"))
    assert response.status_code == 302 and response["Location"] == "/es/alerts/check-email/"
    assert Subscription.objects.get().language == "es"

    [message] = inbox.messages
    assert subject(message) == f"Confirme sus alertas por correo electrónico del {ORGANISATION}"
    text, html = parts(message)
    assert '<html lang="es">' in html
    for body in (text, html):
        assert "Todas las noticias e informes" in body and "Un resumen semanal" in body
        assert "confirm your email alerts" not in body
    confirm = link_in(text, "confirm")
    assert confirm == link_in(html, "confirm")
    assert confirm.startswith("/es/alerts/confirm/")

    page = browser.get(confirm)
    assert "Confirme su suscripción" in page.content.decode()
    confirmed = browser.post(confirm, {"csrfmiddlewaretoken": csrf_token(page)})
    assert Subscription.objects.get().is_confirmed
    manage = confirmed.content.decode().split('class="button button--secondary" href="')[1]
    manage = manage.split('"')[0].removeprefix("http://localhost")
    assert manage.startswith("/es/alerts/manage/")

    content = browser.get(manage).content.decode()
    assert "Sus alertas por correo electrónico" in content and "Guardar mis opciones" in content
    assert 'action="/es/alerts/unsubscribe/' in content


def test_a_reader_who_subscribes_in_english_is_written_to_in_english(news_site, inbox):
    Client().post("/alerts/", signup_data())
    assert Subscription.objects.get().language == "en-gb"
    text, html = parts(inbox.messages[0])
    assert '<html lang="en-GB">' in html
    assert link_in(text, "confirm").startswith("/alerts/confirm/")


def test_the_form_on_a_spanish_page_subscribes_in_spanish(client, news_site, spanish_home):
    page = client.get("/es/").content.decode()
    assert 'class="alert-signup__form" action="/es/alerts/"' in page
    english = client.get("/").content.decode()
    assert 'class="alert-signup__form" action="/alerts/"' in english


def test_the_spanish_subscribe_page_says_which_items_its_alerts_bring(client, news_site):
    assert "items we publish in English" in client.get("/alerts/").content.decode()
    page = client.get("/es/alerts/").content.decode()
    assert "Nuestras alertas le envían lo que publicamos en español" in page


def test_the_spanish_form_offers_the_topics_by_their_spanish_names(client, news_site):
    for topic, name_es in [("mining", "Minería"), ("water", "Agua")]:
        news_site["topics"][topic].name_es = name_es
        news_site["topics"][topic].save()

    def offered(url):
        html = client.get(url).content.decode()
        return re.findall(r'<label for="id_topics_\d+">([^<]*)</label>', html)

    # Elections has no Spanish name: its English one is offered.
    assert offered("/es/alerts/") == ["Agua", "Elections", "Minería"]
    assert offered("/alerts/") == ["Elections", "Mining", "Water"]


def test_subscribing_again_unconfirmed_takes_the_new_language_confirmed_keeps_its_own(
    news_site, inbox
):
    Client().post("/alerts/", signup_data())
    Subscription.objects.update(confirmation_sent_at=None)  # as if ten minutes had passed
    Client().post("/es/alerts/", signup_data())
    subscription = Subscription.objects.get()
    assert subscription.language == "es"
    assert link_in(parts(inbox.messages[1])[0], "confirm").startswith("/es/alerts/confirm/")

    subscription.confirm()
    Subscription.objects.update(confirmation_sent_at=None)
    Client().post("/alerts/", signup_data())
    subscription.refresh_from_db()
    assert subscription.language == "es"
    # The owner of the address is told, in the language they chose, that nothing changed.
    message = inbox.messages[2]
    assert subject(message) == (
        f"Usted ya recibe las alertas por correo electrónico del {ORGANISATION}"
    )
    assert link_in(parts(message)[0], "manage").startswith("/es/alerts/manage/")


# Alerts and digests


@pytest.fixture
def spanish_news(site_news, spanish_home):
    """The news index in Spanish too."""
    return in_spanish(site_news, title="Noticias")


def test_each_subscriber_is_sent_the_items_published_in_their_language_and_only_those(
    site_news, spanish_news, inbox
):
    subscribe("ana@example.org", news=True)
    beto = subscribe("beto@example.org", news=True, language="es")
    story = publish_new(site_news, title="Conga mine suspended")
    publish_new(site_news, title="A story told in English alone")
    run_pass()
    # A Spanish subscriber gets no item that is in English alone.
    assert recipients(inbox) == ["ana@example.org", "ana@example.org"]

    historia = in_spanish(
        story, title="Suspendida la mina Conga", summary="El tribunal paralizó la obra."
    )
    run_pass()
    [message] = inbox.messages[2:]
    assert message["To"] == "beto@example.org"
    assert message["Subject"] == "Noticias: Suspendida la mina Conga"
    message = parsed(message)
    unsubscribe = message["List-Unsubscribe"].strip()
    assert unsubscribe.startswith("<https://localhost/es/alerts/unsubscribe/")
    assert historia.full_url.startswith("https://localhost/es/")
    text, html = parts(message)
    assert '<html lang="es">' in html
    with translation.override("es"):
        today = long_date(timezone.localdate())
    assert " de " in today
    for body in (text, html):
        assert historia.full_url in links(body)
        assert story.full_url not in links(body)
        assert "El tribunal paralizó la obra." in body
        assert today in body
        assert "Recibe este correo porque sigue todas las noticias e informes" in body
        [manage] = [url for url in links(body) if "/alerts/manage/" in url]
        assert manage.startswith("https://localhost/es/alerts/manage/")
    assert unsubscribe[1:-1] in links(text)
    assert beto.email in text
    # The English subscriber is not sent the Spanish translation of what they had already.
    assert recipients(inbox).count("ana@example.org") == 2

    # The mail provider's one-click unsubscribe (RFC 8058) works at the Spanish address.
    path = urlsplit(unsubscribe[1:-1]).path
    response = Client().post(path, {"List-Unsubscribe": "One-Click"}, secure=True)
    assert response.status_code == 200 and "Content-Language" in response
    assert response["Content-Language"] == "es"
    assert not Subscription.objects.filter(pk=beto.pk).exists()


def test_an_alert_in_spanish_names_the_topic_followed_in_spanish(
    site_news, spanish_news, topics, inbox
):
    mining = topics["Mining"]
    mining.name_es = "Minería"
    mining.save()
    subscribe("ana@example.org", topics=[mining])
    subscribe("beto@example.org", topics=[mining], language="es")
    story = publish_new(site_news, topics=[mining], title="Conga mine suspended")
    in_spanish(story, title="Suspendida la mina Conga")
    run_pass()
    bodies = {message["To"]: parts(message)[0] for message in inbox.messages}
    assert "Recibe este correo porque sigue el tema Minería" in bodies["beto@example.org"]
    assert "because you follow the topic Mining" in bodies["ana@example.org"]


def test_an_event_in_spanish_reaches_spanish_followers_of_events(site_news, spanish_news, inbox):
    subscribe("events@example.org", events=True)
    subscribe("eventos@example.org", events=True, language="es")
    event = publish_new(site_news, EventPageFactory, title="Annual conference")
    in_spanish(event, title="Conferencia anual")
    run_pass()
    subjects = {message["To"]: message["Subject"] for message in inbox.messages}
    assert subjects == {
        "events@example.org": "Event: Annual conference",
        "eventos@example.org": "Evento: Conferencia anual",
    }


def test_a_weekly_digest_holds_the_items_in_its_subscribers_language(
    site_news, spanish_news, inbox
):
    weekly = Subscription.Frequency.WEEKLY
    ana = subscribe("ana@example.org", news=True, frequency=weekly)
    subscribe("beto@example.org", news=True, frequency=weekly, language="es")
    story = publish_new(site_news, title="Conga mine suspended")
    publish_new(site_news, title="A story told in English alone")
    historia = in_spanish(story, title="Suspendida la mina Conga")

    run_pass(now=ana.next_digest_at + datetime.timedelta(minutes=1))
    digests = {message["To"]: parsed(message) for message in inbox.messages}
    assert sorted(digests) == ["ana@example.org", "beto@example.org"]

    assert digests["ana@example.org"]["Subject"] == (
        f"Your weekly digest from the {ORGANISATION}: 2 new items"
    )
    text, html = parts(digests["ana@example.org"])
    assert "Conga mine suspended" in text and "A story told in English alone" in text
    assert "Suspendida" not in text and '<html lang="en-GB">' in html

    spanish = digests["beto@example.org"]
    assert subject(spanish) == f"Su resumen semanal del {ORGANISATION}: 1 publicación nueva"
    text, html = parts(spanish)
    assert '<html lang="es">' in html
    for body in (text, html):
        assert historia.full_url in links(body) and story.full_url not in links(body)
        assert "Suspendida la mina Conga" in body
        assert "English alone" not in body
        [manage] = [url for url in links(body) if "/alerts/manage/" in url]
        assert manage.startswith("https://localhost/es/alerts/manage/")


def test_a_subscriber_changes_language_on_the_manage_page(news_site, spanish_home):
    subscription = subscribe("ana@example.org", news=True)
    browser = Client(enforce_csrf_checks=True)
    path = urlsplit(alert_links.manage_url(subscription)).path
    page = browser.get(path)
    content = page.content.decode()
    assert 'value="en-gb" id="id_language_0" checked' in content
    assert 'lang="es">Español</label>' in content

    data = {"csrfmiddlewaretoken": csrf_token(page), "news": "on", "language": "es"}
    response = browser.post(path, data)
    subscription.refresh_from_db()
    assert subscription.language == "es"
    # On to the same page in Spanish, as the emails are from now on.
    assert response.status_code == 302
    assert response["Location"] == f"/es{path}?saved=1"
    content = browser.get(response["Location"]).content.decode()
    assert "Sus opciones se han guardado." in content
    assert 'value="es" id="id_language_1" checked' in content


@pytest.mark.parametrize(("language", "expected"), [("fr", "en-gb"), (None, "en-gb")])
def test_a_language_not_offered_is_refused_and_none_keeps_it(client, news_site, language, expected):
    subscription = subscribe("ana@example.org", news=True)
    data = {"news": "on", "language": language} if language else {"news": "on"}
    response = client.post(urlsplit(alert_links.manage_url(subscription)).path, data)
    assert response.status_code == 200
    assert ("Choose one of the languages shown." in response.content.decode()) == bool(language)
    subscription.refresh_from_db()
    assert subscription.language == expected
