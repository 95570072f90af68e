"""The shapes of page furniture, as regular expressions; used by `crosswire.clean`.

Each rule names a kind of furniture every news site has (ad slots, share bars, comment counters,
newsletter and membership appeals, photo and wire credits, related-story links, datelines), in the
wording sites use for it, never one site's exact string. Whole-line rules carry a length cap: furniture
is short, and a long line that happens to mention "subscribe" is prose.
"""

from __future__ import annotations

import re

# --- whole lines -----------------------------------------------------------------------------------

# Lines that are furniture whatever else they say, because the words only ever label a widget.
_WIDGET = re.compile(
    r"""(?ix)^[\W_]*(?:
      advertisement(?:\W+(?:(?:scroll\s+(?:down\s+)?(?:to\s+)?)?continue\s+reading|scroll\s+down)(?:\s+(?:the\s+)?(?:main\s+)?(?:story|article|below))?)?
    | adv?ertisements?|ad|ads|sponsored(?:\s+(?:content|links?|stories|by\b.*))?|promoted(?:\s+stories)?
    | (?:report|skip|close)\s+(?:this\s+)?ad
    | (?:story|article|text)\s+continu(?:e|es|ed)\s+below(?:\s+(?:this\s+)?ad(?:vertisement)?)?
    | \d[\d,.]*k?\s+(?:comments?|shares?|views?|replies|reactions?)
    | (?:view|show|hide|read|load|post|add|leave|see|join)\s+(?:all\s+|the\s+|a\s+)?(?:\d+\s+)?(?:comments?|discussion|conversation)(?:\s*\(\d+\))?
    | comments?(?:\s*\(\d+\))?|no\s+comments?
    | tweet\s+with\s+a\s+location
    | (?:(?:play|watch)\s+)?(?:share|tweet|pin|email|e-mail|print|save|copy\s+link|whatsapp|facebook|twitter|linkedin|reddit|pinterest|flipboard|messenger|sms|google\+?|tumblr)
      (?:[\s/|,·•]+(?:share|tweet|pin|email|e-mail|print|save|copy\s+link|whatsapp|facebook|twitter|linkedin|reddit|pinterest|flipboard|messenger|sms|google\+?|tumblr|this|it|story|article|on))*
    | (?:text|font)\s+size\W*|reset|menu|search|home|skip\s+to\s+(?:main\s+)?content|back\s+to\s+top|loading\W*|today|close
    | (?:image|photo|video|picture)s?(?:\s+(?:copyright|caption|credits?))?(?:\s+\d+\s+of\s+\d+)?
    | (?:getty\s+images|istock(?:photo)?|shutterstock|ap\s+photo|reuters|afp)(?:\s+photo)?
    | (?:previous|next)(?:\s+(?:article|story|post|slide|page))?
    | slideshow(?:\s*\(\d+\s+(?:images?|photos?)\))?
    | (?:read|show)\s+(?:more|less)|see\s+more|more\s+(?:stories|news|videos)|continue\s+reading
    | related(?:\s+(?:stories|articles|coverage|content|links?|news|posts?))?|also|see\s+also|more|trending(?:\s+now)?
    | (?:most\s+(?:read|popular|viewed|shared)|top\s+stories|editor'?s\s+picks?|recommended(?:\s+for\s+you)?|you\s+may\s+also\s+like|don'?t\s+miss)
    )[\W_]*$""",
)
# A marker that opens a line of links or teasers ("Related: ...", "READ MORE: ...", "ALSO: ...").
_TEASER = re.compile(
    r"""(?ix)^[\W_]*(?:read\s+more|related(?:\s+(?:stories|articles|coverage|content|links?|news))?|also(?:\s+read|\s+see)?
    |see\s+also|more|watch|listen|click\s+here|trending(?:\s+news)?|recommended|don'?t\s+miss|read\s+next|up\s+next
    |most\s+(?:read|popular|viewed)|further\s+reading|more\s+(?:from|on|stories|news)\b[^:]{0,40})\s*(?:[:|»›>]|\s+about\s*:)""",
)
# "Related 'Headline' Pt. 2: ..." with no colon after the marker: the quotation mark right after
# "Related" is what tells a teaser from a sentence ("Related Companies said ...").
_RELATED_QUOTED = re.compile(r"^[\W_]*(?:RELATED|Related)\s+['\"\u2018\u201c]")
# Appeals to the reader. Strong phrases are furniture on their own; weak ones ("newsletter",
# "subscribe", "cookies") only when the line also talks to the reader (you/your/our/us), because a news
# sentence can mention a newsletter but does not address the reader.
_STRONG_APPEAL = re.compile(
    r"""(?ix)\b(?:becom(?:e|ing)\s+a\s+(?:member|subscriber|supporter|patron)|shaping\s+our\s+journalism|support\s+(?:our|independent|quality)\s+journalism
    |thank(?:s|\s+you)\s+for\s+(?:registering|signing\s+up|subscribing|reading)|(?:enable|turn\s+on|requires?)\s+javascript|javascript\s+is\s+(?:disabled|required)
    |when\s+the\s+video\s+has\s+been\s+rented|this\s+(?:feature|video|content)\s+is\s+(?:not|un)available|please\s+try\s+again\s+later
    |all\s+rights\s+reserved|add\s+location\s+information\s+to\s+your\s+tweets
    |auto-generated\s+from\s+a\s+syndicated\s+feed|have\s+a\s+(?:news\s+)?tip|send\s+us\s+(?:a\s+)?tips?|like\s+us\s+on\s+facebook
    |follow\s+(?:us|@\w+|[\w.'’ -]{1,40}?)\s+on\s+(?:twitter|facebook|instagram|google\+?|tiktok|linkedin|threads|bluesky)
    |(?:like|love|enjoy(?:ed)?)\s+this\s+(?:story|article|post|piece)\?|share\s+(?:this|it)\s+with\s+(?:a\s+)?friends?
    |delivered\s+(?:straight\s+)?to\s+your\s+(?:inbox|phone|email)|in\s+your\s+inbox|by\s+signing\s+up|download\s+the\s+[\w .'’-]{1,40}\s+app
    |media\s+playback\s+is\s+unsupported|toggle\s+caption|\(opens\s+in\s+(?:a\s+)?new\s+window\)
    |verify\s+(?:that\s+)?you(?:'|’)?re\s+not\s+a\s+robot|continue\s+reading\s+the\s+main\s+story|join\s+us\s+on\s+(?:facebook|twitter|instagram)|to\s+subscribe\s+to\s+[^.,]{1,40},\s+click\s+here|not\s+in\s+our\s+(?:deliverable|delivery|service)\s+area|to\s+advertise\s+(?:on|in|with)\s+[\w.'’ -]{1,40}\W*$|you\s+may\s+opt[\s-]out\b|view\s+all\s+[\w.'’ -]{0,40}newsletters|scroll\s+down\s+for\s+(?:the\s+)?video
    |do\s+you\s+have\s+a\s+(?:news\s+)?story\s+for\b|we\s+pay\s+for\s+(?:your\s+)?(?:stories|videos|photos)|email\s+us\s+at\s+\S+@
    |not\s+responsible\s+for\s+the\s+content\s+of\s+external|external\s+links\s+are\s+provided\s+for\s+reference
    |replay\s+more\s+videos|transcripts?\s+(?:are|is)\s+(?:created|produced|prepared)\s+on\s+a\s+rush\s+deadline|this\s+text\s+may\s+not\s+be\s+in\s+its\s+final\s+form
    |the\s+authoritative\s+record\s+of\s+[\w.'’ -]{1,40}\s+is\s+the\s+audio\s+record)""",
)
# A web form's own messages, furniture only when they are the whole line or sentence ("An error has
# occurred." is a form's; "Officials said an error has occurred in the count" is news).
_FORM_MESSAGE = re.compile(
    r"(?i)\W*(?:invalid\s+e-?mail(?:\s+address)?|please\s+re-?enter|an\s+error\s+(?:has\s+)?occurred|please\s+try\s+again(?:\s+later)?)[\W_]*"
)
# The same, for phrases that are furniture only at the start of a line.
_STRONG_OPENING = re.compile(
    r"""(?ix)^\W*(?:©|\(c\)|copyright\s+(?:©\s*)?\d{4}|media\s+caption\b|click\s+to\s+(?:email|share|print|tweet)|story\s+highlights\b
    |published\s+on\s+\w{3,9}\.?\s+\d{1,2},\s+\d{4}\W*$)""",
)
# Substrings at least one of which every _STRONG_APPEAL / _WEAK_APPEAL match contains: testing them
# with `in` first skips the regex for ordinary prose, which made cleaning ~2x faster.
_STRONG_KEYS = (
    "member", "subscri", "supporter", "patron", "journalism", "thank", "javascript", "rented", "available",
    "try again", "rights reserved", "location information", "syndicated", "tip", "facebook", "follow",
    "this story", "this article", "this post", "this piece", "friend", "your inbox", "your phone",
    "your email", "signing up", " app", "media playback", "caption", "new window",
    "robot", "main story", "join us", "click here", "advertise", "our deliver", "our service area", "opt-out",
    "opt out", "newsletters", "scroll down", "have a story", "we pay", "email us", "not responsible", "replay",
    "external links", "transcript", "final form", "authoritative",
)
_WEAK_KEYS = (
    "newsletter", "subscri", "sign up", "sign in", "register", "log in", "login", "cookie", "privacy policy",
    "terms of", "member", "donat", "app store",
)
_CAPTION_KEYS = ("/", "photo", "image", "picture", "credit")
_MORE_TAIL = re.compile(r"(?i)\bmore\s*(?:>>|»|›)\s*$")
_WEAK_APPEAL = re.compile(
    r"(?i)\b(?:newsletters?|subscri(?:be|ption)|sign\s+(?:up|in)|register|log\s*in|cookies?|privacy\s+policy|terms\s+of\s+(?:use|service)|members?hip|donat(?:e|ion)|app\s+store)\b"
)
_READER = re.compile(
    r"(?i)^\W*(?:sign|subscribe|join|get|click|tap|download|register|log|become|support|donate|want|stay|don'?t)\b"
    r"|\byour\s+(?:inbox|email|account|browser|device|settings|privacy|subscription|phone)\b"
    r"|\byou\s+(?:agree|consent|accept|can\s+unsubscribe|need\s+to|must)\b"
    r"|\bour\s+(?:newsletters?|site|website|app|terms|privacy|cookies?|journalism|readers|(?:free\s+|daily\s+|weekly\s+)?(?:email|newsletter))\b"
    r"|\bwe\s+use\s+cookies\b"
)
# Credits: "Photo: X", "(Photo: X)", "Picture: Contributed", "Kevin Winter/Getty Images", "Sarah Tew/CNET".
_CREDIT = re.compile(
    r"""(?ix)^[\W_]*(?:(?:file\s+)?(?:photo|photograph|picture|pic|image|video|graphic|illustration|credit|caption|source|h/t)s?(?:\s+(?:credit|copyright|caption|by))?\s*[:|]
    |contribut(?:ing|ors?)\s*:
    |image\s+(?:copyright|caption)\b|(?:photo|picture|image)\s+by\s)""",
)
# A photo's credit and then its caption, one paragraph however long the caption runs:
# "Image copyright Getty Images Image caption The foundation set up by ..."
_BBC_CAPTION = re.compile(r"^[\W_]*image\s+copyright\b.{0,120}?\bimage\s+caption\b", re.IGNORECASE)
_SLASH_CREDIT_END = re.compile(r"\([^()\n]{1,80}/\s*[A-Z][^()\n]{0,80}\)\.?\s*$")
# Only short parenthesised credits or notes: "(AP Photo/Jane Doe) (Associated Press)", "(Reuters)",
# "(SOUNDBITE OF ARCHIVED RECORDING)". Up to six words each: "(The company did not respond to a
# request for comment.)" is the story's.
_ONLY_CREDITS = re.compile(r"^(?:\s*\(\s*(?:[^()\s]+\s*){1,6}\)\.?)+\s*$")
# A photo caption cut short by the page or closed by its photographer's credit, then its agency:
# "... are piled in a box at the... (Associated Press)", "... on Tuesday. (AP Photo/Jane Doe) (Associated Press)".
_CUT_CAPTION = re.compile(
    r"(?:(?:\.\.\.|…)|\([^()\n]{1,60}/[^()\n]{1,60}\)|\([^()\n]{1,60}\bvia\s+[A-Z][^()\n]{0,30}\))\s*\(\s*/?\s*[A-Z][\w.&'’ -]{1,40}\)\s*$"
)
_SLASH_CREDIT = re.compile(r"^[\w.'’ -]{2,40}/(?:[A-Z][\w.&'’ -]{1,30}|[A-Z]{2,10})$")
# Wire and agency credits closing a story.
# A contributors line: names and places (a wire service separates places with semicolons), then
# where they reported from, then at most a reporter's contact (e-mail, phone, web address).
_CONTACT = r"(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+?|\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4})"
_CONTRIBUTED = re.compile(
    r"(?i)^[\w.,;'’&() -]{2,600}\s+contributed\s+(?:to\s+)?(?:this\s+)?(?:report(?:ing)?|story|article)"
    r"(?:\s+(?:from|in|and|with)\b[^.@/]{0,80}?)?"
    rf"(?:\s*,?\s+(?:and\s+)?can\s+be\s+reached\s+at\s+{_CONTACT})?\.?"
    rf"(?:\s+(?:or\s+)?{_CONTACT}\.?)*$"
)
_REPORTING_BY = re.compile(
    r"(?i)^\(?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled)\s+by\b[^\n]{0,250}$"
)
_ARRANGEMENT = re.compile(
    r"""(?ix)^\(?\s*(?:this\s+(?:story|article)\s+(?:was\s+)?)?(?:published|posted|reproduced|republished|distributed|syndicated)
    \s+(?:in|under|by|via|through)\s+(?:an?\s+)?(?:arrangement|agreement|partnership|syndication|special\s+arrangement)
    \s+with\s+(?:the\s+)?([^()\n]{1,60}?)\s*\)?\s*\.?$""",
)
# A caption: any text closed by a photo credit, "(Jane Doe/Getty Images)", "Photo: X", "REUTERS/Jane Doe".
_CAPTION_CREDIT = re.compile(
    r"""(?x)(?:\([^()]{1,80}/\s*[A-Z][^()]{0,80}\)\.?
    |(?i:\((?:photo|image|picture|credit)s?\b[^()]{0,80}\))\.?
    |\b(?i:photo(?:graph)?|image|picture|credit)s?(?:\s+by)?\s*:\s*[^.]{1,80}\.?
    |\b[A-Z]{3,}/[A-Z][\w.'’ -]{1,40})\s*$"""
)
# A line that only says when: "Published on May 3, 2015", "Updated 6.15pm", "2 years ago", "Tue Feb 19, 2013 7:44 PM".
_TIME_WORDS = re.compile(
    r"(?i)\b(?:published|posted|updated|last|modified|on|at|am|pm|a\.m\.|p\.m\.|et|est|edt|cst|cdt|pst|pdt|gmt|utc|bst|cet"
    r"|ago|years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?|today|yesterday|th|st|nd|rd"
    r"|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    r"|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|associated|press|reuters|afp)\b"
)
_NO_WORDS = re.compile(r"^[\W\d_]*$")

