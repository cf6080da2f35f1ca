from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from markdownx.admin import MarkdownxModelAdmin

from blog.images import reencode_image, store_image
from blog.models import Author, Page, Post, Tag


class PostAdminForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["title", "slug", "subtitle", "author", "excerpt", "body", "hero_image", "hero_alt", "hero_credit",
                  "cta_topic", "tags", "status", "published_at", "featured"]

    def clean_hero_image(self):
        image = self.cleaned_data.get("hero_image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            try:
                return reencode_image(image)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return image

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hero_image") and not (cleaned.get("hero_alt") and cleaned.get("hero_credit")):
            raise ValidationError("An image needs alt text (what it shows) and a credit (who made it).")
        return cleaned

    def save(self, commit=True):
        image = self.cleaned_data.get("hero_image")
        if image and not getattr(image, "_committed", True):
            self.instance.hero_image = store_image(image, "posts")
        return super().save(commit)


@admin.register(Post)
class PostAdmin(MarkdownxModelAdmin):
    form = PostAdminForm
    list_display = ["title", "status", "published_at", "author", "featured", "updated_at"]
    list_filter = ["status", "featured", "author", "tags"]
    search_fields = ["title", "subtitle", "excerpt", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    filter_horizontal = ["tags"]
    list_select_related = ["author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "author", "excerpt", "body"]}),
        ("Hero image", {"fields": ["hero_image", "hero_alt", "hero_credit"]}),
        ("After the article", {"fields": ["cta_topic", "tags"]}),
        ("Publishing", {"fields": ["status", "published_at", "featured"]}),
    ]


@admin.register(Page)
class PageAdmin(MarkdownxModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
