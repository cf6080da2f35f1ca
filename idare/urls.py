from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.decorators.http import require_safe

from blog import sitemaps as blog_sitemaps
from blog import views as blog_views
from core import editor, views
from engage import sitemaps as engage_sitemaps
from serving.cache_headers import public_page
from staff.signin import admin_login
from support import sitemaps as support_sitemaps

SITEMAPS = {
    "pages": blog_sitemaps.BlogPages,
    "support": support_sitemaps.SupportPages,
    "engage": engage_sitemaps.EngagePages,
    "articles": blog_sitemaps.ArticleSitemap,
    "topics": blog_sitemaps.TagSitemap,
    "about": blog_sitemaps.StandingPageSitemap,
}

admin.site.site_header = "iDare editors"
admin.site.site_title = "iDare editors"
admin.site.index_title = "Content and helplines"

urlpatterns = [
    path("", blog_views.home, name="home"),
    path("blog/", include("blog.urls")),
    path("support/", include("support.urls")),
    path("engage/", include("engage.urls")),
    path("help/", include("support.help_urls")),
    path("contact/", include("support.contact_urls")),
    path("", include("support.offline_urls")),  # /exit/, /offline/ and /sw.js, whose scope is the root
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", require_safe(public_page(reads_query=("p",))(sitemap_views.sitemap)), {"sitemaps": SITEMAPS},
         name="sitemap"),
    path("search/", blog_views.search, name="search"),
    # The admin's address comes from IDARE_ADMIN_PATH; its sign-in adds the lockout's page and the second step.
    path(f"{settings.IDARE_ADMIN_PATH}login/", admin_login, name="admin_login"),
    path(settings.IDARE_ADMIN_PATH, include("staff.urls")),
    path(settings.IDARE_ADMIN_PATH, admin.site.urls),
    path("markdownx/markdownify/", editor.markdown_preview, name="markdownx_markdownify"),
    path("markdownx/upload/", editor.image_upload, name="markdownx_upload"),
]
if settings.SERVE_MEDIA:
    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", views.media, name="media"))
urlpatterns.append(path("", include("blog.page_urls")))
handler500 = "core.views.server_error"