# Caps: an appeal or credit line longer than this is prose that mentions the words (the longest
# furniture seen in Multi-News pages, POLITICO's newsletter box, is ~270 characters).
_APPEAL_MAX = 320
_CREDIT_MAX = 160
_TEASER_MAX = 250


# A web archive's notice about its own crawling, which a page fetched through the archive shows
# instead of the story (24 of Multi-News validation's 690 "articles" are only that, 4 more carry
# it). Matched on the notice's own wording, so a news story about the Internet Archive is kept.
_ARCHIVE_NOTICE = re.compile(
    r"(?i)donating (?:their|its) crawl data to the internet archive|these crawls are part of an effort to "
    r"archive pages|crawls of supported \W?no more 404\W? sites|the internet archive hopes that references"
    # and the description of the crawl collection such a page may carry instead or after it
    r"|\bwide\d{5}\b|slash pages from every domain|most highly ranked urls per domain|inter-domain (?:navigational )?link"
    r"|this crawl was run at a level|warc files associated with this crawl|web wide crawl with initial seedlist"
    r"|^crawl (?:start|end) date\b|^number of unique urls\b|seed list for this crawl|experimental crawl for us"
    r"|these wide crawls|this set of crawl data|^crawl of outlinks from|collaborative [\w ]{1,30} crawls performed by"
)


