"""The blog's admin, one module per job: posts.py (the article list and form) with its parts
post_checks.py (the editorial checks), post_autosave.py (autosave and who else is editing) and
post_pages.py (the desk, the media library, previews, history...); pages.py (pages, authors,
tags, old addresses); reviews.py (clinical reviews). Importing them registers them."""

from blog.admin import pages, posts, reviews  # noqa: F401 - each registers its models
from blog.admin.post_pages import PeriodForm
from blog.admin.posts import SEARCH_DESCRIPTION_LIMIT, SEARCH_TITLE_LIMIT, shorten

__all__ = ["SEARCH_DESCRIPTION_LIMIT", "SEARCH_TITLE_LIMIT", "PeriodForm", "shorten"]
