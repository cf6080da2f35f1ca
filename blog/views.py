import secrets

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from blog.models import MARKDOWN_SOURCES, Author, Page, Post, PreviewLink, ShareCount, SlugRedirect, Tag, Vote
from blog.search import clean_query, remember, remembered
from blog.search import search as search_posts
from blog.sharing import LINK_NETWORKS, SCRIPT_NETWORKS, opened_from_this_site
from blog.voters import remember_voter, voter_key, voter_of
from core.crisis import is_crisis_query
from core.origin import same_origin_required
from core.ratelimit import network_key, over_limit, parse_rate
from core.views import render_error_page
from serving.cache_headers import LIVE_COUNTS, STANDING, kept_here, shared_cache

POSTS_PER_PAGE = 10
LATEST_ON_HOME = 6
MOST_UPVOTED = 5
PAGED = ("page",)  # the query parameter a listing reads (_page_of)


def _page_of(request: HttpRequest, queryset, per_page: int = POSTS_PER_PAGE):
    """The requested page of a listing; any odd ?page= is a 404, never a 500."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page", "1"))
    except (InvalidPage, ValueError) as exc:
        raise Http404("No such page of articles.") from exc


def _reading_page(response: HttpResponse, shown, *, seconds: int = STANDING, reads_query=()) -> HttpResponse:
    """The same for every reader until the content changes, `seconds` pass, or the next scheduled
    article appears (listings and related articles would show it)."""
    newest = max((post.updated_at for post in shown if post is not None), default=None)
    return shared_cache(response, seconds=seconds, expires_at=Post.objects.next_publication(),
                        last_modified=newest, reads_query=reads_query)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    published = Post.objects.published().for_listing()
    featured = published.featured().first()
    latest = list((published.exclude(pk=featured.pk) if featured else published)[:LATEST_ON_HOME])
    response = render(request, "home.html", {"featured": featured, "latest": latest})
    return _reading_page(response, [featured, *latest])


@require_safe
def post_list(request: HttpRequest) -> HttpResponse:
    page = _page_of(request, Post.objects.published().for_listing())
    most_upvoted = list(Post.objects.published().most_upvoted()[:MOST_UPVOTED]) if page.number == 1 else []
    response = render(request, "blog/post_list.html",
                      {"page_obj": page, "posts": page.object_list, "most_upvoted": most_upvoted})
    return _reading_page(response, [*page.object_list, *most_upvoted], seconds=LIVE_COUNTS, reads_query=PAGED)


@require_safe
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    page = _page_of(request, tag.posts.published().for_listing())
    response = render(request, "blog/tag_detail.html", {"tag": tag, "page_obj": page, "posts": page.object_list})
    return _reading_page(response, page.object_list, reads_query=PAGED)


@require_safe
def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The same page for every reader, except right after a vote without JavaScript (?voted=1):
    that one shows the voter's own state and is kept out of every cache."""
    just_voted = "voted" in request.GET
    posts = Post.objects.published().select_related("author").prefetch_related("tags", "corrections").defer(
        *MARKDOWN_SOURCES)
    if just_voted:
        posts = posts.with_upvoted_by(voter_key(voter_of(request)))
    post = posts.filter(slug=slug).first()
    if post is None:
        return _redirect_from_old_address(slug)
    context = _article_context(post)
    response = render(request, "blog/post_detail.html", {
        **context, "just_voted": just_voted,
        "vote_note": NOT_COUNTED if just_voted and request.GET["voted"] == "uncounted" else ""})
    if just_voted:
        patch_cache_control(response, private=True, no_store=True)
        return response
    return _reading_page(response, [post, *context["related"]], seconds=LIVE_COUNTS, reads_query=("voted",))


@require_safe
def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author, slug=slug)
    page = _page_of(request, author.posts.published().for_listing())
    response = render(request, "blog/author_detail.html",
                      {"author": author, "page_obj": page, "posts": page.object_list})
    return _reading_page(response, page.object_list, reads_query=PAGED)