# Sentence ends inside a paragraph, for telling a block of form and notice messages from prose.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“'‘(\[]?[A-Z])")
# Longest paragraph tested sentence by sentence (the longest such block seen in Multi-News pages, a
# newsletter form's nine messages, is ~560 characters).
_BLOCK_MAX = 1500


# Substrings every _ARCHIVE_NOTICE match contains: most lines skip that long regex.
_ARCHIVE_KEYS = ("crawl", "archive", "wide", "urls", "inter-domain", "slash pages")


def is_furniture_line(line: str) -> bool:
    """True if the whole line (paragraph) is page furniture rather than article text.

    A paragraph too long for the line rules is furniture when its first sentence is, and at least half
    of all its sentences are. Pages glue a sign-up form's messages ("Invalid email address. Please
    re-enter. Thank you for subscribing.") or a transcript notice into one paragraph, and the sentences
    left over in such a block ("View all newsletters.") are the form's too.
    """
    if _is_furniture(line):
        return True
    if _APPEAL_MAX < len(line) <= _BLOCK_MAX:
        # the block must open with furniture: a story paragraph closed by credits and a "Visit our
        # site" line is prose with a tail, and losing its sentence would be worse than keeping the tail.
        # Tested first, on the first sentence alone, so prose paragraphs cost one sentence's check.
        first = _SENTENCE_END.search(line)
        if first is None or not _is_furniture(line[: first.start()]):
            return False
        parts = _SENTENCE_END.split(line)
        return len(parts) >= 3 and 2 * (1 + sum(map(_is_furniture, parts[1:]))) >= len(parts)
    return False


