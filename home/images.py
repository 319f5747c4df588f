"""What an uploaded SVG image may hold. An SVG is a document as well as a picture: opened from
the site's own address it could run script as the site. Logos and diagrams need none of that, so
an SVG with anything that can run or fetch (script, event handlers, links and references outside
the file, embedded HTML, animation that can rewrite a link, a DTD or entities, processing
instructions such as stylesheets) is refused with a message, and nothing is stored."""

import re
from xml.parsers import expat

from django.core.exceptions import ValidationError

from wagtail.images.forms import BaseImageForm

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
# The elements that draw, and the containers, styles and descriptions around them.
SVG_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "switch",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "image",
    "style", "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
    "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
    "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur",
    "feImage", "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight",
    "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
}  # fmt: skip
# Namespaces whose elements a browser would make live: HTML (script, iframe...), MathML, XSLT.
ACTIVE_NAMESPACES = {
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/1998/Math/MathML",
    "http://www.w3.org/1999/XSL/Transform",
}
# A reference may point inside the file, or hold a picture inline.
SAFE_REFERENCES = ("#", "data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")
UNSAFE_TEXT = ("javascript:", "vbscript:", "@import", "expression(")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]*)""", re.IGNORECASE)


def is_unsafe_text(value):
    """True where styles or attribute values could run script or fetch from elsewhere."""
    squeezed = re.sub(r"\s", "", value).lower()
    return any(text in squeezed for text in UNSAFE_TEXT) or any(
        not url.startswith(SAFE_REFERENCES) for url in CSS_URL.findall(value)
    )


class UnsafeSvg(ValueError):
    pass


def check_svg(data):
    """Raises UnsafeSvg, saying why, unless the SVG (bytes) holds only what draws."""
    parser = expat.ParserCreate(namespace_separator=" ")
    # Each run of text in one piece, so that no word can be split past the checks.
    parser.buffer_text = True
    parser.buffer_size = max(len(data), 1024)

    def refuse(reason):
        raise UnsafeSvg(reason)

    def start(name, attributes):
        namespace, _, local = name.rpartition(" ")
        if namespace in ACTIVE_NAMESPACES or local.lower() == "script":
            refuse(f"it holds a <{local}> element, which could run in the browser")
        if namespace == SVG and local not in SVG_ELEMENTS:
            refuse(f"it holds a <{local}> element; only shapes, text and styles are allowed")
        for attribute, value in attributes.items():
            attribute_namespace, _, attribute_name = attribute.rpartition(" ")
            if attribute_name.lower().startswith("on"):
                refuse(f"its {attribute_name} attribute could run script in the browser")
            if attribute_name == "href" and attribute_namespace in ("", XLINK):
                if not value.strip().startswith(SAFE_REFERENCES):
                    refuse("it refers to something outside the file")
            if is_unsafe_text(value):
                refuse(f"its {attribute_name} attribute could run script or fetch from elsewhere")

    def text(data):
        if is_unsafe_text(data):
            refuse("its text or styles could run script or fetch something from elsewhere")

    def doctype(*args):
        refuse("it has a document type declaration, which SVG images do not need")

    def instruction(target, data):
        refuse(f"it has a <?{target}?> instruction, which SVG images do not need")

    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise UnsafeSvg("it is not well-formed XML") from error


class ImageForm(BaseImageForm):
    """Wagtail's image form (adding, replacing, uploading several, choosing), refusing unsafe
    SVGs."""

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and getattr(getattr(file, "image", None), "format_name", "") == "svg":
            file.seek(0)
            try:
                check_svg(file.read())
            except UnsafeSvg as reason:
                raise ValidationError(
                    "This SVG cannot be used because %(reason)s. Export it again as a plain "
                    "SVG (or a PNG) without scripts, links or embedded content.",
                    code="unsafe_svg",
                    params={"reason": reason},
                ) from None
            finally:
                file.seek(0)
        return file
