from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from serving.cache_headers import public_page, shared_cache
from support.forms import DirectoryFilters, directory_filters
from support.helpline_snapshot import active_helplines, next_change, summarize, with_status
from support.models import FeeBand, Provider, Service, SupportText

PROVIDERS_PER_PAGE = 12


@require_safe
@public_page()
def index(request: HttpRequest) -> HttpResponse:
    texts = SupportText.for_places(SupportText.Place.HOW_IT_WORKS, SupportText.Place.WHAT_TO_EXPECT)
    return render(request, "support/index.html", {
        "services": Service.objects.filter(active=True),
        "how_it_works": texts.get(SupportText.Place.HOW_IT_WORKS),
        "what_to_expect": texts.get(SupportText.Place.WHAT_TO_EXPECT),
        "fee_bands": FeeBand,
    })


@require_safe
@public_page(reads_query=("page", *DirectoryFilters.base_fields))
def provider_list(request: HttpRequest) -> HttpResponse:
    """Filters combine in the query string, so a search can be shared or bookmarked; a filter that
    makes no sense is dropped (and the page says so), never an error."""
    filters = directory_filters(request.GET)
    providers = filters.filter(Provider.objects.listed()).for_directory()
    paginator = Paginator(providers, PROVIDERS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", "1"))
    except (InvalidPage, ValueError) as exc:
        raise Http404("No such page of providers.") from exc
    # The page links keep the filters in the address, and nothing else: the page is cached under those.
    page_query = QueryDict(mutable=True)
    for name in request.GET:
        if name in DirectoryFilters.base_fields:
            page_query.setlist(name, request.GET.getlist(name))
    return render(request, "support/provider_list.html", {
        "filters": filters, "applied": filters.applied(), "page_obj": page, "providers": page.object_list,
        "page_query": page_query,
        "directory_empty": not page.object_list and not Provider.objects.listed().exists(),
        "demo": settings.IDARE_DEMO,
    })


@require_safe
@public_page()
def provider_detail(request: HttpRequest, slug: str) -> HttpResponse:
    provider = get_object_or_404(Provider.objects.listed().prefetch_related("languages", "concerns"), slug=slug)
    return render(request, "support/provider_detail.html", {"provider": provider})


@require_safe
def help_now(request: HttpRequest) -> HttpResponse:
    """Never depends on the database: the helplines come from the snapshot every helpline edit and
    every server start rebuilds, so this page answers with every active number during an outage.
    Which line is open is said for this moment, so no copy is kept past the next opening or closing."""
    helplines = with_status(active_helplines())
    silent = [line for line in helplines if line["silent_channels"]]
    response = render(request, "support/help.html", {
        "helplines": helplines, "summary": summarize(helplines), "silent_lines": silent,
    })
    return shared_cache(response, expires_at=next_change(helplines))