def _is_furniture(line: str) -> bool:
    if _NO_WORDS.match(line):
        return True
    low = line.lower()  # for the substring tests that spare the regexes below
    if len(line) <= 200 and _is_link_line(line, low):
        return True
    if len(line) <= 1200 and any(k in low for k in _ARCHIVE_KEYS) and _ARCHIVE_NOTICE.search(line):
        return True
    if len(line) <= 120 and (_WIDGET.match(line) or _FORM_MESSAGE.fullmatch(line)):
        return True
    if len(line) <= _TEASER_MAX and (_TEASER.match(line) or _RELATED_QUOTED.match(line)):
        return True
    if len(line) <= 300 and line.startswith("[") and line.endswith("]"):
        return True  # "[Related headline]" links, "[h/t X, Photo: Y]"
    if len(line) <= _APPEAL_MAX:
        if _STRONG_OPENING.match(line) or _MORE_TAIL.search(line[-12:]):
            return True
        if any(k in low for k in _STRONG_KEYS) and _STRONG_APPEAL.search(line):
            return True
        if any(k in low for k in _WEAK_KEYS) and _WEAK_APPEAL.search(line) and _READER.search(line) and not _looks_quoted(line):
            return True
    if len(line) <= _CREDIT_MAX:
        if _CREDIT.match(line) or _ARRANGEMENT.match(line):
            return True
        if _SLASH_CREDIT.match(line) and not line.endswith("."):
            return True
        if re.search(r"(?i)\bread\s+more\s*$", line) and not line.endswith("."):
            return True  # "Headline | Author Read more" teaser
    # longer than other credits: a list of names, "CNN's A, B, C, ... and D contributed to this report."
    if len(line) <= 700 and _CONTRIBUTED.match(line):
        return True
    if len(line) <= 600 and _BBC_CAPTION.match(line):
        return True
    if len(line) <= 400 and _REPORTING_BY.match(line):
        return True
    if len(line) <= 300 and any(k in low[-200:] for k in _CAPTION_KEYS) and _CAPTION_CREDIT.search(line[-200:]):
        return True
    # A caption may run to several sentences; prose does not end in a photographer's "(Name/Agency)".
    # Only that form past 300 characters: "[Photos: ...]" after a long paragraph is a link glued to prose.
    if len(line) <= 600 and "/" in line[-120:] and _SLASH_CREDIT_END.search(line[-120:]):
        return True
    if len(line) <= 600 and _CUT_CAPTION.search(line[-120:]):
        return True
    if len(line) <= 120 and _ONLY_CREDITS.match(line):
        return True
    if len(line) <= 60 and not line.endswith(":") and any(ch.isdigit() for ch in line) and is_timestamp(line):
        return True
    return False


