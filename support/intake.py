"""The pages of the enquiry and contact flows: the form, the private confirmation page, the under-18
page and withdrawal.

Every response of these flows is `Cache-Control: no-store` (nothing of it in a shared or a back/
forward cache), POSTed values are hidden from error reports, and what people type travels only in
POST bodies: links carry a signed reference (support.inbox)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from core.ratelimit import over_limit, parse_rate
from support import inbox
from support.forms import ContactForm, EnquiryForm
from support.inbox import CONTACT, ENQUIRY, Kind
from support.models import Provider, SupportText, Topic

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,150}")


def private(view: Callable) -> Callable:
    """no-store on every answer, and POSTed values never in an error report."""
    return wraps(view)(never_cache(sensitive_post_parameters()(view)))


def see_other(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url, status=303)


def _submit(request: HttpRequest, kind: Kind, form, rate: str) -> HttpResponse | None:
    """Stores a valid form and answers with its confirmation page's address; None when the form
    goes back to the person (with its errors, or over the rate limit)."""
    if not form.is_valid():
        return None
    retry_after = over_limit(request, kind.noun, parse_rate(rate))
    if retry_after is not None:
        minutes = max(1, round(retry_after / 60))
        form.add_error(None, f"We have received many messages from your network in the last little while, so this "
                             f"one was not sent and nothing was kept. Please try again in about {minutes} minute"
                             f"{'s' if minutes != 1 else ''}.")
        form.retry_after = retry_after
        return None
    record = form.save()
    inbox.tell_staff(kind, record)
    inbox.confirm_to_sender(kind, record)
    return see_other(inbox.confirmation_path(kind, record))


def _form_page(request: HttpRequest, template: str, form, context: dict) -> HttpResponse:
    status = 200
    if form.is_bound:
        status = 429 if getattr(form, "retry_after", None) else 400
    response = render(request, template, {"form": form, **context}, status=status)
    if status == 429:
        response["Retry-After"] = str(form.retry_after)
    return response


# --- enquiries ----------------------------------------------------------------------------------

@private
@require_http_methods(["GET", "HEAD", "POST"])
def enquiry(request: HttpRequest) -> HttpResponse:
    asked_for = None
    if request.method == "POST":
        form = EnquiryForm(request.POST)
        if form.is_under_18():  # before anything else is looked at, and nothing is kept
            return see_other(reverse("support:under_18"))
        if done := _submit(request, ENQUIRY, form, settings.IDARE_ENQUIRY_RATE):
            return done
    else:
        slug = request.GET.get("provider", "")
        asked_for = Provider.objects.listed().filter(slug=slug).first() if SLUG.fullmatch(slug) else None
        chosen = asked_for.slug if asked_for and not asked_for.example and asked_for.accepting_new_clients else None
        form = EnquiryForm(initial={"preferred_provider": chosen})
    return _form_page(request, "support/enquiry.html", form,
                      {"asked_for": asked_for, "retention_days": settings.IDARE_ENQUIRY_RETENTION_DAYS})


@private
@require_safe
def under_18(request: HttpRequest) -> HttpResponse:
    return render(request, "support/under_18.html")


# --- contact ------------------------------------------------------------------------------------

@private
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ContactForm(request.POST)
        if done := _submit(request, CONTACT, form, settings.IDARE_CONTACT_RATE):
            return done
    else:
        topic = request.GET.get("topic")
        form = ContactForm(initial={"topic": topic if topic in Topic.values else None})
    text = SupportText.for_places(SupportText.Place.CONTACT).get(SupportText.Place.CONTACT)
    return _form_page(request, "support/contact.html", form, {"text": text})


# --- after sending, for both --------------------------------------------------------------------

def _received(request: HttpRequest, kind: Kind, token: str) -> HttpResponse:
    record = inbox.from_token(kind, token, "received", max_age=inbox.CONFIRMATION_PAGE_MAX_AGE)
    if record is None:
        return render(request, "support/received_expired.html", {"kind": kind}, status=404)
    next_steps = None
    if kind is ENQUIRY:
        next_steps = SupportText.for_places(SupportText.Place.NEXT_STEPS).get(SupportText.Place.NEXT_STEPS)
    response = render(request, "support/received.html", {
        "kind": kind, "record": record, "next_steps": next_steps,
        "withdraw_path": inbox.withdraw_path(kind, record),
        "retention_days": settings.IDARE_ENQUIRY_RETENTION_DAYS,
    })
    # The address holds a private link: links from this page must not pass it on.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _withdraw(request: HttpRequest, kind: Kind, token: str) -> HttpResponse:
    """A GET only asks (mail programs open links to scan them); the person's POST deletes."""
    record = inbox.from_token(kind, token, "withdraw")
    if record is None:
        return render(request, "support/withdraw_gone.html", {"kind": kind}, status=404)
    if request.method == "POST":
        reference = record.reference
        record.delete()
        inbox.tell_staff_withdrawn(kind, reference)
        return see_other(reverse(kind.withdrawn_url))
    return render(request, "support/withdraw.html", {"kind": kind, "record": record})


@private
@require_safe
def enquiry_received(request: HttpRequest, token: str) -> HttpResponse:
    return _received(request, ENQUIRY, token)


@private
@require_http_methods(["GET", "HEAD", "POST"])
def enquiry_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    return _withdraw(request, ENQUIRY, token)


@private
@require_safe
def contact_received(request: HttpRequest, token: str) -> HttpResponse:
    return _received(request, CONTACT, token)


@private
@require_http_methods(["GET", "HEAD", "POST"])
def contact_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    return _withdraw(request, CONTACT, token)


@private
@require_safe
def enquiry_withdrawn(request: HttpRequest) -> HttpResponse:
    return render(request, "support/withdrawn.html", {"kind": ENQUIRY})


@private
@require_safe
def contact_withdrawn(request: HttpRequest) -> HttpResponse:
    return render(request, "support/withdrawn.html", {"kind": CONTACT})
