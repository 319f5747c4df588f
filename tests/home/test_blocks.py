"""Every block of the shared library renders with its own template, and previews in the admin."""

import pytest

from django.core.exceptions import ValidationError
from django.template.loader import get_template

from wagtail.blocks.struct_block import StructBlockValidationError

from home.blocks import BaseStreamBlock, CallToActionBlock
from tests.factories import DocumentFactory, ImageFactory, cached_embed

STREAM = BaseStreamBlock()


def render(block_type, raw_value):
    block = STREAM.child_blocks[block_type]
    return block.render(block.to_python(raw_value))


def test_every_block_has_a_template_of_its_own_and_a_label_and_icon():
    templates = set()
    for name, block in STREAM.child_blocks.items():
        assert block.meta.template, name
        assert block.meta.template.startswith("blocks/"), name
        get_template(block.meta.template)
        templates.add(block.meta.template)
        assert block.meta.icon != "placeholder", name
        assert block.label, name
    assert len(templates) == len(STREAM.child_blocks)
    assert set(STREAM.child_blocks) == {
        "heading", "paragraph", "image", "quote", "embed", "document",
        "call_to_action", "key_facts", "table",
    }  # fmt: skip


def test_heading_renders_at_the_chosen_level():
    html = render("heading", {"text": "Mining <conflicts>", "level": "h3"})
    assert html.strip() == '<h3 class="content-heading">Mining &lt;conflicts&gt;</h3>'


def test_paragraph_renders_rich_text():
    html = render("paragraph", "<p>Land titles for <b>communities</b></p>")
    assert '<div class="content-text"><p>Land titles for <b>communities</b></p></div>' in html


@pytest.mark.django_db
def test_image_renders_a_rendition_with_alt_text_caption_and_credit():
    image = ImageFactory(
        title="Protest in Cajamarca",
        description="Farmers march with banners",
        file__width=2000,
        file__height=1000,
    )
    html = render(
        "image", {"image": image.pk, "alt_text": "", "caption": "Cajamarca, 2012", "credit": "PSG"}
    )
    assert 'alt="Farmers march with banners"' in html
    assert "Cajamarca, 2012" in html
    assert "Photo: PSG" in html
    # Responsive: WebP sources at three widths, a JPEG fallback, its size known, loaded lazily.
    assert '<source sizes="' in html and 'type="image/webp"' in html
    assert "width-480.webp 480w" in html and "width-1200.webp 1200w" in html
    assert 'height="240"' in html and 'width="480"' in html
    assert 'loading="lazy"' in html
    own_alt = render(
        "image", {"image": image.pk, "alt_text": "A march", "caption": "", "credit": ""}
    )
    assert 'alt="A march"' in own_alt
    assert "<figcaption>" not in own_alt


def test_quote_renders_with_its_attribution_and_escapes_markup():
    html = render("quote", {"quote": "Water is <script>life</script>", "attribution": "A farmer"})
    assert "<blockquote><p>Water is &lt;script&gt;life&lt;/script&gt;</p></blockquote>" in html
    assert "<figcaption>A farmer</figcaption>" in html


@pytest.mark.django_db
def test_embed_renders_the_provider_html():
    url = "https://www.youtube.com/watch?v=abc123"
    cached_embed(url, '<iframe title="A talk" src="https://www.youtube.com/embed/abc123"></iframe>')
    html = render("embed", url)
    assert '<div class="content-embed">' in html
    assert 'src="https://www.youtube.com/embed/abc123"' in html


@pytest.mark.django_db
def test_document_renders_a_download_link_with_type_and_size():
    document = DocumentFactory(title="Briefing 12")
    html = render("document", {"document": document.pk, "title": "", "description": "On mining."})
    assert f'href="{document.url}"' in html
    assert "Briefing 12" in html
    assert "(PDF, 15\xa0bytes)" in html
    assert "On mining." in html


@pytest.mark.django_db
def test_call_to_action_links_to_a_page_or_a_url(home):
    to_url = render(
        "call_to_action",
        {
            "heading": "Join",
            "text": "Help us.",
            "button_label": "Become a member",
            "link_url": "#apply",
        },
    )
    assert '<a class="button" href="#apply">Become a member</a>' in to_url
    to_page = render(
        "call_to_action",
        {"heading": "Join", "button_label": "Read more", "page": home.pk, "link_url": "/ignored/"},
    )
    assert f'<a class="button" href="{home.url}">Read more</a>' in to_page


@pytest.mark.parametrize(
    "value, field",
    [
        ({"heading": "Join", "button_label": "Go", "link_url": ""}, "page"),
        ({"heading": "Join", "button_label": "Go", "link_url": "javascript:alert(1)"}, "link_url"),
        ({"heading": "Join", "button_label": "Go", "link_url": "data:text/html,x"}, "link_url"),
    ],
)
def test_call_to_action_refuses_a_missing_or_unsafe_link(value, field):
    block = CallToActionBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python(value))
    assert field in error.value.block_errors
    assert isinstance(error.value.block_errors[field], ValidationError)


def test_key_facts_render_as_a_description_list():
    html = render(
        "key_facts",
        {"heading": "Peru", "facts": [{"figure": "70,000", "description": "people died"}]},
    )
    assert "<dt>70,000</dt><dd>people died</dd>" in html
    assert '<h2 class="content-facts__heading">Peru</h2>' in html


def test_table_renders_headers_caption_and_escapes_cells():
    html = render(
        "table",
        {
            "data": [["Year", "Event"], ["1980", "<b>Conflict</b>"]],
            "table_header_choice": "row",
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_caption": "Timeline",
        },
    )
    assert "<caption>Timeline</caption>" in html
    assert '<th scope="col"' in html
    assert "&lt;b&gt;Conflict&lt;/b&gt;" in html


@pytest.mark.django_db
def test_every_block_previews_in_the_admin(admin_client):
    ImageFactory(title="A photo")
    DocumentFactory()
    cached_embed(
        STREAM.child_blocks["embed"].get_preview_value().url,
        '<iframe title="Preview video" src="https://www.youtube.com/embed/x"></iframe>',
    )
    # The class each of our block templates writes on its outermost element.
    marks = {
        "heading": "content-heading", "paragraph": "content-text", "image": "content-image",
        "quote": "content-quote", "embed": "content-embed", "document": "content-document",
        "call_to_action": "content-cta", "key_facts": "content-facts", "table": "content-table",
    }  # fmt: skip
    for name, block in STREAM.child_blocks.items():
        response = admin_client.get("/admin/block-preview/", {"id": block.definition_prefix})
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "css/site.css" in html, name
        assert f'class="{marks[name]}' in html, name