# Web addresses and social handles; what a line says besides them is what makes it prose.
_LINK = re.compile(r"(?i)\bhttps?://\S+|\bwww\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|co\.uk|gov|edu)(?:/\S*)?|@\w{2,}|\bpic\.twitter\.com/\S+")
_LINK_LABEL_MAX = 6
# A quoted post: "Heartbroken. — A Name (@handle) June 20, 2017", "@handle: my battery died".
# A lone handle is the byline of the post above it ("@someone."), kept with it.
_SIGNATURE = r"[—–-]\s*[^()\n]{1,60}\(@\w+\)\s+\w+\s+\d{1,2},\s+\d{4}\s*$"  # "— A Name (@handle) June 20, 2017"
_POST = re.compile(_SIGNATURE + r"|^@\w+:\s+\S|^[—–-]?\s*@\w+\W{0,2}$")
# The signature a quoted post ends with, split off as a sentence of its own.
_POST_SIGNATURE = re.compile(r"^\W{0,3}" + _SIGNATURE)


def is_post_signature(sentence: str) -> bool:
    """True for "— Elon Musk (@elonmusk) December 2, 2017" alone: who posted the text above, not a fact."""
    return "(@" in sentence and bool(_POST_SIGNATURE.match(sentence))


# An author's contact line: "Contact Jane Doe at 555-0100.", "Jane Doe can be reached at jdoe@example.com".
_CONTACT = re.compile(
    r"(?i)^(?:contact\s+[\w.'’ -]{2,40}\s+at\s+\S+|[\w.'’ -]{2,40}\s+can\s+be\s+reached\s+at\s+\S+)"
    r"|\bfollow\s+(?:him|her|them|me)\s+(?:at|on)\s+(?:twitter|facebook|instagram|\S+\.com)"
)


