from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from blog.models import Page, Post, Tag

POSTS_PER_PAGE = 10
LATEST_ON_HOME = 6


def _page_of(request: HttpRequest, queryset, per_page: int = POSTS_PER_PAGE):
    """The requested page of a listing; any odd ?page= is a 404, never a 500."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page", "1"))
    except (InvalidPage, ValueError) as exc:
        raise Http404("No such page of articles.") from exc


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    published = Post.objects.published().for_listing()
    featured = published.filter(featured=True).first()
    latest = published.exclude(pk=featured.pk) if featured else published
    return render(request, "home.html", {"featured": featured, "latest": latest[:LATEST_ON_HOME]})


@require_GET
def post_list(request: HttpRequest) -> HttpResponse:
    page = _page_of(request, Post.objects.published().for_listing())
    return render(request, "blog/post_list.html", {"page_obj": page, "posts": page.object_list})


@require_GET
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    page = _page_of(request, tag.posts.published().for_listing())
    return render(request, "blog/tag_detail.html", {"tag": tag, "page_obj": page, "posts": page.object_list})


@require_GET
def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    post = get_object_or_404(
        Post.objects.published().select_related("author").prefetch_related("tags"), slug=slug
    )
    related = Post.objects.related_to(post)
    return render(request, "blog/post_detail.html", {"post": post, "related": related})


@require_GET
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(Page, slug=slug)
    return render(request, "blog/page_detail.html", {"page": page})
