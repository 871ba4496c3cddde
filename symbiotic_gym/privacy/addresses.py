"""Street addresses in English, German, French, Italian, Spanish, Dutch and Nordic forms, P.O. boxes and
US military addresses, found in running text, form fields and address blocks.

An address is found from a *core* and then widened over the parts around it:

- cores: a house number with a street type (``742 Evergreen Terrace``, ``184th Street``, ``12 rue de la Paix``,
  ``Via Leopardi 83``, ``Calle Mayor 5``, ``Invalidenstrasse 19``, ``Olmstraat 69``, ``Hundbergsvägen 13``),
  a P.O. box in several languages (``P.O. Box 255``, ``Postfach 12``, ``Postbus 7``), a military address
  (``PSC 2221, Box 9693``, ``Unit 4270 Box 1039``, ``USNS Tran`` / ``APO AE 09012``), or a street name and
  number right after an address cue (``lives on Furuveien 141``, ``Address: Pagari 18``, ``ship to ...``);
- widening: a leading building number or unit (``Apt. 978 754 ...``), then secondary units (``Suite 026``),
  city, region code, postcode (US, UK, Canadian, Dutch, Polish, Portuguese, Swedish forms) and country on the
  following comma- or line-separated parts, so the finding covers the whole block.

Street types are matched case-insensitively where the word is rarely anything else (street, avenue, rue,
strasse ...) and only capitalised where it is a common word (Park, View, Green, Place ...). libpostal would
parse addresses better but needs a C library and a data download; ``usaddress``/``pyap`` parse US (and
CA/GB) forms only and are slower than these patterns behind their gate, so the patterns are our own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from symbiotic_gym.privacy.finding import Finding, Substrings, lowered, non_ascii, tokens

# USPS Publication 28 primary street suffixes and common abbreviations, plus British forms
STRONG_TYPES = (
    "street|st|streets|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|terrace|ter|terr|"
    "crescent|cres|parkway|pkwy|highway|hwy|freeway|fwy|expressway|expy|turnpike|tpke|circle|cir|square|sq|"
    "trail|trl|alley|aly|causeway|cswy|crossing|xing|esplanade|promenade|boulevard|plaza|plz|close|mews|"
    "heights|hts|gardens|gdns|stravenue|strasse|straße|rue|via|calle|avenida|straat|laan|weg|vej|gade"
)
WEAK_TYPES = (
    "Way|Place|Pl|Park|Parks|Hill|Hills|View|Views|Green|Greens|Grove|Groves|Row|Walk|Gate|Rise|Chase|Mead|"
    "Parade|Quay|Wharf|Drove|Wynd|Yard|Bend|Bluff|Bluffs|Branch|Bridge|Brook|Brooks|Burg|Burgs|Bypass|Camp|"
    "Canyon|Cape|Center|Centre|Centers|Cliff|Cliffs|Club|Common|Commons|Corner|Corners|Course|Courts|Cove|Coves|"
    "Creek|Crest|Crossroad|Curve|Dale|Dam|Divide|Drives|Estate|Estates|Extension|Falls|Ferry|Field|Fields|Flat|"
    "Flats|Ford|Fords|Forest|Forge|Forges|Fork|Forks|Fort|Garden|Gateway|Glen|Glens|Harbor|Harbour|Harbors|"
    "Haven|Hollow|Inlet|Island|Islands|Isle|Junction|Junctions|Key|Keys|Knoll|Knolls|Lake|Lakes|Land|Landing|"
    "Light|Lights|Loaf|Lock|Locks|Lodge|Loop|Mall|Manor|Manors|Meadow|Meadows|Mill|Mills|Mission|Motorway|"
    "Mount|Mountain|Mountains|Neck|Orchard|Oval|Overpass|Pass|Passage|Path|Pike|Pine|Pines|Plain|Plains|"
    "Point|Points|Port|Ports|Prairie|Radial|Ramp|Ranch|Rapid|Rapids|Rest|Ridge|Ridges|River|Roads|Route|Run|"
    "Shoal|Shoals|Shore|Shores|Skyway|Spring|Springs|Spur|Spurs|Squares|Station|Stream|Summit|Trace|Track|"
    "Trafficway|Tunnel|Underpass|Union|Unions|Valley|Valleys|Viaduct|Village|Villages|Ville|Vista|Walks|Wall|"
    "Well|Wells|Ct|Cv|Cyn|Ext|Frk|Ft|Grv|Hbr|Holw|Jct|Knl|Lk|Lndg|Mdw|Mtn|Orch|Pt|Rdg|Shr|Spg|Sta|Smt|Trce|"
    "Vly|Vw|Vlg|Vis|Crst|Ctr|Approach|Courtyard|Concourse|Circuit|Glade|Outlook|Retreat|Boardwalk|Gardens"
)
# street-type words that come before the name (continental forms)
PREFIX_TYPES = (
    r"rue|rua|r\.|avenue|av\.|avda\.?|avenida|via|viale|vicolo|piazza|piazzale|corso|largo|strada|str\.|"
    r"calle|c/|plaza|pza\.|paseo|pº|camino|carretera|ctra\.|travesía|ronda|chemin|ch\.|allée|impasse|quai|"
    r"boulevard|bd\.?|cours|place|route|ul\.|ulica|al\.|aleja|os\.|osiedle|pl\.|plac|rruga|ulitsa|praça|travessa|"
    r"cuesta|incrocio|contrada|borgo|vico|vial|rotonda|traversa|salita|lungomare|canale|stretto|avinguda|carrer|"
    r"passeig|plaça|rambla|glorieta|urbanización|callejón|pasaje|pasadizo|alameda|acceso|cañada|sendero|bulevar|"
    r"passage|sentier|voie|esplanade|faubourg|hameau|square|ladeira|travessa|alameda|rodovia|estrada|vila|viela|"
    r"condomínio|jardim|quadra|setor|residencial|conjunto|passarela|lagoa|feira|trecho|recanto|pátio|lago|vale|campo|sítio|chácara|núcleo|morro|viaduto|trg|ulica|cesta|ulitsa|prospekt|pr\.|pereulok|ploshchad"
)
# prefixes that are also ordinary words: only capitalised, or lower-case before a particle ("route de Lyon")
WORDLIKE_PREFIXES = frozenset(
    [
        "via",
        "place",
        "route",
        "avenue",
        "boulevard",
        "cours",
        "square",
        "passage",
        "acceso",
        "canale",
        "stretto",
        "rotonda",
        "salita",
        "voie",
        "borgo",
    ]
)
# street-type endings of one-word names (Invalidenstrasse, Olmstraat, Hundbergsvägen, Kaarikatu), or the
# same word standing alone after the name (Reinprechtsdorfer Strasse, Margrethes Plads, Bem rakpart)
SUFFIX_TYPES = (
    r"straße|strasse|str\.|gasse|weg|allee|platz|damm|ufer|chaussee|pfad|steig|graben|markt|"
    r"straat|laan|gracht|plein|kade|singel|dijk|dreef|steeg|baan|boulevard|"
    r"vägen|väg|gatan|gata|gränd|stigen|backen|torget|vej|gade|allé|stræde|plads|torv|vænget|veien|vegen|vei|veg|"
    r"gaten|bakken|stien|svingen|haugen|hagen|faret|roa|tunet|skogen|jordet|løkka|vollen|kroken|dalen|grenda|plassen|lei|ringen|"
    r"katu|kuja|tie|polku|tori|kaari|vegur|stígur|braut|gata|tún|utca|út|tér|körút|rakpart|"
    r"ulice|náměstí|třída|cesta|ulica|utcája|u\.|köz|fasor|kapu|põik|tänav|maantee|puiestee|iela|gatve"
)
NUM = r"\d{1,6}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?(?![.,]\d|%)"
WORD = r"[^\W\d_][\w'’.-]*"
PARTICLES = frozenset(
    [
        "de",
        "la",
        "le",
        "les",
        "du",
        "des",
        "del",
        "della",
        "di",
        "da",
        "do",
        "dos",
        "das",
        "van",
        "der",
        "den",
        "von",
        "und",
        "y",
        "e",
        "et",
        "of",
        "the",
        "an",
    ]
)
# words that follow a number in ordinary prose ("3 items", "5 days ago in the park")
NOT_STREET_WORDS = frozenset(
    [
        "items",
        "item",
        "days",
        "day",
        "hours",
        "hour",
        "minutes",
        "years",
        "year",
        "weeks",
        "months",
        "times",
        "people",
        "reviews",
        "comments",
        "points",
        "votes",
        "results",
        "stars",
        "pieces",
        "units",
        "orders",
        "products",
        "users",
        "members",
        "pages",
        "steps",
        "miles",
        "km",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "from",
        "by",
        "and",
        "or",
        "of",
        "is",
        "are",
        "was",
        "were",
        "ago",
        "more",
        "less",
        "new",
        "best",
        "top",
    ]
)

EN_CORE = re.compile(
    rf"(?<![\w.,/-])(?P<num>{NUM}|\d{{1,4}}(?:st|nd|rd|th)),?\s+(?P<words>(?:{WORD}\s+){{1,4}}?)"
    rf"(?P<type>(?i:{STRONG_TYPES})|(?:{WEAK_TYPES})s?)(?![\w])\.?"
)
# a street named without a house number: "Gorski Hollow Street", "Costanera 9293 street" (capitalised name,
# a full street word: only the unambiguous ones; "Wall Street" is a street too, and a false alarm costs a
# local step)
NAMED_TYPES = (
    "Street", "street", "Avenue", "avenue", "Road", "road", "Boulevard", "Lane", "Drive", "Strasse", "Straße", "Calle",
)  # fmt: skip
NAMED_STREET = re.compile(
    rf"(?<![\w.])(?P<name>(?:[^\W\d_a-z][\w'’-]*\s+){{1,3}}(?:{NUM}\.?\s+)?)"
    rf"(?P<type>{'|'.join(NAMED_TYPES)})(?![\w])"
)
ORDINAL_STREET = re.compile(
    rf"(?i)(?<![\w.,/-])\d{{1,4}}(?:st|nd|rd|th)\s+(?:{STRONG_TYPES})\b(?:\s+(?:north|south|east|west|[nsew]{{1,2}})\b)?"
)
# "12 rue de la Paix" (number first) and "Via Leopardi 83", "Ladeira Machado, 537" (number after the name)
PREFIX_CORE = re.compile(
    rf"(?<![\w.])(?:(?P<num1>{NUM}),?\s+(?P<ptype1>(?i:{PREFIX_TYPES}))\s+(?P<name1>(?:{WORD}[ \t]+){{0,4}}{WORD})"
    rf"|(?P<ptype2>(?i:{PREFIX_TYPES}))\s+(?P<name2>(?:{WORD}[ \t]+){{0,4}}?{WORD}),?\s+(?P<num2>{NUM}))(?![\w])"
)
SUFFIX_CORE = re.compile(
    rf"(?<![\w.])(?P<name>(?:[^\W\d_a-z][\w'’.-]*[\s-]){{0,2}}?"
    rf"(?:[^\W\d_]{{2,}}(?i:{SUFFIX_TYPES})|[^\W\d_]+[\s-](?i:{SUFFIX_TYPES}|ring)))\.?\s+(?P<num>{NUM})(?![\w])"
)
PO_BOX = re.compile(
    r"(?i)(?<![\w])(?:p\.?\s?o\.?\s?box|post(?:al)?\s?(?:office\s)?box|postbox|postboks|postfach|postbus|"
    r"bo[iî]te postale|apartado(?: de correos)?|casella postale|caixa postal|box)\s*(?:no\.?|#)?\s*\d{1,6}(?![\w])"
)
MILITARY = re.compile(
    r"(?<![\w])(?:(?:PSC|CMR|Unit)\s+\d{3,5},?\s+Box\s+\d{1,5}|(?:APO|FPO|DPO)\s+(?:AA|AE|AP)(?:\s+\d{5}(?:-\d{4})?)?"
    r"|US(?:S|NS|NV|CGC)\s+[^\W\d_][\w'’-]*)(?![\w])"
)
ADDRESS_CUE = re.compile(
    r"(?i)(?:\baddress(?:es)?\b|\blive[sd]?\s+(?:in|at|on)\b|\bliving\s+(?:in|at|on)\b|\blocated\s+(?:at|on|in)\b|"
    r"\b(?:sent|send|ship|shipped|deliver|delivered|mail|mailed|post|posted|return|returned|moved|move|taxi|go|come)"
    r"\s+(?:it\s+|them\s+|this\s+)?to\b|\bstop\s+at\b|\boff\s+at\b|\bmeet(?:\s+\w+)?\s+at\b|\bcorner\s+of\b|"
    r"\baddress(?:es)?\s+of\s+[^?!\n]{1,60}?\s+(?:is|are)\b|\baddress[^\n]{0,60}?\b(?:following|below)\b[?:]?|"
    r"\barrived?\s+at\b|\b(?:is|are|was)\s+(?:on|at)\b|\buser:|\bit's\s+in\b|\bstation\s+is\s+on\b|\benter\s+on\b|\bside\s+of\b|"
    r"\b(?:adresse|anschrift|indirizzo|dirección|direccion|adres|wohnhaft|domicile|domicilio)\b)"
    r"(?:['\"]?,?\s*(?:value=|\n\s*(?:gridcell|cell|StaticText|textbox)\s+)?['\"])?"  # a field label or column header
    r"[\s:,?-]*(?:(?:is|it is|it's|to|the|same|with)[\s:,?-]+){0,3}"
)
CUE_PHRASE = re.compile(
    rf"(?:(?P<lead>{NUM})\s+){{0,2}}(?P<name>(?:{WORD}\s+){{0,4}}?{WORD})\s+(?P<num>{NUM})(?![\w])|(?P<num0>{NUM})\s+(?P<name0>(?:{WORD}\s+){{0,3}}?{WORD})"
)
# the value of a field labelled as an address (form field, table column, "Label:" line): an address whatever
# its form, as long as it holds a digit or a street word
FIELD_LABEL = (
    r"(?:(?:street|shipping|billing|delivery|postal|mailing|home|work|business)?\s?address(?:\s?line\s?\d)?|street|"
    r"adresse|anschrift|straße|indirizzo|dirección|direccion|domicilio|adres|adresa|osoite|adress)"
)
LABELLED_VALUE = re.compile(
    rf"(?i)(?<![\w-])(?:textbox|combobox|StaticText|gridcell)\s+'(?![^'\n]*(?:e-?mail|ip|mac|web|url|wallet))"
    rf"[^'\n]{{0,20}}\b{FIELD_LABEL}\b[^'\n]{{0,12}}'[^\n]{{0,30}}?\bvalue='(?P<v>[^'\n]+)'"
    rf"|(?i:columnheader)\s+'[^'\n]{{0,20}}\b(?i:{FIELD_LABEL})\b[^'\n]{{0,12}}'\n\s*(?i:gridcell)\s+'(?P<cell>[^'\n]+)'"
    rf"|(?i:\b{FIELD_LABEL}):[ \t]*\n?[ \t]*(?P<line>[^\s'][^\n']{{2,80}})"
)
SECONDARY = r"(?:(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|bldg|building|studio)\b\.?|#)\s*#?\s*[\w-]{1,6}"
POSTCODE = (
    r"(?:\d{5}(?:-\d{4})?|\d{4}\s?[A-Z]{2}|\d{3}\s\d{2}|\d{2}-\d{3}|\d{4}-\d{3}|\d{4}|"
    r"[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}|[A-Z]\d[A-Z]\s?\d[A-Z]\d)"
)
# one part after the street: a unit, a postcode, a region code, a city or country (1-4 capitalised words,
# possibly ALL CAPS), a region name in brackets; parts are separated by commas, line breaks (also the
# two-character "\n" of escaped text) or spaces
PART_SEPARATOR = r"\.?(?:(?:[ \t]*(?:,|\n)){1,3}[ \t]*(?:[^\w\s]{1,4}[ \t]*)?|[ \t]+)"
CITY_WORD = r"[^\W\d_a-z][^\W\d_]*(?:['’.-][^\W\d_]+)*\.?"
CITY = rf"{CITY_WORD}(?:[ -](?:{CITY_WORD}|[a-zà-ÿ]{{1,3}}|upon|sur)(?![\w]))*"
TAIL_PART = re.compile(
    rf"{PART_SEPARATOR}(?:(?i:{SECONDARY})|{POSTCODE}(?![\w-]|[ \t]\d)|[A-Z]{{2,3}}\b(?![’'])|nan\b|"
    rf"\([^\W\d_][\w ]{{1,20}}\)|{CITY})"
)
LEAD = re.compile(rf"(?:(?i:{SECONDARY})\s+)?(?:\d{{1,6}}\s+)?$")
SENTENCE_END = re.compile(r"[.?!](?:\s|$)")


# East Asian addresses run from the largest division to the block number, without spaces in Japanese and
# Chinese: 東京都千代田区丸の内1-2-3 / 北海道南房総市松が谷18丁目3番11号, 北京市朝阳区建国路88号, and with
# spaces in Korean: 서울특별시 강남구 테헤란로 123
CJK_ADDRESS = re.compile(
    r"(?:[\u4e00-\u9fff]{1,4}(?:都|道|府|県))?[\u3040-\u30ff\u4e00-\u9fff]{1,10}(?:市|区|郡|町|村)"
    r"[\u3040-\u30ff\u4e00-\u9fff]{0,12}?\s?\d{1,5}(?:(?:丁目|番地?|号|-|－|の)\d{1,5}){0,3}(?:号)?"
    r"|[\u4e00-\u9fff]{2,12}?(?:省|市|自治区)[\u4e00-\u9fff]{0,16}?(?:路|街|道|巷|胡同|大道|弄|里)"
    r"(?:[\u4e00-\u9fffA-Za-z]{0,6}?\d{1,5}(?:号|號)?|[A-Za-z0-9]{1,3}座)"
    r"|[\uac00-\ud7af]{2,8}(?:특별시|광역시|특별자치시|특별자치도|도|시)\s+[\uac00-\ud7af]{1,8}(?:구|군|시)"
    r"(?:\s+[\uac00-\ud7af0-9]{1,8}(?:구|동|읍|면|가))?\s+[\uac00-\ud7af0-9]{1,12}(?:로|길|대로|가)\s*\d{1,5}(?:-\d{1,5})?"
    # a street and its number alone: 陈家湾胡同276号, 낙산성곽대로 276
    r"|[\u4e00-\u9fff]{1,10}(?:路|街|胡同|大道|巷|弄|条)\d{1,5}(?:号|號)"
    r"|[\uac00-\ud7af]{2,11}[\uac00-\ud7af0-9](?:대로|로|길)\s?\d{1,5}(?:-\d{1,5})?(?![\d.])"
)
_CJK_CHARS = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


def _words_ok(words: str, typ: str) -> bool:
    tokens = words.split()
    for t in tokens:
        low = t.lower().strip(".,")
        if low in NOT_STREET_WORDS:
            return False
        if not (t[0].isupper() or low in PARTICLES or t[0].isdigit()) and not typ.islower():
            return False
    return True


# "the corner of Rue de Genville 178 and Sundberg Hills St.": the second street needs no number
CORNER = re.compile(
    rf"(?i:corner\s+of)\s+[^?!\n]{{3,60}}?\s+(?:and|&)\s+"
    rf"(?P<b>(?:{WORD}\s+){{0,3}}?(?:{WEAK_TYPES}|(?i:{STRONG_TYPES}))s?)\b\.?"
)
# a line (or sentence part) of a block with a secondary unit next to it: "36238 Naustskaret 88\n Apt. 923"
PREFIX_NAME = re.compile(rf"(?P<ptype>(?i:{PREFIX_TYPES}))\s+(?:{WORD}[ \t]+){{0,4}}[^\W\d_][\w'’-]*")
UNIT_LINE = re.compile(
    rf"(?<![\w./])(?:{NUM}\s+)?(?:[^\W\d_][\w'’.-]*\s+){{1,4}}{NUM}\.?"
    rf"(?=(?:[ \t]*,|[ \t]*\n)?[ \t]*(?:[^\w\s]{{1,4}}[ \t]*)?(?i:{SECONDARY}))"
    rf"|(?<![\w./])(?i:{SECONDARY})[ \t]+(?:{NUM}\s+)?(?:[^\W\d_][\w'’.-]*\s+){{1,4}}{NUM}(?![\w])"
    rf"|(?<![\w./]){NUM}\s+(?:[^\W\d_][\w'’.-]*\s+){{1,4}}(?=(?i:{SECONDARY})\b)"
)


def _cue_words_ok(name: str) -> bool:
    """After an address cue a street name may be lower-case in part ("Trg revolucije 61"): one capitalised
    word is enough, and no word may be one that follows numbers in prose ("3 items")."""
    tokens = [t for t in name.split() if t.lower() != "and"]
    if re.search(r"[.?!]\s", name) or not tokens or any(t.lower().strip(".,") in NOT_STREET_WORDS for t in tokens):
        return False
    return any(t[0].isupper() for t in tokens)


def _words_of(alternation: str) -> frozenset[str]:
    """The plain lower-case words of a regex alternation ("str\\.|avda\\.?" -> {"str", "avda"})."""
    return frozenset(w.replace("\\.", "").replace("?", "").lower() for w in alternation.split("|"))


# NAMED_STREET's street words as they read in the lower-cased text: without one, it has nothing to find
NAMED_TYPE_WORDS = Substrings(t.lower() for t in NAMED_TYPES)
# keyword gates: each pattern runs only where one of its words occurs (as a whole token of the text, or
# for compound street names as the ending of one), and only in a window around it
TYPE_WORDS = _words_of(STRONG_TYPES) | _words_of(WEAK_TYPES) | {w + "s" for w in _words_of(WEAK_TYPES)}
PREFIX_WORDS = _words_of(PREFIX_TYPES)
SUFFIXES = tuple(sorted(_words_of(SUFFIX_TYPES), key=len, reverse=True))
SUFFIX_WORDS = _words_of(SUFFIX_TYPES)
# the same endings by their last character: a word can only end with those that end with its last character
SUFFIXES_BY_LAST = {last: tuple(s for s in SUFFIXES if s[-1] == last) for last in {s[-1] for s in SUFFIXES}}
PO_WORDS = frozenset(("box", "postbox", "postboks", "postfach", "postbus", "apartado", "casella", "caixa", "boîte"))
MILITARY_WORDS = frozenset(("apo", "fpo", "dpo", "psc", "cmr", "uss", "usns", "usnv", "uscgc"))
UNIT_WORDS = frozenset(
    ("apt", "apartment", "suite", "ste", "unit", "flat", "floor", "fl", "room", "rm", "bldg", "studio")
)
LABEL_WORDS = frozenset(
    [
        "address",
        "addresses",
        "street",
        "adresse",
        "anschrift",
        "straße",
        "indirizzo",
        "dirección",
        "direccion",
        "domicilio",
        "adres",
        "adresa",
        "osoite",
        "adress",
    ]
)
CUE_WORDS = frozenset(
    [
        "address",
        "addresses",
        "live",
        "lives",
        "lived",
        "living",
        "located",
        "sent",
        "send",
        "ship",
        "shipped",
        "deliver",
        "delivered",
        "mail",
        "mailed",
        "return",
        "returned",
        "moved",
        "move",
        "taxi",
        "stop",
        "off",
        "meet",
        "corner",
        "arrived",
        "arrive",
        "station",
        "enter",
        "side",
        "user",
        "adresse",
        "anschrift",
        "indirizzo",
        "dirección",
        "direccion",
        "adres",
        "wohnhaft",
        "domicile",
        "domicilio",
    ]
)
CUE_PHRASES = (" is on ", " is at ", " are on ", " are at ", " was on ", " was at ", "it's in ")
# the word each phrase ends with: a text without one of them as a word holds none of the phrases
CUE_PHRASE_ENDS = frozenset(("on", "at", "in"))


def _windows(low: str, words: Iterable[str], before: int, after: int) -> list[tuple[int, int]]:
    spans = []
    for w in words:
        i = low.find(w)
        while i != -1:
            spans.append((max(0, i - before), i + len(w) + after))
            i = low.find(w, i + len(w))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _scan(pattern: re.Pattern[str], text: str, windows: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    for a, b in windows:
        yield from pattern.finditer(text, a, min(b, len(text)))


def _cores(text: str) -> Iterator[tuple[int, int, float]]:
    low = lowered(text)
    words = tokens(text)
    if _CJK_CHARS.search("".join(non_ascii(text))):  # the text's characters outside ASCII hold a CJK one
        for m in CJK_ADDRESS.finditer(text):
            yield m.start(), m.end(), 0.85
    if words & LABEL_WORDS:
        for m in _scan(LABELLED_VALUE, text, _windows(low, words & LABEL_WORDS, 60, 160)):
            group = next(g for g in ("v", "cell", "line") if m.group(g) is not None)
            value = m.group(group)
            # a value with a number or a street word ("rue Rapin"); not "same as billing"
            if re.search(r"\d", value) or tokens(value) & (TYPE_WORDS | PREFIX_WORDS) or EN_CORE.search(value):
                yield m.start(group), m.end(group), 0.85
    if "corner" in words:
        for m in _scan(CORNER, text, _windows(low, ("corner",), 0, 160)):
            yield m.start("b"), m.end("b"), 0.75
    if words & UNIT_WORDS:
        for m in _scan(UNIT_LINE, text, _windows(low, words & UNIT_WORDS, 80, 80)):
            if not any(w.lower() in NOT_STREET_WORDS for w in m.group().split()):
                yield m.start(), m.end(), 0.8
    types = words & TYPE_WORDS
    if types:
        windows = _windows(low, types, 90, 2)
        for m in _scan(EN_CORE, text, windows):
            typed, typ = m.group("words"), m.group("type")
            if typ.islower() and typed and not typed.islower() and not _words_ok(typed, "X"):
                continue
            if _words_ok(typed, typ):
                yield m.start(), m.end(), 0.85
        for m in _scan(ORDINAL_STREET, text, windows):
            yield m.start(), m.end(), 0.8
        for m in _scan(NAMED_STREET, text, windows) if NAMED_TYPE_WORDS.any_in(text, low) else ():
            name = m.group("name")
            if _words_ok(name, "X") and (m.group("type")[0].isupper() or re.search(r"\d", name)):
                yield m.start(), m.end(), 0.6
    prefixes = words & PREFIX_WORDS
    if prefixes:
        for m in _scan(PREFIX_CORE, text, _windows(low, prefixes, 12, 90)):
            ptype, name = m.group("ptype1") or m.group("ptype2"), m.group("name1") or m.group("name2")
            # "via email", "place 3 orders": English words need a capitalised type or name
            if ptype.lower() in WORDLIKE_PREFIXES and not (
                (ptype[0].isupper() and name[0].isupper())
                or name.split()[0].lower() in PARTICLES
                or ((m.group("num1") or m.group("num2")) and name[0].isupper())
            ):
                continue
            if m.group("num1"):  # "48 rue Descartes St. and Johannes Row St.": the street ends before "and"
                cut = re.search(r"\s(?:" + "|".join(sorted(NOT_STREET_WORDS)) + r")\b", name, re.IGNORECASE)
                if cut:
                    name = name[: cut.start()]
                    if not name.strip():
                        continue
                    yield m.start(), m.start("name1") + len(name), 0.85
                    continue
            if _words_ok(name, ptype.lower()):
                yield m.start(), m.end(), 0.85
    suffixed = [w for w in words if len(w) > 3 and w.endswith(SUFFIXES_BY_LAST.get(w[-1], ())) and not w[0].isdigit()]
    suffixed += words & SUFFIX_WORDS
    if suffixed:
        for m in _scan(SUFFIX_CORE, text, _windows(low, suffixed, 60, 16)):
            if m.group("name").split()[-1].lower() not in NOT_STREET_WORDS:
                yield m.start(), m.end(), 0.8
    if words & PO_WORDS:
        for m in _scan(PO_BOX, text, _windows(low, words & PO_WORDS, 24, 16)):
            if m.group().lower().startswith("box") and not re.search(
                r"(?i)(?:PSC|Unit|CMR)\s+\d+,?\s+$", text[max(0, m.start() - 24) : m.start()]
            ):
                continue
            yield m.start(), m.end(), 0.85
    if words & MILITARY_WORDS or ("unit" in words and "box" in words):
        for m in _scan(MILITARY, text, _windows(low, (words & MILITARY_WORDS) | {"unit"} & words, 4, 40)):
            yield m.start(), m.end(), 0.85
    cues = words & CUE_WORDS
    phrases = [p for p in CUE_PHRASES if p in low] if not words.isdisjoint(CUE_PHRASE_ENDS) else []
    if cues or phrases:
        for c in _scan(ADDRESS_CUE, text, _windows(low, [*cues, *phrases], 8, 80)):
            rest = text[c.end() : c.end() + 80]
            m = CUE_PHRASE.match(rest)
            if not m:
                # "ship it to rue de Quartier": a street type starts the phrase, no number needed
                named = PREFIX_NAME.match(rest)
                ptype = named.group("ptype") if named else ""
                if named and (ptype[0].isupper() or ptype.lower() not in WORDLIKE_PREFIXES):
                    yield c.end(), c.end() + named.end(), 0.7
                continue
            name = m.group("name") or m.group("name0")
            if not name or re.fullmatch(r"[\d./:-]+", name) or not _cue_words_ok(name):
                continue
            if re.match(r"\d{1,3}(?:\.\d{1,3}){3}", rest):  # an IP address
                continue
            yield c.end() + m.start(), c.end() + m.end(), 0.75


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    lead = LEAD.search(text[max(0, start - 24) : start])
    if lead and lead.group().strip():
        start -= len(lead.group())
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    limit = min(len(text), end + 120)
    for _ in range(8):
        m = TAIL_PART.match(text, end, limit)
        if not m or not m.group().strip(" \t,"):
            break
        end = m.end()
    return start, end


def find_streets(text: str) -> Iterator[Finding]:
    cores = sorted(_cores(text))
    spans: list[list[float]] = []
    for s, e, score in cores:
        if spans and s <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], e)
            spans[-1][2] = max(spans[-1][2], score)
        else:
            spans.append([s, e, score])
    merged: list[tuple[int, int, float]] = []
    for s, e, score in spans:
        ws, we = _widen(text, int(s), int(e))
        if merged and ws <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], we), max(merged[-1][2], score))
        else:
            merged.append((ws, we, score))
    for s, e, score in merged:
        while e > s and text[e - 1] in " \t,\n'’\"":
            e -= 1
        yield Finding("street_address", s, e, score, "street")