# Words that label a link ("Follow @x.", "Visit www.example.org.", "More info: ...").
_LINK_LABELS = frozenset({
    "follow", "like", "visit", "see", "read", "more", "info", "share", "watch", "subscribe", "email", "mail",
    "contact", "reach", "twitter", "facebook", "instagram", "youtube", "tumblr", "website", "site", "here",
})
# Substrings every _LINK / _CONTACT match contains: a cheap test before the regexes.
_LINK_KEYS = ("http", "www.", ".com", ".org", ".net", ".co.uk", ".gov", ".edu", "@")
_CONTACT_KEYS = ("contact", "reached", "follow")


def _is_link_line(line: str, low: str) -> bool:
    """A line that is a web address or a handle with at most a short label ("NBC Tumblr: http://...",
    "Twitter: @someone", "More info: www.example.com"), or an author's contact line (`low`: the line
    lower-cased)."""
    if any(k in low for k in _CONTACT_KEYS) and _CONTACT.search(line):
        return True
    if not any(k in low for k in _LINK_KEYS) or not _LINK.search(line) or line.endswith(":") or _POST.search(line):
        return False  # a label introducing what follows, or a quoted social-media post
    rest = _LINK.sub(" ", line)
    words = re.findall(r"[A-Za-z]{2,}", rest)
    if len(words) > _LINK_LABEL_MAX:
        return False
    # A short sentence that names a site or an account ("Amazon.com shares rose 5% on Tuesday.", "The
    # post was shared by @someone.") is news; a link line ends without a full stop, or labels its link.
    return not re.search(r"[.!?][)\"”’']*$", rest.strip()) or ":" in rest or any(w.lower() in _LINK_LABELS for w in words)