def feed(feed_view):
    """A feed as a reading page: kept by shared caches until content changes or the next article
    is due."""

    @require_safe
    def view(request: HttpRequest) -> HttpResponse:
        return shared_cache(feed_view(request), expires_at=Post.objects.next_publication())

    return view


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """The same answer for everyone, kept out of the browser's cache and any CDN: what people search
    for on a mental-health site is nobody else's business (and never logged: the access log has no
    query; the only row an ordinary search writes is the rate limit's count, under an HMAC of the
    network). A search that reads as a person in crisis puts help first; results, if any, follow.

    The finished page is kept for a minute by this process's page cache, and what a search found by
    the site's cache (blog/search.py, under the normalised query), for everyone. Only searches that
    must run count against the network's IDARE_SEARCH_RATE; past it, a calm 429 with the helplines.
    A search that reads as a person in crisis is never counted nor refused: whoever shares their
    network (an office, a campus, a carrier's NAT), they get help first, and leave no row."""
    published = Post.objects.published().select_related("author")
    query = clean_query(request.GET.get("q", ""))
    crisis = is_crisis_query(query)
    results = remembered(published, query)
    if results is None:
        counted = query and not crisis
        retry_after = over_limit(request, "search", parse_rate(settings.IDARE_SEARCH_RATE)) if counted else None
        if retry_after is not None:
            return _search_paused(request, query, retry_after)
        results = search_posts(published, query)
        remember(results)
    topics = [] if results.posts or crisis else Tag.objects.with_published_posts()[:12]
    response = render(request, "blog/search.html", {"results": results, "topics": topics, "crisis": crisis})
    patch_cache_control(response, private=True, no_store=True)
    return kept_here(response, seconds=settings.IDARE_SEARCH_CACHE_SECONDS, reads_query=("q",))


