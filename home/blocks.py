"""The one library of StreamField blocks; every page body is a BaseStreamBlock or extends it."""

from django.core.exceptions import ValidationError

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200, help_text="The words of the heading.")
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section heading"), ("h3", "Sub-heading"), ("h4", "Minor heading")],
        default="h2",
        help_text="Use a section heading first; sub-headings go inside a section.",
    )

    class Meta:
        icon = "title"
        label = "Heading"
        template = "blocks/heading_block.html"
        preview_value = {"text": "Mining and water in Cajamarca", "level": "h2"}
        description = "A heading that divides the text into sections."


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        required=False,
        max_length=250,
        help_text="Describe the image for people who cannot see it. "
        "Leave empty to use the description saved with the image.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)
    credit = blocks.CharBlock(
        required=False, max_length=120, help_text="Who took or owns the image."
    )

    class Meta:
        icon = "image"
        label = "Image"
        template = "blocks/image_block.html"
        description = "An image with alternative text, a caption and a credit."

    def get_preview_value(self):
        image = get_image_model().objects.order_by("-created_at").first()
        return self.to_python(
            {"image": image.pk if image else None, "caption": "A caption", "credit": "A credit"}
        )


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(help_text="The words quoted, without quotation marks.")
    attribution = blocks.CharBlock(
        required=False, max_length=200, help_text="Who said or wrote it."
    )

    class Meta:
        icon = "openquote"
        label = "Quote"
        template = "blocks/quote_block.html"
        preview_value = {
            "quote": "Human rights violations were widespread during the twenty years "
            "after the initiation of armed conflict in 1980.",
            "attribution": "Peru Support Group",
        }
        description = "A quotation with the name of its source."


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(
        required=False, max_length=200, help_text="Leave empty to use the document's own title."
    )
    description = blocks.TextBlock(required=False, max_length=500)

    class Meta:
        icon = "doc-full"
        label = "Document download"
        template = "blocks/document_block.html"
        description = "A link to download a document, such as a briefing PDF."

    def get_preview_value(self):
        document = get_document_model().objects.order_by("-created_at").first()
        return self.to_python({"document": document.pk if document else None})


# A typed link may only lead somewhere safe: never javascript: or data: URLs.
SAFE_LINK_PREFIXES = ("https://", "http://", "/", "#", "mailto:")


class LinkStructValue(blocks.StructValue):
    """Works out once where a call to action points: a chosen page wins over a typed URL."""

    def url(self):
        page = self.get("page")
        if page:
            return page.url
        return self.get("link_url") or ""


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    button_label = blocks.CharBlock(max_length=60, help_text='For example "Become a member".')
    page = blocks.PageChooserBlock(required=False, help_text="A page on this site, or…")
    link_url = blocks.CharBlock(
        required=False,
        max_length=500,
        label="Link",
        help_text="…a web address (https://…) or a place on this page (#apply).",
    )

    class Meta:
        icon = "pick"
        label = "Call to action"
        template = "blocks/call_to_action_block.html"
        value_class = LinkStructValue
        preview_value = {
            "heading": "Support our work",
            "text": "Members keep the Peru Support Group independent.",
            "button_label": "Become a member",
            "link_url": "#",
        }
        description = "A short appeal with a button."

    def clean(self, value):
        value = super().clean(value)
        link = value.get("link_url", "").strip()
        if not value.get("page") and not link:
            raise StructBlockValidationError(
                block_errors={"page": ValidationError("Choose a page or enter a link.")}
            )
        if link and not link.startswith(SAFE_LINK_PREFIXES):
            raise StructBlockValidationError(
                block_errors={
                    "link_url": ValidationError(
                        "Enter a web address starting https://, a path starting /, "
                        "a place on this page starting #, or a mailto: address."
                    )
                }
            )
        return value


class KeyFactBlock(blocks.StructBlock):
    figure = blocks.CharBlock(max_length=40, help_text='The number or short fact, e.g. "70,000".')
    description = blocks.CharBlock(max_length=200, help_text="What the figure means.")


class KeyFactsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    facts = blocks.ListBlock(KeyFactBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        label = "Key facts"
        template = "blocks/key_facts_block.html"
        preview_value = {
            "heading": "Key facts",
            "facts": [
                {"figure": "70,000", "description": "people died in the internal armed conflict"},
                {"figure": "1980", "description": "the year the armed conflict began"},
            ],
        }
        description = "A short list of figures and what they mean."


class SocialLinkBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=40, help_text='The site\'s name, e.g. "Bluesky".')
    url = blocks.URLBlock(help_text="The full address of our page there.")

    class Meta:
        icon = "link-external"
        label = "Social link"
        template = "blocks/social_link_block.html"
        preview_value = {"name": "YouTube", "url": "https://www.youtube.com/"}


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "document-link", "ol", "ul", "hr"],
        icon="pilcrow",
        label="Text",
        template="blocks/paragraph_block.html",
        preview_value=(
            "<p>The Peru Support Group exists to promote social inclusion, sustainable "
            "development and the observance of human rights in Peru.</p>"
        ),
        description="Paragraphs of text with links and lists.",
    )
    image = ImageBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(
        icon="media",
        label="Embedded media",
        template="blocks/embed_block.html",
        help_text="A link to a video or post, e.g. on YouTube or Vimeo.",
        preview_value="https://www.youtube.com/watch?v=mwrGSfiB1Mg",
        description="A video or other media from another site.",
    )
    document = DocumentBlock()
    call_to_action = CallToActionBlock()
    key_facts = KeyFactsBlock()
    table = TableBlock(
        icon="table",
        label="Table",
        template="blocks/table_block.html",
        preview_value={
            "data": [["Year", "Event"], ["1980", "Armed conflict begins"]],
            "table_header_choice": "row",
            "first_row_is_table_header": True,
            "table_caption": "A table",
        },
        description="A table of figures or facts, with a caption.",
    )
