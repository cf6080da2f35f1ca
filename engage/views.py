from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from core.ratelimit import count_hit, network_key, over_limit, parse_rate, period_words, wait_words
from core.views import render_error_page
from engage.calendar import calendar_file
from engage.emails import send_after_commit
from engage.forms import RegistrationForm
from engage.models import Programme, Registration, RegistrationExpired, RegistrationRefused, Session
from engage.tokens import confirmation_from, reference_from, registration_url, token_for
from serving.cache_headers import public_page

COMING_UP = 12


@require_safe
@public_page()
def index(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.listed().with_upcoming_count().order_by("title")
    sessions = Session.objects.upcoming().select_related("programme")[:COMING_UP]
    return render(request, "engage/index.html", {"programmes": programmes, "sessions": sessions})


@require_safe
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(
        Programme.objects.listed().prefetch_related(
            Prefetch("sessions", queryset=Session.objects.upcoming(), to_attr="upcoming_sessions")
        ),
        slug=slug,
    )
    return render(request, "engage/programme_detail.html", {"programme": programme})


@sensitive_post_parameters("name", "email")
@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    """The registration form (GET) and a registration (POST → 303 → the confirmation page)."""
    session = get_object_or_404(Session.objects.upcoming().select_related("programme"),
                                pk=session_id, programme__slug=slug)
    form = RegistrationForm()
    status = 200
    if request.method == "POST":
        retry_after = over_limit(request, "registration", parse_rate(settings.IDARE_REGISTRATION_RATE))
        if retry_after is not None:
            response = render_error_page(429, request)
            response["Retry-After"] = str(retry_after)
            return _private(response)
        form = RegistrationForm(request.POST)
        if session.refusal():
            status = 409
        elif form.is_from_a_bot():
            # Nothing is stored; a person whose browser filled the hidden field is told what to do.
            return _private(render(request, "engage/form_refused.html", {"session": session}, status=400))
        elif not form.is_valid():
            status = 400
        elif (retry_after := _session_rate_reached(request, session, form)) is not None:
            status = 429
        else:
            try:
                registration = Registration.objects.register(
                    session.pk, name=form.cleaned_data["name"], email=form.cleaned_data["email"]
                )
            except RegistrationRefused:
                status = 409  # closed a moment ago: the page below says why
            else:
                send_after_commit(registration, "request")  # holds nothing until they confirm from it
                return _private(HttpResponseRedirect(registration_url(registration), status=303))
    response = render(request, "engage/register.html",
                      {"session": session, "programme": session.programme, "form": form, "refusal": session.refusal()},
                      status=status)
    if status == 429:
        response["Retry-After"] = str(retry_after)
    return _private(response)


def _session_rate_reached(request: HttpRequest, session: Session, form: RegistrationForm) -> int | None:
    """Counts this registration against the network's allowance for the session
    (IDARE_SESSION_REGISTRATION_RATE). None while within it; past it, the seconds to wait, and the
    form (which keeps what the person typed) says what happened."""
    rate = parse_rate(settings.IDARE_SESSION_REGISTRATION_RATE)
    if rate is None:
        return None
    retry_after = count_hit("session-registration", f"{network_key(request)}:{session.pk}", rate)
    if retry_after is not None:
        form.add_error(None, ngettext(
            "Your network can register at most %(n)d time for one session %(period)s, and it has, so this "
            "registration was not sent and nothing was kept. If someone else in your household or office would "
            "like to come, please try again in %(wait)s, or write to us.",
            "Your network can register at most %(n)d times for one session %(period)s, and it has, so this "
            "registration was not sent and nothing was kept. If someone else in your household or office would "
            "like to come, please try again in %(wait)s, or write to us.",
            rate.limit) % {"n": rate.limit, "period": period_words(rate), "wait": wait_words(retry_after)})
    return retry_after


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the first e-mail. GET shows a button and changes nothing (mail scanners open links
    by themselves); its POST confirms: a place if one is free, else the waiting list."""
    signed = confirmation_from(token)
    if signed is None:
        return _private(render(request, "engage/link_invalid.html", status=400))
    reference, session_id = signed
    found = Registration.objects.select_related("session__programme").filter(reference=reference).first()
    if found is None or found.has_expired:
        return _expired(request, session_id)
    if request.method == "POST" and found.is_pending:
        try:
            confirmed = found.confirm()
        except (Registration.DoesNotExist, RegistrationExpired):
            return _expired(request, session_id)
        except RegistrationRefused as refused:
            return _gone(request, str(refused), status=409)
        if confirmed:
            send_after_commit(found, "confirmation")
    if not found.is_pending:  # confirmed now or before: the link shows the registration
        return _private(HttpResponseRedirect(registration_url(found), status=303))
    return _private(render(request, "engage/confirm.html", {
        "registration": found, "session": found.session, "programme": found.session.programme,
    }))


def _expired(request: HttpRequest, session_id: int) -> HttpResponse:
    """Not confirmed in time (or cancelled, or deleted since): nothing is held. The session's form,
    if it is still open, is one click away."""
    session = Session.objects.bookable().select_related("programme").filter(pk=session_id).first()
    return _private(render(request, "engage/confirm_expired.html", {
        "session": session, "hours": settings.IDARE_REGISTRATION_CONFIRM_HOURS}, status=410))


@require_safe
def registration(request: HttpRequest) -> HttpResponse:
    found = _registration_from(request)
    if isinstance(found, HttpResponse):
        return found
    return _private(render(request, "engage/registration.html", {
        "registration": found, "session": found.session, "programme": found.session.programme,
        "token": token_for(found.reference), "confirm_hours": settings.IDARE_REGISTRATION_CONFIRM_HOURS,
    }))


@require_safe
def calendar(request: HttpRequest) -> HttpResponse:
    found = _registration_from(request)
    if isinstance(found, HttpResponse):
        return found
    if found.is_pending:
        return _gone(request, _("Your registration is not confirmed yet, so there is no calendar entry: confirm it "
                                "with the link in the e-mail we sent you, and the calendar file comes with a place."),
                     status=409)
    if not found.is_confirmed:
        return _gone(request, "You are on the waiting list, so there is no calendar entry yet: it comes with a place.",
                     status=409)
    response = HttpResponse(calendar_file(found), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="idare-session.ics"'
    return _private(response)


@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation (mail programs open links by themselves: a GET changes nothing);
    POST deletes the registration and gives its place to the waiting list."""
    source = request.POST if request.method == "POST" else request.GET
    found = _registration_from(request, source.get("token", ""))
    if isinstance(found, HttpResponse):
        return found
    if request.method == "POST":
        for promoted in found.cancel():
            send_after_commit(promoted, "promotion")
        return _private(HttpResponseRedirect(reverse("engage:cancelled"), status=303))
    return _private(render(request, "engage/cancel.html", {
        "registration": found, "session": found.session, "programme": found.session.programme,
        "token": token_for(found.reference),
    }))


@require_safe
def cancelled(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "engage/cancelled.html"))


def _registration_from(request: HttpRequest, token: str | None = None) -> Registration | HttpResponse:
    token = request.GET.get("token", "") if token is None else token
    reference = reference_from(token)
    if reference is None:
        return _private(render(request, "engage/link_invalid.html", status=400))
    found = Registration.objects.select_related("session__programme").filter(reference=reference).first()
    if found is None:
        return _gone(request, "This registration no longer exists: it was cancelled, or deleted some time after "
                              "the session, as the privacy notice explains.")
    return found


def _gone(request: HttpRequest, message: str, status: int = 404) -> HttpResponse:
    return _private(render(request, "engage/registration_gone.html", {"message": message}, status=status))


def _private(response: HttpResponse) -> HttpResponse:
    """A person's own registration pages: kept out of every cache and every search engine."""
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response