def _search_paused(request: HttpRequest, query: str, retry_after: int) -> HttpResponse:
    response = render(request, "blog/search_paused.html", {"query": query, "retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _redirect_from_old_address(slug: str) -> HttpResponse:
    """A published article's earlier slug answers 301 to its address now; anything else is a 404."""
    moved = SlugRedirect.objects.filter(old_slug=slug, post__in=Post.objects.published()).select_related("post")
    old = moved.only("post__slug").first()
    if old is None:
        raise Http404("No such article.")
    return HttpResponsePermanentRedirect(old.post.get_absolute_url())


def _article_context(post: Post) -> dict:
    return {"post": post, "related": Post.objects.related_to(post), "review": post.current_review()}


@require_safe
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """A private preview link: anyone holding a valid one can read the draft, without an account."""
    link = PreviewLink.objects.from_token(token)
    if link is None:
        response = render_error_page(404, request, {"preview_link": True})
        return _private(response)
    if link.post.is_visible:  # published since the link was made: the real page is the one to read
        return _private(HttpResponseRedirect(link.post.get_absolute_url()))
    return preview_response(request, link.post, expires_at=link.expires_at)


def preview_response(request: HttpRequest, post: Post, *, staff: bool = False, expires_at=None) -> HttpResponse:
    """The article page as readers will see it, marked as a preview, kept out of search engines and caches."""
    post = Post.objects.select_related("author").prefetch_related("tags").get(pk=post.pk)
    context = {**_article_context(post), "preview": {"staff": staff, "expires_at": expires_at}}
    return _private(render(request, "blog/post_preview.html", context))


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the link is the key: it must not travel in a Referer
    return response


@require_safe
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(Page, slug=slug)
    response = render(request, "blog/page_detail.html", {"page": page})
    return shared_cache(response, last_modified=page.updated_at)


# --- upvotes and shares: cookie-free endpoints, protected by their Origin instead of a token -----

def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    if _wants_json(request):
        response = JsonResponse({"error": _("Too many requests from your network. Please try again shortly.")},
                                status=429)
    else:
        response = render_error_page(429, request)
    response["Retry-After"] = str(retry_after)
    return response


def _wants_json(request: HttpRequest) -> bool:
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _not_for_sensitive(request: HttpRequest) -> HttpResponse:
    """Sensitive articles are never ranked or pushed by popularity (safe-messaging guidance), so
    their upvotes and shares are not counted; a reader can still share the address from the browser."""
    message = _("Articles on sensitive topics are not upvoted or shared from this site. You can still share "
                "the article's address from your browser's own menu.")
    if _wants_json(request):
        response = JsonResponse({"error": message}, status=403)
    else:
        response = render(request, "blog/not_for_sensitive.html", {"message": message}, status=403)
    patch_cache_control(response, private=True, no_store=True)
    return response


# Honest about an upvote that is kept for the voter but not added to the public count.
NOT_COUNTED = gettext_lazy("Your upvote is saved for you, but it does not add to the count: this article has "
                           "already had today's upvotes from your network.")


def _upvote_answer(upvoted: bool, count: int, counted: bool) -> dict:
    """The JSON of the upvote and its state endpoint alike, so a reload shows what the click did."""
    answer = {"upvoted": upvoted, "upvotes": count}
    if upvoted and not counted:
        answer.update(counted=False, note=str(NOT_COUNTED))
    return answer


def _vote_throttled(request: HttpRequest, scope: str) -> int | None:
    return over_limit(request, scope, parse_rate(settings.IDARE_VOTE_RATE))


@require_POST
@same_origin_required
def upvote(request: HttpRequest, slug: str) -> HttpResponse:
    """Toggles this visitor's upvote. The voter cookie is set here, on a first vote, and nowhere else."""
    post = get_object_or_404(Post.objects.published().only("pk", "slug", "sensitive"), slug=slug)
    if post.sensitive:
        return _not_for_sensitive(request)
    if (retry_after := _vote_throttled(request, "upvote")) is not None:
        return _too_many(request, retry_after)
    visitor = voter_of(request)
    new_visitor = visitor is None
    if new_visitor:
        visitor = secrets.token_hex(16)  # 128 random bits, nothing about the person
    upvoted, count, counted = Vote.objects.toggle(post.pk, voter_key(visitor), network_key(request))
    if _wants_json(request):
        response = JsonResponse(_upvote_answer(upvoted, count, counted))
    else:
        shown = "1" if counted or not upvoted else "uncounted"
        response = HttpResponseRedirect(f"{post.get_absolute_url()}?voted={shown}#upvote", status=303)
    patch_cache_control(response, private=True, no_store=True)
    if new_visitor:
        remember_voter(request, response, visitor)
    return response


@require_safe
def upvote_state(request: HttpRequest, slug: str) -> HttpResponse:
    voter = voter_key(voter_of(request))
    post = get_object_or_404(
        Post.objects.published().with_upvoted_by(voter).with_uncounted_upvote_by(voter)
        .only("pk", "upvote_count", "sensitive"),
        slug=slug,
    )
    if post.sensitive:
        return _not_for_sensitive(request)
    response = JsonResponse(_upvote_answer(post.upvoted, post.upvote_count, not post.upvote_uncounted))
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@same_origin_required
def share(request: HttpRequest, slug: str, network: str) -> HttpResponse:
    """Link networks (GET): counts a click made on this site, then sends the reader to the network
    with the article's address; the target comes from the allowlist, never from the request.
    Script-only ways (POST from the page's script): counts a copied link or a device share."""
    if network not in LINK_NETWORKS and network not in SCRIPT_NETWORKS:
        raise Http404("No such way to share.")
    allowed = ["GET", "HEAD"] if network in LINK_NETWORKS else ["POST"]
    if request.method not in allowed:
        response = render_error_page(405, request)
        response["Allow"] = ", ".join(allowed)
        return response
    post = get_object_or_404(Post.objects.published().only("pk", "slug", "title", "excerpt", "sensitive"), slug=slug)
    if post.sensitive:
        return _not_for_sensitive(request)
    counted = request.method == "POST" or (request.method == "GET" and opened_from_this_site(request))
    if counted:
        if (retry_after := _vote_throttled(request, "share")) is not None:
            return _too_many(request, retry_after)
        ShareCount.objects.record(post.pk, network, network_key(request))
    response = HttpResponse(status=204) if network in SCRIPT_NETWORKS else LINK_NETWORKS[network].redirect(post)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