def is_timestamp(line: str) -> bool:
    """True if the line is only a date or time ("Published on May 3, 2015", "Updated 6.15pm")."""
    rest = _TIME_WORDS.sub(" ", line)
    return not re.search(r"[^\W\d_]", rest)


def _looks_quoted(line: str) -> bool:
    # Someone quoted telling "you" to sign up is news, not an appeal from the page.
    return bool(re.search(r"[\"“”]", line)) and bool(re.search(r"(?i)\b(?:said|says|told|asked|wrote)\b", line))


def agency_credit(line: str) -> str | None:
    """The agency or outlet named by a syndication credit line ("(Published in an arrangement with PTI)")."""
    m = _ARRANGEMENT.match(line)
    return m.group(1).strip() if m else None


# --- inside lines ----------------------------------------------------------------------------------

# A related-story link: "Also on rt.com <headline>" (the domain names the outlet), "READ MORE: <headline>".
_LINK_MARKER = re.compile(
    r"(?i)(?:(?<=^)|(?<=[.!?\"”’)]\s)|(?<=[.!?\"”’)]))(?:also|more|read\s+more|see\s+also)\s+on\s+((?:[a-z0-9-]+\.)+[a-z]{2,})\b\s*[:|–—-]?\s*"
    r"|(?:(?<=^)|(?<=[.!?\"”’)]\s)|(?<=[.!?\"”’)]))(?:READ\s+MORE|Read\s+more|RELATED|Related|ALSO\s+READ|Also\s+read|SEE\s+ALSO|See\s+also)\s*:\s*"
)
# Where the headline runs into the real sentence with no space: "...keepThe two", "...PutinLavrov said".
# Two lower-case letters (or a digit or closing punctuation) before the capital avoid "McCain", "iPhone".
_HEADLINE_MAX = 250
_MARKER_WORDS = ("also on ", "more on ", "read more", "see also", "related", "also read")
_GLUE = re.compile(r"(?:(?<=[a-z]{2})|(?<=[0-9%)\]\"”’?!]))(?=[A-Z][a-z'’]*\b)")
# Camel-case brand names whose inner capital is not a glue point (a general list, extend as needed).
_CAMEL_WORDS = frozenset(
    "youtube paypal javascript whatsapp playstation linkedin facebook tiktok wikileaks sportscenter "
    "smackdown pricewaterhousecoopers blackrock jetblue easyjet fedex glaxosmithkline hubspot".split()
)
_WIRE_TAIL = re.compile(r"(?:(?<=^)|(?<=[.!?\"”’)]\s)|(?<=[.!?\"”’)]))\s*[-–—]?\s*With\s+(?:[\w.&'’-]+\s+){0,3}(?:wires?|wire\s+services|news\s+services|reports?)\s*\.?$")
_CLICK_HERE = re.compile(r"\s*\((?:click|tap)\s+here\b[^()]{0,150}\)|(?:(?<=^)|(?<=[.!?\"”’)]\s))(?:Click|Tap)\s+here\b[^.!?]{0,200}[.!?]?\s*$")


# A video player's control labels glued before the paragraph they precede ("CLOSE Skip in Skip x
# Embed x Share The discovery of ...").
_PLAYER_CONTROLS = re.compile(r"(?:CLOSE\s+)?Skip\s+in\s+Skip\s+x\s+Embed\s+x\s+Share(?:\s+CLOSE)?\s+")


