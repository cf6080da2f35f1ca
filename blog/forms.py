"""The admin's article form: who may publish, the safe-messaging checklist, and images that every
reader can perceive."""

import copy
import re
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog.models import SAFE_MESSAGING_CHECKLIST, WORDS_PER_MINUTE, Post, length_wording
from core.crisis import crisis_phrases_in
from core.images import fit_card, reencode_image, store_image
from core.markdown import render_markdown
from core.models import CrisisPhrase
from core.renditions import DECORATIVE

UPLOAD_ALT_PLACEHOLDER = "Describe this image for people who cannot see it"
# Publishing decisions: only someone with blog.publish_post (the Editor role) takes them.
PUBLISHING_FIELDS = ["status", "published_at", "featured", *SAFE_MESSAGING_CHECKLIST]
IMG_ALT = re.compile(r'<img\b[^>]*\salt="([^"]*)"')
IMG = re.compile(r"<img\b")
META_DESCRIPTION_TARGET = 155
# A publication time this close behind the clock is "now" typed by hand (Today, Now, then a minute
# reading it over), not a decision to backdate.
PUBLISH_NOW_GRACE = timedelta(minutes=15)


def can_publish(user) -> bool:
    return user.has_perm("blog.publish_post")


class PostAdminForm(forms.ModelForm):
    # Set for each request by PostAdmin.get_form.
    user = None
    confirm_not_sensitive = forms.BooleanField(
        label=_("This article mentions suicide or self-harm but is not about it: publish it as an ordinary article"),
        required=False,
        help_text=_("Only when publishing an article that uses such words and is not ticked as a sensitive topic."),
    )

    confirm_past_date = forms.BooleanField(
        label=_("Publish it with this past time on purpose"), required=False,
        help_text=_("Only for an article that first appeared elsewhere on that day: readers see that date."),
    )

    class Meta:
        model = Post
        fields = ["title", "slug", "subtitle", "author", "excerpt", "body", "hero_image", "hero_alt",
                  "hero_decorative", "hero_credit", "hero_focal_x", "hero_focal_y", "social_image", "social_image_alt",
                  "sensitive", "content_note",
                  *SAFE_MESSAGING_CHECKLIST, "cta_topic", "sources", "tags", "status", "published_at", "featured"]
        widgets = {
            # data-count: static/js/admin-count.js shows a live count; without JavaScript the help text says it.
            "excerpt": forms.Textarea(attrs={"rows": 3, "data-count": META_DESCRIPTION_TARGET}),
            "sources": forms.Textarea(attrs={"rows": 4}),
            # Checkboxes, not the admin's two-list filter widget, whose icons carry ARIA that axe-core refuses.
            "tags": forms.CheckboxSelectMultiple,
            # Typed by hand without JavaScript; static/js/admin-focal.js sets them from a click on the image.
            "hero_focal_x": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "data-focal": "x"}),
            "hero_focal_y": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "data-focal": "y"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_publish = self.user is not None and can_publish(self.user)
        self.instance.publisher = self.user  # Post.clean applies the four-eyes rule to this account
        if "excerpt" in self.fields:  # static/js/admin-count.js words the live count with these
            self.fields["excerpt"].widget.attrs.update({
                "data-count-one": ngettext("%(count)s character", "%(count)s characters", 1),
                "data-count-other": ngettext("%(count)s character", "%(count)s characters", 2),
                "data-count-under": _("%(count)s; search engines show about %(target)s."),
                "data-count-over": _("%(count)s: search engines may cut it after about %(target)s."),
            })
        for name in ("hero_focal_x", "hero_focal_y"):
            if name in self.fields:
                self.fields[name].required = False
        if "body" in self.fields:
            # static/js/admin-words.js: a live word count and reading time, worded as the server words it.
            self.fields["body"].widget.attrs.update({
                "data-words-per-minute": WORDS_PER_MINUTE, "data-length-one": length_wording(1),
                "data-length-other": length_wording(2),
            })
        if "published_at" in self.fields:  # the admin's date and time boxes have no labels of their own
            date, clock = self.fields["published_at"].widget.widgets
            date.attrs["aria-label"], clock.attrs["aria-label"] = _("Publication date"), _("Publication time of day")
        if not self.may_publish:
            for name in PUBLISHING_FIELDS:
                if name in self.fields:
                    # A disabled field keeps its stored value whatever a crafted POST says.
                    self.fields[name].disabled = True
                    self.fields[name].help_text = (
                        f"{self.fields[name].help_text} {_('Only an editor can change this.')}").strip()

    def clean_hero_focal_x(self):
        return self._focal("hero_focal_x")

    def clean_hero_focal_y(self):
        return self._focal("hero_focal_y")

    def _focal(self, name: str) -> int:
        """Left empty (or sent by a form that predates the field): the middle of the image."""
        value = self.cleaned_data.get(name)
        return Post._meta.get_field(name).default if value is None else value

    def clean_hero_image(self):
        return self._clean_upload("hero_image", reencode_image)

    def clean_social_image(self):
        return self._clean_upload("social_image", fit_card)

    def _clean_upload(self, name: str, clean):
        image = self.cleaned_data.get(name)
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            try:
                return clean(image)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return image

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        html = render_markdown(body)
        alts = IMG_ALT.findall(html)
        if len(alts) < len(IMG.findall(html)) or any(not alt.strip() or alt == UPLOAD_ALT_PLACEHOLDER for alt in alts):
            raise ValidationError(_(
                "Every image needs alt text: write what it shows between the brackets, ![like this](…). If an "
                "image adds nothing a reader would miss, write ![%(decorative)s](…) and screen readers skip it."
            ) % {"decorative": DECORATIVE})
        return body

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hero_image") and not cleaned.get("hero_credit"):
            self.add_error("hero_credit", _("Say who made the image: it is shown as “Image credit: …”."))
        if cleaned.get("social_image") and not cleaned.get("social_image_alt"):
            self.add_error("social_image_alt", _("Describe your link-preview image for people who cannot see it."))
        self._check_unflagged_crisis_language(cleaned)
        self._check_past_publication_time(cleaned)
        return cleaned

    def _check_past_publication_time(self, cleaned: dict) -> None:
        """Publishing a draft at a time already past would date it as if it had been out all along
        (and put it below articles readers saw first): say so, unless the editor means it."""
        moment = cleaned.get("published_at")
        if (not self.may_publish or cleaned.get("status") != Post.Status.PUBLISHED or moment is None
                or self.instance.status == Post.Status.PUBLISHED or cleaned.get("confirm_past_date")):
            return
        if moment < timezone.now() - PUBLISH_NOW_GRACE:
            self.add_error("published_at", _(
                "This time has passed, so readers would see the article dated %(moment)s. Leave the time empty "
                "to publish now, choose a time from now on to schedule it, or tick “Publish it with this past "
                "time on purpose”.") % {"moment": f"{timezone.localtime(moment):%-d %b %Y, %H:%M}"})

    @property
    def refused_changes(self) -> list[str]:
        """Labels of the fields this account may not change that the request tried to change anyway
        (a browser never sends a disabled field: only a crafted request does)."""
        refused = []
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            # A checkbox left out reads as unticked: only one sent ticked was sent at all.
            omitted = (key not in self.data if isinstance(field.widget, forms.CheckboxInput)
                       else field.widget.value_omitted_from_data(self.data, self.files, key))
            if not field.disabled or omitted:
                continue
            probe = copy.copy(field)
            probe.disabled = False  # a disabled field never "has changed": ask as if it were not
            if probe.has_changed(self.get_initial_for_field(field, name),
                                 field.widget.value_from_datadict(self.data, self.files, key)):
                refused.append(str(field.label))
        return refused

    def _check_unflagged_crisis_language(self, cleaned: dict) -> None:
        """An article published unflagged that uses the words of suicide or self-harm (the crisis phrase
        list search uses) asks the editor to flag it, or to say it is not about that."""
        if (cleaned.get("status") != Post.Status.PUBLISHED or cleaned.get("sensitive")
                or cleaned.get("confirm_not_sensitive")):
            return
        text = "\n".join(cleaned.get(name) or "" for name in ("title", "subtitle", "body"))
        found = crisis_phrases_in(text, kinds=[CrisisPhrase.Kind.SUICIDAL, CrisisPhrase.Kind.SELF_HARM])
        if found:
            self.add_error("sensitive", _(
                "This article mentions %(phrases)s. Tick “sensitive topic” (and then the safe-messaging checklist), "
                "or, if it is not about suicide or self-harm, tick “This article mentions suicide or self-harm but is "
                "not about it” below, and save again."
            ) % {"phrases": ", ".join(f"“{phrase}”" for phrase in found)})

    def save(self, commit=True):
        for field, folder in (("hero_image", "posts"), ("social_image", "social")):
            image = self.cleaned_data.get(field)
            if image and not isinstance(image, FieldFile):  # a new, cleaned upload: stored under its content hash
                setattr(self.instance, field, store_image(image, folder))
        # Post.save keeps the safe-messaging ticks true to the text for the account saving (`publisher`).
        return super().save(commit)
