"""The admin of the blog's other content: standing pages, authors, tags, old addresses."""


from django.contrib import admin
from reversion.admin import VersionAdmin

from blog.admin.base import SideBySidePreview
from blog.models import (
    Author,
    Page,
    SlugRedirect,
    Tag,
)
from core.admin import MarkdownAdmin


@admin.register(Page)
class PageAdmin(SideBySidePreview, VersionAdmin, MarkdownAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}

    class Media:
        js = ["js/admin-previews.js"]
        css = {"all": ["css/admin-preview.css"]}



@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}



@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]



@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "post", "created_at"]
    search_fields = ["old_slug", "post__title"]
    list_select_related = ["post"]

    def has_add_permission(self, request):
        return False  # made when a published article's slug changes

    def has_change_permission(self, request, obj=None):
        return False