def cut_inline(para: str) -> tuple[str, list[str], str | None]:
    """Remove glued related-story links and trailing credits from one paragraph.

    Returns the paragraph left, the pieces cut, and an outlet domain named by a link marker, if any.
    """
    cut: list[str] = []
    source = None
    pos = 0
    low = para.lower()
    # Cheap substring tests first: the regexes below are the slowest part of cleaning.
    if not any(k in low for k in _MARKER_WORDS):
        pos = len(para)
    while pos < len(para):
        m = _LINK_MARKER.search(para, pos)
        if not m:
            break
        glue = _glue_point(para, m.end())
        if glue is None:
            if m.start() == 0 and len(para) <= _TEASER_MAX:
                cut.append(para)  # a link on its own line
                para = ""
                source = source or (m.group(1).lower() if m.group(1) else None)
                break
            pos = m.end()
            continue
        source = source or (m.group(1).lower() if m.group(1) else None)
        cut.append(para[m.start() : glue].strip())
        para = (para[: m.start()] + para[glue:]).strip()
        pos = m.start()
    if "with " in para[-80:].lower():
        m = _WIRE_TAIL.search(para, max(0, len(para) - 80))
        if m:
            cut.append(m.group(0).strip())
            para = para[: m.start()].strip()
    if "here" in low:
        m = _CLICK_HERE.search(para)
        if m:
            cut.append(m.group(0).strip())
            para = (para[: m.start()] + para[m.end() :]).strip()
    if "skip" in low:
        if len(_PLAYER_CONTROLS.findall(para)) >= 2:
            # a video carousel: each clip's controls, title, length ("| 0:38"), blurb and "2 of 41"
            cut.append(para)
            return "", cut, source
        m = _PLAYER_CONTROLS.match(para)
        if m:
            cut.append(m.group(0).strip())
            para = para[m.end() :].strip()
    return para, cut, source


def _glue_point(para: str, start: int) -> int | None:
    # A headline is at most ~200 characters: the glue point is looked for that far and no further,
    # which also keeps a paragraph full of markers linear.
    for g in _GLUE.finditer(para, start, min(len(para), start + _HEADLINE_MAX)):
        i = g.start()
        # The glued token, looked at within 30 characters each side (brand names are short; an
        # unbounded scan made a long camel-case run quadratic).
        word_start = i
        while word_start > max(0, i - 30) and (para[word_start - 1].isalnum() or para[word_start - 1] in "'’-"):
            word_start -= 1
        word_end = i
        while word_end < min(len(para), i + 30) and para[word_end].isalnum():
            word_end += 1
        if para[word_start:word_end].lower() in _CAMEL_WORDS:
            continue
        if len(para) - i < 20:
            return None  # nothing like a sentence follows: a headline with an odd capital
        return i
    return None


# --- datelines -------------------------------------------------------------------------------------

# "MOSCOW —", "WASHINGTON (Reuters) -", "NEW YORK, N.Y. --", "UNION CITY, Ga. -", "LONDON, May 5 (AFP) -",
# "Moscow, May 14 (Reuters) -" (a mixed-case place only with an agency), "(CNN) —".
_PLACE_CAPS = r"[A-Z][A-Z.'’-]+(?:(?:\s+|/)[A-Z][A-Z.'’-]+){0,3}"  # "TOKYO/SEOUL" too
_PLACE_MIXED = r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}"
_QUALIFIER = r"(?:,\s*[A-Z][\w.'’]*(?:\s+[\w.'’]+){0,3})?"
_AGENCY = r"\(\s*[A-Z][\w.&'’ -]{0,25}\)"
# a closed-up em dash too ("WASHINGTON—The chairman", one paper's house style), but only before a capital
_DASH = r"(?:\s*(?:—|–|--|-|\|)(?:\s+|$)|—(?=[A-Z\"“]))"
_DATELINE = re.compile(
    rf"^(?:{_PLACE_CAPS}{_QUALIFIER}(?:\s*{_AGENCY})?{_DASH}|{_PLACE_MIXED}{_QUALIFIER}\s*{_AGENCY}{_DASH}|{_AGENCY}\s*(?:—|–|--|-)?\s*)"
)


def split_dateline(para: str) -> tuple[str, str | None]:
    """(rest, dateline) when `para` opens with a dateline followed by a sentence; else (para, None)."""
    m = _DATELINE.match(para)
    if not m:
        return para, None
    rest = para[m.end() :].lstrip()
    head = m.group(0).strip()
    if not rest or not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"'“‘"):
        return para, None
    return rest, head


def is_dateline_only(line: str) -> bool:
    """True if the line is nothing but a dateline ("MOSCOW —")."""
    m = _DATELINE.match(line)
    return bool(m) and not line[m.end() :].strip() and any(ch.isalpha() for ch in line)

