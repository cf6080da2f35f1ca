"""The text of the generated archives: bodies of a few hundred words built from a bank of plain,
non-clinical sentences, each body rendered once and shared by many posts; every body mentions the
common search term, and one variant adds the rare term."""

from __future__ import annotations

import random
from dataclasses import dataclass

RARE_TERM = "kintsugi"  # in a handful of generated posts only, whatever the archive's size
COMMON_TERM = "trust"  # in every generated post
BODY_VARIANTS = 40
LABEL = "*Generated for iDare's benchmark: example text, not an iDare article.*"

TOPICS = [
    "Anxiety", "Sleep", "Grief", "Burnout", "Boundaries", "Self-compassion", "Loneliness", "Parenting",
    "Work stress", "Exam stress", "Friendship", "Anger", "Shame", "Perfectionism", "Rest", "Change",
    "Caregiving", "Identity", "Hope", "Routine", "Body image", "Moving cities", "Money worries", "Conflict",
    "Gratitude", "Listening", "Therapy", "Journaling", "Breathing", "Nature", "Music", "Community",
    "Faith", "Ageing", "Siblings", "Breakups", "New parents", "Screen time", "Remote work", "Festivals",
]
PLACES = ["at work", "for students", "in families", "in relationships", "after loss", "in the city",
          "for carers", "in your twenties", "later in life"]
SUBTITLES = ["", "", "Small, steady steps", "Notes from our circles", "What readers asked us",
             "A gentle starting point", "Questions worth sitting with"]
OPENINGS = [
    "Trust grows slowly, one kept promise at a time.",
    "Many of us learn early that trust can be fragile.",
    "Rebuilding trust in ourselves often comes before trusting anyone else.",
    "Trust is easier to talk about than to practise on a hard day.",
]
SENTENCES = [
    "Small routines can make a long week feel more manageable.",
    "Noticing how we feel, without judging it, is a skill that improves with practice.",
    "It can help to name one thing that went well today, however small it seems.",
    "Friends and family may not always know what to say, and that is all right.",
    "Some days the most useful thing we can do is rest and try again tomorrow.",
    "Writing a few lines before bed helps some people put the day down.",
    "Conversations about feelings get easier the more often we have them.",
    "A walk outside, even a short one, changes the shape of an afternoon.",
    "There is no single right way to feel after a difficult change.",
    "Asking someone how they are, and waiting for the real answer, is a kind act.",
    "Comparing our insides with other people's outsides rarely helps.",
    "Boundaries tell others how to care for us, and remind us how to care for ourselves.",
    "Progress often looks like a zigzag rather than a straight line.",
    "We can hold two feelings at once, such as relief and sadness.",
    "Many people find it easier to open up while doing something side by side.",
    "It is fine to take a break from the news and from our phones.",
    "Kindness towards ourselves is not the same as giving up on change.",
    "Talking to a trained counsellor can help us see patterns we miss alone.",
    "Trust between people is built in ordinary moments more than grand gestures.",
    "Sleep, food and movement are not cures, but they shape how much we can carry.",
    "Listening without rushing to fix things is harder than it sounds.",
    "When a feeling is loud, giving it a name can turn the volume down a little.",
    "We rarely regret reaching out, even when it felt awkward at first.",
    "A plan for a hard day, written on a good day, can be a gift to our future self.",
]
HEADINGS = ["What it can look like", "Why it happens", "Small steps", "When to reach out",
            "Questions to ask yourself", "What others have found helpful"]
LIST_ITEMS = ["Pause and take three slow breaths", "Write down one worry and one next step",
              "Message someone you trust", "Step outside for ten minutes", "Drink a glass of water",
              "Put the phone in another room for an hour", "Plan one kind thing for tomorrow"]
RARE_PARAGRAPH = (f"The Japanese craft of {RARE_TERM} mends broken pottery with gold, so the repair stays "
                  "visible. Some readers find it a helpful picture of healing: the cracks become part of the story.")


@dataclass(frozen=True)
class Body:
    markdown: str
    html: str
    text: str  # what search reads (Post.body_text)
    minutes: int


def rendered(markdown: str) -> Body:
    from blog.models import plain_text, reading_minutes, responsive_images
    from core.markdown import render_markdown

    html = responsive_images(render_markdown(markdown))
    return Body(markdown, html, plain_text(html), reading_minutes(markdown))


def make_bodies(rng: random.Random) -> list[Body]:
    """BODY_VARIANTS Markdown bodies of a few hundred words, each rendered once and shared by many posts."""
    bodies = []
    for _ in range(BODY_VARIANTS):
        parts = [LABEL, " ".join([rng.choice(OPENINGS), *rng.sample(SENTENCES, 4)])]
        for heading in rng.sample(HEADINGS, 3):
            parts.append(f"## {heading}")
            parts += [" ".join(rng.sample(SENTENCES, rng.randint(4, 6))) for _ in range(2)]
        parts.append("\n".join(f"- {item}" for item in rng.sample(LIST_ITEMS, 4)))
        parts.append(" ".join(rng.sample(SENTENCES, 4)))
        bodies.append(rendered("\n\n".join(parts) + "\n"))
    return bodies


def with_rare_term(body: Body) -> Body:
    return rendered(body.markdown + "\n" + RARE_PARAGRAPH + "\n")
