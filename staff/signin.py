"""Signing in to the admin: lockout after repeated failures, and a second factor for the staff who
can open what people send us.

django-axes counts failed sign-ins per username and visitor network. It wants an IP address for the
network; it gets a pseudonym instead (the rate limits' HMAC of the network, written as an address in
the documentation range 2001:db8::/32), so its table never holds where anyone signed in from. A
second, higher limit counts per username from any network (two backends here, around django-axes'),
so that a guess spread over many networks stops too; it keeps the username only as an HMAC.

Staff holding a permission in IDARE_TWO_FACTOR_PERMISSIONS are sent, once their password is right,
to a step that asks for a code from an authenticator app (TOTP, django-otp). The first time, the
step shows the secret to add to the app, as text and as a QR code drawn in the page itself."""

import ipaddress
import math
from base64 import b32encode
from functools import wraps
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.ratelimit import Rate, count_hit, network_key, window_full

PSEUDONYM_PREFIX = 0x20010DB8 << 96  # 2001:db8::/32, reserved for documentation: never a real visitor


def network_pseudonym(request: HttpRequest) -> str:
    """What django-axes stores and compares as the "IP address": 96 bits of the network's HMAC."""
    return str(ipaddress.IPv6Address(PSEUDONYM_PREFIX | int(network_key(request)[:24], 16)))


def attempt_description(username, ip_address, user_agent, path_info, request) -> str:
    """What django-axes writes in the log about an attempt: the page only, nothing about the person."""
    return f"{{path: {request.path if request else path_info}}}"


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The calm page a paused sign-in gets (429), saying how long to wait."""
    return _paused_page(request, int(settings.AXES_COOLOFF_TIME.total_seconds()), whole_account=False)


def _paused_page(request: HttpRequest, seconds: int, *, whole_account: bool) -> HttpResponse:
    context = {"minutes": max(1, math.ceil(seconds / 60)), "whole_account": whole_account}
    response = render(request, "staff/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


# --- the limit per account, from any network -------------------------------------------------------

ACCOUNT_SCOPE = "admin-account"


def _account_rate() -> Rate:
    return Rate(settings.IDARE_ADMIN_ACCOUNT_FAILURES, settings.IDARE_ADMIN_ACCOUNT_WINDOW_SECONDS)


def _account_key(username: str) -> str:
    """Stable across days (unlike the networks' daily salt), so midnight does not end a pause."""
    return salted_hmac("staff.signin.account", username.casefold(), algorithm="sha256").hexdigest()[:32]


class AccountPausedBackend:
    """Refuses, before any password is checked, a username that had too many wrong passwords in this
    window; the admin's sign-in turns the refusal into the paused page."""

    def authenticate(self, request, username=None, password=None, **kwargs) -> None:
        if request is not None and username:
            seconds = window_full(ACCOUNT_SCOPE, _account_key(username), _account_rate())
            if seconds is not None:
                request.idare_account_paused = seconds
                raise PermissionDenied  # ends authenticate() here, as django-axes' own refusal does


class CountFailureBackend:
    """Signs no one in. Django asks it only when every backend before it declined: the password was
    checked and was wrong, or the username is unknown (counted alike, so a pause tells nobody which
    usernames exist)."""

    def authenticate(self, request, username=None, password=None, **kwargs) -> None:
        if request is not None and username:
            count_hit(ACCOUNT_SCOPE, _account_key(username), _account_rate())


# --- the second factor --------------------------------------------------------------------------

def needs_two_factor(user) -> bool:
    return user.is_active and user.is_staff and any(
        user.has_perm(permission) for permission in settings.IDARE_TWO_FACTOR_PERMISSIONS)


def is_verified(request: HttpRequest) -> bool:
    """True when this session has shown a code from a device of its user (django-otp's middleware)."""
    return bool(getattr(request.user, "is_verified", lambda: False)())


def two_factor_satisfied(request: HttpRequest) -> bool:
    return not needs_two_factor(request.user) or is_verified(request)


def _verify_url(then: str) -> str:
    return f"{reverse('staff_auth:two_factor')}?{urlencode({'next': then})}"


def two_factor_required(view):
    """For admin views that open what people send us: staff who have not shown a code go to the step."""
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated and not two_factor_satisfied(request):
            return HttpResponseRedirect(_verify_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper


@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own sign-in, then straight on to the second step for staff who need it."""
    response = admin.site.login(request)
    if getattr(request, "idare_account_paused", None) is not None:
        return _paused_page(request, request.idare_account_paused, whole_account=True)
    if request.method == "POST" and response.status_code == 302 and not two_factor_satisfied(request):
        return redirect(_verify_url(response["Location"]))
    return response


class TokenForm(forms.Form):
    token = forms.CharField(label="Six-digit code from your authenticator app", max_length=8,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                          "autofocus": True}))


def _next_page(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse("admin:index")


@never_cache
@csrf_protect
@staff_member_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Ask for a code; the first time, add the app first. A wrong code is throttled by django-otp
    (each failure doubles the wait) as well as by the admin's sign-in lockout."""
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip().replace(" ", "")):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_next_page(request))
        form.add_error("token", "That code did not match. Check the time on your phone, wait for a new "
                                "code, and try again.")
    context = {
        **admin.site.each_context(request),
        "title": "Two-step sign-in",
        "form": form,
        "next": _next_page(request),
        "setting_up": not device.confirmed,
    }
    if not device.confirmed:
        context["secret"] = b32encode(device.bin_key).decode()
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(
            scale=4, light="#fff", title="QR code to add iDare to an authenticator app")
    return render(request, "staff/two_factor.html", context, status=400 if form.errors else 200)

