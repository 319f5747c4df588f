"""The benchmark's archive: news items, briefings and events under the news index, with topics,
images and PDFs, made through Wagtail's page API as the admin would make them (a revision, then
publishing), so that the search index, reference index and log are filled by Wagtail itself.
Run by `bench/in_django.py build` after `migrate` and `load_site_content`."""

import datetime
import io
import random
import time

from PIL import Image, ImageDraw, ImageFilter

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.signal_handlers import disable_reference_index_auto_update

from bench import corpus
from news.models import EventPage, NewsIndexPage, NewsPage

YEARS = 20
BRIEFING_SHARE = 0.12
BODY_IMAGE_SHARE = 0.4
LISTING_IMAGE_SHARE = 0.3
PAGE_LINK_SHARE = 0.25
BATCH = 100


def build(items, events, images, documents, seed, log):
    rng = random.Random(seed)  # noqa: S311 (made-up content, no secret)
    started = time.monotonic()
    image_ids = make_images(rng, images)
    document_ids = make_documents(documents)
    entries = plan(rng, items, events)
    # Each page is saved three times (created, revised, published) and each save would update
    # the search and reference indexes; one bulk update at the end makes the same entries
    # in a fraction of the time.
    backends = {
        name: {**backend, "AUTO_UPDATE": False}
        for name, backend in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    with override_settings(WAGTAILSEARCH_BACKENDS=backends), disable_reference_index_auto_update():
        make_pages(rng, entries, image_ids, document_ids, started, log)
    print("  updating the search index", file=log, flush=True)
    call_command("update_index", stdout=io.StringIO())
    print("  updating the reference index", file=log, flush=True)
    call_command("rebuild_references_index", stdout=io.StringIO())
    print(f"  done in {time.monotonic() - started:.0f} s", file=log, flush=True)


def make_pages(rng, entries, image_ids, document_ids, started, log):
    index = NewsIndexPage.objects.get()
    briefing_number = 0
    made = []
    for start in range(0, len(entries), BATCH):
        with transaction.atomic():
            for entry in entries[start : start + BATCH]:
                if entry["kind"] == "briefing":
                    briefing_number += 1
                page = make_page(rng, entry, briefing_number, image_ids, document_ids, made)
                index.add_child(instance=page)
                # add_child has just validated the same fields.
                page.save_revision(clean=False, log_action=True).publish()
                made.append(page.pk)
        done = min(start + BATCH, len(entries))
        if done % 1000 < BATCH or done == len(entries):
            seconds = time.monotonic() - started
            print(f"  {done:>6} pages in {seconds:4.0f} s", file=log, flush=True)


def plan(rng, items, events):
    """Every entry's kind and date, oldest first, as an archive grows."""
    today = timezone.localdate()
    days = YEARS * 365
    entries = [
        {
            "kind": "briefing" if rng.random() < BRIEFING_SHARE else "news",
            "date": today - datetime.timedelta(days=rng.randrange(days)),
        }
        for _ in range(items)
    ]
    for number in range(events):
        if number % 60 == 59:
            start = None  # date to be confirmed
            date = today - datetime.timedelta(days=rng.randrange(60))
        elif number % 6 == 5:
            start = today + datetime.timedelta(days=rng.randrange(7, 365))
            date = min(today, start - datetime.timedelta(days=rng.randrange(14, 60)))
        else:
            start = today - datetime.timedelta(days=rng.randrange(30, days))
            date = start - datetime.timedelta(days=rng.randrange(14, 60))
        entries.append({"kind": "event", "date": date, "start": start})
    entries.sort(key=lambda entry: entry["date"])
    return entries


def make_page(rng, entry, briefing_number, image_ids, document_ids, earlier_pages):
    is_event = entry["kind"] == "event"
    about = corpus.focus(rng)
    title = corpus.title(rng, about, corpus.EVENT_TITLES if is_event else corpus.TITLES)
    fields = {
        "title": title,
        "slug": f"{slugify(title)[:60]}-{len(earlier_pages) + 1}",
        "date": entry["date"],
        "summary": corpus.summary(rng, about),
        "body": body(rng, about, image_ids, earlier_pages),
    }
    if rng.random() < LISTING_IMAGE_SHARE:
        fields["listing_image_id"] = rng.choice(image_ids)
    if is_event:
        page = EventPage(**fields, **event_fields(rng, entry))
    elif entry["kind"] == "briefing":
        title = f"Briefing {briefing_number}: {title}"
        fields.update(title=title, slug=f"briefing-{briefing_number}-{fields['slug']}")
        page = NewsPage(
            **fields,
            is_briefing=True,
            issue_number=briefing_number,
            briefing_document_id=rng.choice(document_ids),
        )
    else:
        page = NewsPage(**fields)
    topics = about["topics"]
    if len(topics) < 3 and rng.random() < 0.3:
        topics = [*topics, rng.choice(corpus.TOPICS)]
    page.topics.add(*set(topics))
    return page


def event_fields(rng, entry):
    if entry["start"] is None:
        return {"location": rng.choice(corpus.VENUES)}
    start = timezone.make_aware(
        datetime.datetime.combine(entry["start"], datetime.time(rng.choice([10, 14, 18, 19])))
    )
    fields = {
        "start": start,
        "end": start + datetime.timedelta(hours=rng.choice([2, 3, 8])),
        "location": rng.choice(corpus.VENUES),
    }
    if rng.random() < 0.3:
        fields["online_url"] = "https://www.example.org/webinar"
    if rng.random() < 0.5:
        fields["registration_url"] = "https://www.example.org/register"
    return fields


def body(rng, about, image_ids, earlier_pages):
    """Four to ten paragraphs with headings, and now and then an image, a quote, key facts or a
    link to an earlier item: 150 to 900 words, 400 on average."""
    blocks = []
    for number in range(rng.randint(4, 10)):
        if number and rng.random() < 0.3:
            value = {"text": corpus.heading(rng, about), "level": rng.choice(["h2", "h2", "h3"])}
            blocks.append({"type": "heading", "value": value})
        text = corpus.paragraph(rng, about)
        if number == 1 and earlier_pages and rng.random() < PAGE_LINK_SHARE:
            page_id = rng.choice(earlier_pages[-500:])
            text += f' See also <a linktype="page" id="{page_id}">our earlier report</a>.'
        blocks.append({"type": "paragraph", "value": f"<p>{text}</p>"})
        if number == 1 and rng.random() < BODY_IMAGE_SHARE:
            blocks.append({"type": "image", "value": image_value(rng, about, image_ids)})
        if number == 2 and rng.random() < 0.3:
            words, who = corpus.quote(rng, about)
            blocks.append({"type": "quote", "value": {"quote": words, "attribution": who}})
        if number == 3 and rng.random() < 0.1:
            blocks.append({"type": "key_facts", "value": key_facts(rng, about)})
    return blocks


def image_value(rng, about, image_ids):
    return {
        "image": rng.choice(image_ids),
        "alt_text": "",
        "caption": f"A community meeting in {about['place']}.",
        "credit": rng.choice(["", "Peru Support Group", "Servindi", "CooperAcción"]),
    }


def key_facts(rng, about):
    facts = [
        {"figure": f"{rng.randint(2, 900):,}", "description": corpus.sentence(rng, about)[:200]}
        for _ in range(rng.randint(2, 4))
    ]
    return {"heading": "Key facts", "facts": facts}


def make_images(rng, count):
    """Photographs' stand-ins: JPEGs (and a few PNGs) of the sizes and weights editors upload."""
    Image_ = get_image_model()
    ids = []
    for number in range(count):
        fmt = "PNG" if number % 5 == 4 else "JPEG"
        width, height = rng.choice([(1600, 1067), (2000, 1333), (1200, 900), (1800, 1200)])
        data = picture(rng, width, height, fmt)
        place = rng.choice(corpus.PLACES)
        image = Image_(
            title=f"{place}, {number + 1}",
            description=f"A landscape in {place}, Peru.",
            file=ContentFile(data, name=f"bench-{number + 1}.{fmt.lower()}"),
        )
        image._set_image_file_metadata()  # the size and hash that the admin's upload records
        image.save()
        ids.append(image.pk)
    return ids


def picture(rng, width, height, fmt):
    """Sky, hills and noise: enough detail that the files weigh what photographs weigh."""
    sky = tuple(rng.randint(90, 200) for _ in range(3))
    canvas = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(canvas)
    for layer in range(6):
        colour = tuple(rng.randint(20, 160) for _ in range(3))
        base = height // 3 + layer * height // 10
        points = [(0, height)]
        points += [(x, base + rng.randint(-80, 80)) for x in range(0, width + 100, 100)]
        points.append((width, height))
        draw.polygon(points, fill=colour)
    noise = Image.effect_noise((width, height), 40).convert("RGB")
    canvas = Image.blend(canvas, noise, 0.15).filter(ImageFilter.SMOOTH)
    if fmt == "PNG":
        canvas = canvas.resize((width // 2, height // 2))
    out = io.BytesIO()
    canvas.save(out, fmt, quality=85)
    return out.getvalue()


def make_documents(count):
    """The briefings' PDFs: a page each."""
    Document = get_document_model()
    ids = []
    for number in range(count):
        out = io.BytesIO()
        Image.new("RGB", (595, 842), "white").save(out, "PDF")
        data = out.getvalue()
        document = Document(
            title=f"Briefing paper {number + 1}",
            file=ContentFile(data, name=f"briefing-{number + 1}.pdf"),
        )
        document._set_document_file_metadata()
        document.save()
        ids.append(document.pk)
    return ids
