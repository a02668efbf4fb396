"""The demo publication: categories, authors, tags, pages and articles, all made up here.

Everything is deterministic (a fixed random seed), so a rerun of ``flask seed`` produces the
same slugs and can skip what is already stored.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hublet.config import CONTACT_PAGE_SLUG
from hublet.demo.pictures import CREDIT, DEMO_PICTURES, pictures_of
from hublet.text import slugify

CATEGORIES = [
    # name, slug, in "More"
    ("Global & National News Updates", "global-national-news", False),
    ("Business & Finance Insights", "business-finance", False),
    ("Technology & Innovation Trends", "technology-innovation", False),
    ("Health, Wellness & Lifestyle", "health-wellness-lifestyle", True),
    ("Entertainment & Celebrity Buzz", "entertainment-celebrity", True),
    ("Sports Highlights & Live Scores", "sports-highlights", True),
]

AUTHORS = [
    ("Amara Okafor", "amara-okafor",
     "Amara covers politics and public policy from the national desk."),
    ("Daniel Reyes", "daniel-reyes",
     "Daniel writes about markets, companies and the technology that moves them."),
    ("Priya Nair", "priya-nair",
     "Priya reports on health, culture and sport, and edits the weekend pages."),
]  # fmt: skip

PAGES = [
    ("About Us", "about-us", [
        "Global Hublet is an independent news and information platform. We deliver reliable "
        "updates on global events, business, technology, health, entertainment and sports.",
        "Our newsroom is small and our standards are high: every story is checked before it is "
        "published, and corrections are made in the open.",
    ]),
    ("Contact Us", CONTACT_PAGE_SLUG, [
        "Have a tip, a correction or a question? Write to the newsroom with the form below and "
        "an editor will read every message.",
    ]),
    ("Privacy Policy", "privacy-policy", [
        "We collect as little as we can. Reading Global Hublet needs no account and loads no "
        "third-party trackers.",
        "When you comment, we store your name, email address, website, comment, IP address and "
        "browser name so that moderators can fight spam. Your email is never shown publicly.",
        "A cookie can remember your name and email for the next comment if you tick the box. "
        "Delete it at any time from your browser.",
    ]),
    ("Terms & Conditions", "terms-and-conditions", [
        "By using this site you agree to comment respectfully. We remove spam, abuse and "
        "anything unlawful.",
        "Articles remain the property of Global Hublet; quoting with a link is welcome.",
    ]),
    ("Disclaimer", "disclaimer", [
        "The content on this site is for general information. It is not financial, legal or "
        "medical advice.",
        "All demo articles on this installation are fictional and written for the software.",
    ]),
]  # fmt: skip

TAGS = [
    "Elections", "Climate", "Economy", "Markets", "Startups", "Banking", "AI", "Cybersecurity",
    "Smartphones", "Space", "Nutrition", "Fitness", "Mental Health", "Medicine", "Film",
    "Music", "Television", "Awards", "Football", "Athletics", "Tennis", "Basketball",
    "Transport", "Energy", "Education", "Housing", "Travel", "Agriculture", "Science", "Weather",
]  # fmt: skip

# Per category: the subjects a headline can be about, what they do, and the tags they carry.
BEATS = {
    "global-national-news": {
        "subjects": ["City council", "Coastal towns", "The transport ministry",
                     "Regional governors",
                     "Election officials", "Rural schools", "Flood-hit villages", "Parliament",
                     "The national weather service", "Housing campaigners"],
        "actions": ["agree on a new plan for {topic}", "warn of delays to {topic}",
                    "unveil a budget for {topic}", "face questions over {topic}",
                    "promise faster action on {topic}"],
        "topics": ["bridge repairs", "clean water", "school meals", "flood defences",
                   "night buses", "rent caps", "voter registration"],
        "tags": ["Elections", "Climate", "Transport", "Education", "Housing", "Weather"],
    },
    "business-finance": {
        "subjects": ["Small lenders", "A family bakery chain", "Regional airlines",
                     "Shipping firms",
                     "The central bank", "Cocoa traders", "Pension funds", "Online retailers",
                     "Solar installers",
                     "Car makers"],
        "actions": ["report record demand for {topic}", "cut costs as {topic} slows",
                    "bet on {topic}", "raise prices amid {topic}", "hire hundreds for {topic}"],
        "topics": ["green bonds", "export orders", "holiday sales", "fuel costs",
                   "interest rates", "warehouse space", "electric fleets"],
        "tags": ["Economy", "Markets", "Banking", "Startups", "Energy", "Agriculture"],
    },
    "technology-innovation": {
        "subjects": ["A university lab", "Chip designers", "Open-source volunteers",
                     "Satellite startups", "Phone makers", "Hospital engineers", "Game studios",
                     "Battery researchers", "Drone pilots", "Cloud providers"],
        "actions": ["build a cheaper way to handle {topic}", "test {topic} in the field",
                    "open-source their work on {topic}", "race to fix {topic}",
                    "show a prototype for {topic}"],
        "topics": ["solar storage", "offline maps", "speech recognition", "weather forecasts",
                   "password-free logins", "crop monitoring", "low-power sensors"],
        "tags": ["AI", "Cybersecurity", "Smartphones", "Space", "Science", "Startups"],
    },
    "health-wellness-lifestyle": {
        "subjects": ["Family doctors", "Nutritionists", "Sleep researchers", "Community gyms",
                     "Pharmacists", "Walking clubs", "School nurses", "Yoga teachers",
                     "Hospital kitchens", "Care homes"],
        "actions": ["share simple advice on {topic}", "rethink their approach to {topic}",
                    "see a rise in interest in {topic}", "launch free sessions on {topic}",
                    "explain the science of {topic}"],
        "topics": ["winter colds", "screen time", "home cooking", "morning routines",
                   "stress at work", "healthy snacks", "long walks"],
        "tags": ["Nutrition", "Fitness", "Mental Health", "Medicine", "Travel"],
    },
    "entertainment-celebrity": {
        "subjects": ["An indie film crew", "A veteran jazz trio", "Festival organisers",
                     "A touring theatre company", "Streaming producers", "A debut novelist",
                     "Award voters", "A children's choir", "Street artists", "Radio hosts"],
        "actions": ["surprise fans with {topic}", "talk candidly about {topic}",
                    "announce {topic}", "celebrate {topic}", "take a risk on {topic}"],
        "topics": ["a reunion tour", "a silent film", "an open-air season", "a new album",
                   "a documentary", "a charity concert", "a comedy special"],
        "tags": ["Film", "Music", "Television", "Awards"],
    },
    "sports-highlights": {
        "subjects": ["The league leaders", "A teenage sprinter", "The national rugby side",
                     "A promoted football club", "Veteran marathon runners",
                     "The women's relay team",
                     "A tennis qualifier", "Basketball rookies", "A cycling team", "Swim coaches"],
        "actions": ["bounce back after {topic}", "prepare for {topic}", "make history in {topic}",
                    "face a tough test in {topic}", "dedicate victory to {topic}"],
        "topics": ["the derby", "the cup final", "a rain-soaked semi-final", "the indoor season",
                   "an away double-header", "the season opener", "a record attempt"],
        "tags": ["Football", "Athletics", "Tennis", "Basketball"],
    },
}  # fmt: skip

SENTENCES = [
    "{Subject} said the change had been months in the making and would be reviewed next year.",
    "People who spoke to Global Hublet described the mood as cautious but hopeful.",
    "The details were shared at a briefing on {weekday}, where questions ran well past the hour.",
    "Critics argue the timetable is too ambitious; supporters say waiting would cost more.",
    "Local residents have followed the story closely, and many turned up to hear the plans.",
    "Figures published this week suggest the trend began earlier than most people expected.",
    "Independent experts said the early results were encouraging but far from conclusive.",
    "A spokesperson declined to give a date, saying only that the work was on track.",
    "The next step is a public consultation, which is expected to open within weeks.",
    "For now, the focus is on {topic}, and on explaining clearly what happens next.",
    "Similar efforts elsewhere have had mixed results, which organisers say they have studied.",
    "Volunteers have already signed up in numbers that surprised even the organisers.",
    "The cost has not been published, though officials insist it is within the agreed budget.",
    "Several people said they had waited years for a decision like this one.",
    "Observers will be watching the first month closely for signs of what works.",
    "Those involved say they want to keep the process open and easy to follow.",
]

CREDITS = ["Hublet Studio", "Global Hublet", "Hublet Graphics", "Staff illustration"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
#: A body figure's ``src`` until the seed knows the stored address: ``demo-picture:<position>``
#: in :data:`hublet.demo.pictures.DEMO_PICTURES` (the sanitizer would drop it, were it left).
FIGURE_SRC = "demo-picture:"


@dataclass
class DemoArticle:
    """One demo article, ready to be stored."""

    title: str
    slug: str
    excerpt: str
    body_html: str
    category_slug: str
    author_slug: str
    tag_names: list[str]
    published_at: datetime
    hero_picture: int  # a position in DEMO_PICTURES
    hero_alt: str
    hero_caption: str
    hero_credit: str
    #: An address to show instead of the library picture (none in the demo; tests set one).
    hero_image: str = ""
    is_featured: bool = False
    is_hot: bool = False
    extra: dict = field(default_factory=dict)


def demo_articles(now: datetime, count: int = 66) -> list[DemoArticle]:
    """``count`` articles spread over the last four months, newest first."""
    rng = random.Random(2026)
    category_slugs = [slug for _, slug, _ in CATEGORIES]
    seen: set[str] = set()
    articles: list[DemoArticle] = []
    index = 0
    while len(articles) < count:
        category_slug = category_slugs[index % len(category_slugs)]
        beat = BEATS[category_slug]
        subject = rng.choice(beat["subjects"])
        topic = rng.choice(beat["topics"])
        title = f"{subject} {rng.choice(beat['actions']).format(topic=topic)}"
        index += 1
        slug = slugify(title)
        if slug in seen:
            continue
        seen.add(slug)
        number = len(articles)
        paragraphs = _paragraphs(rng, subject, topic)
        # The category's pictures take turns: the hero is one, a body figure the other.
        own = pictures_of(category_slug)
        hero = own[(number // len(CATEGORIES)) % len(own)]
        figure = ""
        if number % 3 == 0:
            shown = own[(own.index(hero) + 1) % len(own)]
            figure = (
                f'<figure><img src="{FIGURE_SRC}{shown}" alt="{DEMO_PICTURES[shown].alt}" '
                f'loading="lazy"><figcaption>{subject} and {topic}, as our illustrator '
                f"imagines it. "
                f'<span class="credit">Credit: {CREDIT}</span></figcaption></figure>'
            )
            rng.choice(CREDITS)  # still drawn: the sequence decides every later title and slug
        middle = len(paragraphs) // 2
        body = "".join(f"<p>{p}</p>" for p in paragraphs[:middle]) + figure
        body += "".join(f"<p>{p}</p>" for p in paragraphs[middle:])
        age = timedelta(days=120 * number / count, hours=rng.randint(0, 9))
        tag_names = rng.sample(beat["tags"], k=min(len(beat["tags"]), rng.randint(2, 4)))
        articles.append(
            DemoArticle(
                title=title,
                slug=slug,
                excerpt=paragraphs[0],
                body_html=body,
                category_slug=category_slug,
                author_slug=AUTHORS[number % len(AUTHORS)][1],
                tag_names=tag_names,
                published_at=(now - age).replace(microsecond=0),
                hero_picture=hero,
                hero_alt=f"Illustration for the story: {title}",
                hero_caption=f"{subject} are at the centre of the discussion about {topic}.",
                hero_credit=rng.choice(CREDITS),
                is_featured=number in (1, 4, 7),
                is_hot=number in (0, 2, 5),
            )
        )
    return articles


def _paragraphs(rng: random.Random, subject: str, topic: str) -> list[str]:
    lead = (
        f"{subject} are at the centre of a lively debate this week over {topic}, "
        f"a question that touches more households than the headlines suggest."
    )
    paragraphs = [lead]
    for _ in range(rng.randint(2, 7)):
        sentences = rng.sample(SENTENCES, k=3)
        paragraphs.append(
            " ".join(
                s.format(Subject=subject, topic=topic, weekday=rng.choice(WEEKDAYS))
                for s in sentences
            )
        )
    return paragraphs
