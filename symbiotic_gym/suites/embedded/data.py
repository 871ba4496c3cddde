"""Deterministic seed data shared by the embedded sites: people, products, posts and issues.

Everything here is generated from fixed seeds, so the same database (and the same task answers) is
built on every machine. Private values (passwords, cards, phones, addresses, emails) are synthetic but
valid in form (cards pass the Luhn check) so the privacy detector sees realistic data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


def luhn_complete(prefix: str, length: int = 16) -> str:
    """Append digits to ``prefix`` so the number has ``length`` digits and passes the Luhn check."""
    from symbiotic_gym.privacy.detector import luhn_check_digit

    rng = random.Random(prefix)
    digits = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    return digits + luhn_check_digit(digits)


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    email: str
    phone: str
    street: str
    city: str
    state: str
    zip: str
    password: str


PEOPLE: tuple[Person, ...] = (
    Person(
        "emma.lopez",
        "Emma Lopez",
        "emma.lopez@example.com",
        "(415) 555-0142",
        "742 Evergreen Terrace",
        "Springfield",
        "IL",
        "62704",
        "Sunflower!2024",
    ),
    Person(
        "liam.chen",
        "Liam Chen",
        "liam.chen@example.net",
        "(206) 555-0187",
        "1600 Pine Street",
        "Seattle",
        "WA",
        "98101",
        "Harbor#Light7",
    ),
    Person(
        "olivia.smith",
        "Olivia Smith",
        "olivia.smith@example.org",
        "(512) 555-0199",
        "88 Congress Avenue",
        "Austin",
        "TX",
        "78701",
        "Bluebonnet$55",
    ),
    Person(
        "noah.patel",
        "Noah Patel",
        "noah.patel@example.com",
        "(617) 555-0123",
        "12 Beacon Street",
        "Boston",
        "MA",
        "02108",
        "Cambridge&River9",
    ),
    Person(
        "ava.garcia",
        "Ava Garcia",
        "ava.garcia@example.net",
        "(303) 555-0176",
        "455 Larimer Street",
        "Denver",
        "CO",
        "80202",
        "Rocky^Peak31",
    ),
    Person(
        "mason.kim",
        "Mason Kim",
        "mason.kim@example.org",
        "(312) 555-0164",
        "233 Wacker Drive",
        "Chicago",
        "IL",
        "60606",
        "Windy*City88",
    ),
)

# Values a task may ask the agent to type: all synthetic, all private by kind.
NEW_ADDRESSES = (
    ("19 Maple Court", "Portland", "OR", "97205"),
    ("301 Ocean Drive", "Miami", "FL", "33139"),
    ("77 Canal Street", "New Orleans", "LA", "70130"),
    ("5 Lakeview Road", "Madison", "WI", "53703"),
    ("940 Hillcrest Lane", "Phoenix", "AZ", "85004"),
    ("62 Orchard Way", "Sacramento", "CA", "95814"),
)
NEW_PHONES = (
    "(628) 555-0110",
    "(971) 555-0134",
    "(480) 555-0158",
    "(608) 555-0171",
    "(919) 555-0195",
    "(702) 555-0138",
)
NEW_PASSWORDS = (
    "Copper+Kettle42",
    "Velvet=Moon2031",
    "Granite~Fox77",
    "Maple@Harbor19",
    "Quiet%River64",
    "Amber!Falcon88",
)
NEW_EMAILS = (
    "emma.l.private@example.com",
    "e.lopez.home@example.org",
    "emma.lopez.mail@example.net",
    "lopez.emma@example.com",
    "emma.writes@example.org",
    "emma.l@example.net",
)
_STREETS = (
    "Birch",
    "Cedar",
    "Willow",
    "Harbor",
    "Summit",
    "Meadow",
    "Juniper",
    "Aspen",
    "Linden",
    "Poplar",
    "Sequoia",
    "Magnolia",
    "Chestnut",
    "Hawthorn",
    "Laurel",
    "Sycamore",
    "Cypress",
    "Alder",
)
_CITIES = (
    ("Albany", "NY", "122"),
    ("Tucson", "AZ", "857"),
    ("Omaha", "NE", "681"),
    ("Raleigh", "NC", "276"),
    ("Boise", "ID", "837"),
    ("Tampa", "FL", "336"),
    ("Reno", "NV", "895"),
    ("Eugene", "OR", "974"),
    ("Dayton", "OH", "454"),
    ("Mobile", "AL", "366"),
    ("Fresno", "CA", "937"),
    ("Tulsa", "OK", "741"),
)
_WORDS = (
    "Cobalt",
    "Lantern",
    "Thistle",
    "Ember",
    "Falcon",
    "Glacier",
    "Meadow",
    "Orchid",
    "Pebble",
    "Saffron",
    "Tundra",
    "Willow",
    "Zephyr",
    "Canyon",
    "Dune",
    "Fjord",
    "Harbor",
    "Juniper",
)
_SYMBOLS = "!#$%&*+=?@^~"


def _more_values(
    n: int,
) -> tuple[tuple[tuple[str, str, str, str], ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """``n`` more addresses, phones, passwords and e-mails, drawn from a fixed seed (all synthetic)."""
    r = random.Random("symbiotic-gym:private-values")
    addresses, phones, passwords, emails = [], [], [], []
    for k in range(n):
        city, state, zip3 = _CITIES[k % len(_CITIES)]
        street = f"{r.randrange(2, 990)} {_STREETS[k % len(_STREETS)]} {('Street', 'Avenue', 'Road', 'Lane')[k % 4]}"
        addresses.append((street, city, state, f"{zip3}{r.randrange(10, 99)}"))
        phones.append(f"({r.choice((213, 305, 404, 503, 602, 720, 808, 917))}) 555-{r.randrange(100, 199):04d}")
        a, b = r.sample(_WORDS, 2)
        passwords.append(f"{a}{_SYMBOLS[k % len(_SYMBOLS)]}{b}{r.randrange(10, 99)}")
        emails.append(f"emma.{a.lower()}{k}@example.{('com', 'org', 'net')[k % 3]}")
    return tuple(addresses), tuple(phones), tuple(passwords), tuple(emails)


_ADDR, _PHONES, _PASSWORDS, _EMAILS = _more_values(24)
NEW_ADDRESSES += _ADDR
NEW_PHONES += _PHONES
NEW_PASSWORDS += _PASSWORDS
NEW_EMAILS += _EMAILS

CARDS = tuple(
    (luhn_complete(prefix), exp, cvc)
    for prefix, exp, cvc in (
        ("4539", "08/29", "317"),
        ("5425", "11/28", "904"),
        ("4716", "03/30", "562"),
        ("5179", "06/29", "248"),
        ("4929", "12/28", "771"),
        ("4024", "09/29", "835"),
        *(
            (
                ("4", "51", "52", "53", "54", "55")[k % 6] + f"{k:03d}",
                f"{k % 12 + 1:02d}/{28 + k % 4}",
                f"{(k * 137) % 900 + 100}",
            )
            for k in range(100, 124)
        ),
    )
)

ADJECTIVES = (
    "Classic",
    "Deluxe",
    "Compact",
    "Rustic",
    "Modern",
    "Vintage",
    "Ultra",
    "Eco",
    "Smart",
    "Pro",
    "Portable",
    "Premium",
    "Cozy",
    "Sleek",
    "Rugged",
    "Bright",
    "Silent",
    "Nordic",
    "Urban",
    "Alpine",
)
CATEGORIES = (
    ("Kitchen", ("Kettle", "Skillet", "Blender", "Knife Set", "Cutting Board", "Coffee Grinder")),
    ("Outdoor", ("Tent", "Backpack", "Lantern", "Hammock", "Camp Stove", "Water Bottle")),
    ("Electronics", ("Headphones", "Speaker", "Charger", "Keyboard", "Mouse", "Webcam")),
    ("Home Office", ("Desk Lamp", "Monitor Stand", "Notebook", "Office Chair", "Desk Organizer", "Pen Set")),
    ("Garden", ("Watering Can", "Pruning Shears", "Planter", "Garden Hose", "Trowel", "Bird Feeder")),
    ("Fitness", ("Yoga Mat", "Dumbbell Set", "Jump Rope", "Foam Roller", "Resistance Bands", "Kettlebell")),
    ("Toys", ("Puzzle", "Building Blocks", "Kite", "Board Game", "Plush Bear", "Train Set")),
    ("Bath", ("Towel Set", "Bath Mat", "Shower Caddy", "Soap Dispenser", "Bathrobe", "Mirror")),
    ("Pet Supplies", ("Dog Bed", "Cat Tree", "Leash", "Pet Bowl", "Chew Toy", "Litter Box")),
    ("Arts and Crafts", ("Sketchbook", "Paint Set", "Easel", "Yarn Bundle", "Glue Gun", "Brush Set")),
    ("Automotive", ("Car Vacuum", "Tire Gauge", "Seat Cover", "Phone Mount", "Jump Starter", "Floor Mats")),
    ("Travel Gear", ("Suitcase", "Neck Pillow", "Packing Cubes", "Luggage Tag", "Passport Wallet", "Travel Adapter")),
)
REVIEW_LINES = (
    ("Great value", "Works exactly as described and arrived quickly."),
    ("Not bad", "Decent quality for the price, a few rough edges."),
    ("Disappointed", "Stopped working after two weeks of normal use."),
    ("Love it", "I use it every day and would buy it again."),
    ("Okay", "It does the job but the instructions were confusing."),
    ("Excellent", "Solid build quality and a nice finish."),
)

FORUM_USERS = (
    "emma.lopez",
    "liam.chen",
    "olivia.smith",
    "noah.patel",
    "ava.garcia",
    "mason.kim",
    "sky_walker",
    "byte_bandit",
    "green_thumb",
    "night_owl",
    "trail_runner",
    "pixel_pusher",
    "coffee_addict",
    "history_buff",
    "quiet_reader",
    "bike_commuter",
    "pasta_lover",
    "star_gazer",
    "code_monkey",
    "river_rat",
)
COMMUNITIES = (
    ("books", "Reading, reviews and recommendations"),
    ("cooking", "Recipes, techniques and kitchen gear"),
    ("gardening", "Plants, soil and seasonal tips"),
    ("technology", "Gadgets, software and the web"),
    ("travel", "Trips, itineraries and tips"),
    ("fitness", "Training, running and recovery"),
    ("movies", "Films old and new"),
    ("diy", "Home projects and repairs"),
    ("music", "Instruments, albums and gigs"),
    ("photography", "Cameras, lenses and editing"),
    ("pets", "Cats, dogs and everything else"),
    ("gaming", "Video, board and tabletop games"),
)
TOPICS = {
    "books": ("mystery novels", "audiobooks", "library apps", "poetry collections", "fantasy series", "book clubs"),
    "cooking": (
        "sourdough starters",
        "cast iron care",
        "weeknight curries",
        "knife sharpening",
        "meal prep",
        "fermented hot sauce",
    ),
    "gardening": ("tomato blight", "raised beds", "composting", "succulents", "pollinator plants", "seed saving"),
    "technology": (
        "mechanical keyboards",
        "home servers",
        "password managers",
        "e-readers",
        "budget laptops",
        "smart thermostats",
    ),
    "travel": ("night trains", "packing light", "travel insurance", "national parks", "hostels", "city passes"),
    "fitness": (
        "marathon training",
        "rest days",
        "kettlebell swings",
        "stretching routines",
        "bike fitting",
        "protein intake",
    ),
    "movies": (
        "silent films",
        "film scores",
        "director's cuts",
        "animated features",
        "film festivals",
        "cinema etiquette",
    ),
    "diy": ("drywall patches", "deck staining", "leaky faucets", "shelving", "paint finishes", "tool storage"),
    "music": (
        "vinyl records",
        "guitar strings",
        "home studios",
        "concert tickets",
        "music theory",
        "practice routines",
    ),
    "photography": ("prime lenses", "film cameras", "photo editing", "tripods", "night skies", "street portraits"),
    "pets": ("puppy training", "cat litter", "aquarium filters", "pet insurance", "senior dogs", "bird cages"),
    "gaming": (
        "co-op games",
        "speedruns",
        "retro consoles",
        "tabletop campaigns",
        "game controllers",
        "indie puzzlers",
    ),
}
TITLE_FORMS = (
    "Thoughts on {t}?",
    "Beginner question about {t}",
    "My experience with {t}",
    "Best resources for {t}",
    "Unpopular opinion: {t} are overrated",
    "Help with {t}",
    "Weekly discussion: {t}",
)

PROJECTS = (
    ("web-shop", "Web Shop", "The storefront web application"),
    ("forum-core", "Forum Core", "Backend of the community forum"),
    ("mobile-app", "Mobile App", "iOS and Android client"),
    ("data-pipeline", "Data Pipeline", "Nightly ETL jobs and reports"),
    ("design-system", "Design System", "Shared UI components and tokens"),
    ("billing-service", "Billing Service", "Invoices, payments and refunds"),
    ("search-engine", "Search Engine", "Indexing and ranking of the catalog"),
    ("docs-site", "Docs Site", "The public documentation website"),
    ("infra-tools", "Infra Tools", "Deployment scripts and monitoring"),
    ("analytics", "Analytics", "Dashboards and event tracking"),
    ("auth-gateway", "Auth Gateway", "Single sign-on and sessions"),
    ("notifications", "Notifications", "E-mail, push and in-app messages"),
)
LABELS = ("bug", "feature", "documentation", "performance", "security", "ui")
ISSUE_SUBJECTS = (
    "login page",
    "search results",
    "checkout flow",
    "image upload",
    "email notifications",
    "dark mode",
    "API rate limits",
    "export to CSV",
    "user settings",
    "date picker",
    "pagination",
    "password reset",
    "caching layer",
    "error messages",
    "onboarding tour",
    "accessibility audit",
)
ISSUE_FORMS = ("Crash in {s}", "Improve {s}", "Document {s}", "Slow {s}", "Add tests for {s}", "Refactor {s}")


def rng(name: str) -> random.Random:
    """A random generator seeded by a name, so each table's data is stable on its own."""
    return random.Random(f"symbiotic-gym:{name}")
