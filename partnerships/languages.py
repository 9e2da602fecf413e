"""Which language a person reads. A signed-in person's is the one they chose in the user menu,
kept on their profile; until they choose, and for everyone signed out, the browser's
(Accept-Language, or the language cookie the menu sets). E-mails are written in their
recipient's: the chosen one, else the one the browser asked for at their last sign-in. An
influencer's documents can be printed in theirs."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from partnerships.models import Profile

CODES = [code for code, _name in settings.LANGUAGES]


def chosen(user: Any) -> str:
    """The language the user chose, or "" if they never did."""
    if user is None or not user.is_authenticated:
        return ""
    return Profile.objects.filter(user=user).values_list("language", flat=True).first() or ""


def of_user(user: Any) -> str:
    """The language e-mails to a user are written in."""
    return _for_mail(Profile.objects.filter(user=user))


def of_address(address: str, default: str = "") -> str:
    """The language of e-mails to `address`: its account holder's, else `default`."""
    users = get_user_model().objects.filter(email__iexact=address, is_active=True)
    return _for_mail(Profile.objects.filter(user__in=users), default)


def _for_mail(profiles: Any, default: str = "") -> str:
    """The chosen language, else the last sign-in's browser's, else `default`, else the
    site's."""
    found = profiles.values_list("language", "browser_language").first() or ("", "")
    return found[0] or found[1] or default or settings.LANGUAGE_CODE


def supported(code: str) -> str:
    """The product's language for a language code (zh, zh-CN, ru-RU…), or "" if none."""
    try:
        return translation.get_supported_language_variant(str(code).strip().lower())
    except LookupError:
        return ""


def of_influencer(influencer: Any) -> str:
    """The language of an influencer's e-mails and printed statements and contracts: the one
    they chose in the creator portal (else the one their browser asked for there), else the
    first language of their record the product speaks, else the site's."""
    recorded = next(filter(None, map(supported, influencer.languages or [])), "")
    link = getattr(influencer, "creator_link", None)
    if link is None:
        return recorded or settings.LANGUAGE_CODE
    return _for_mail(Profile.objects.filter(user_id=link.user_id), recorded)


def writing_to(user: Any) -> AbstractContextManager:
    """Renders what is inside in the language of the e-mail's recipient."""
    return translation.override(of_user(user))


def writing_to_influencer(influencer: Any) -> AbstractContextManager:
    """Renders what is inside in the influencer's language (their portal choice, else their
    record's)."""
    return translation.override(of_influencer(influencer))


def keep(user: Any, language: str) -> None:
    if language in CODES:
        Profile.objects.update_or_create(user=user, defaults={"language": language})


def middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Pages and the admin speak a signed-in person's chosen language on every device."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if language := chosen(getattr(request, "user", None)):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return get_response(request)

    return middleware


def printable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that prints in another language than its reader's: with ?language=ru it is
    written in Russian (a statement or contract summary for the influencer, in theirs)."""

    @wraps(view)
    def in_language(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = request.GET.get("language", "")
        if language not in CODES:
            return view(request, *args, **kwargs)
        with translation.override(language):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        response.headers["Content-Language"] = language
        return response

    return in_language


@receiver(user_logged_in)
def _note_the_browsers(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Until a person chooses, their e-mails follow the browser they last signed in with."""
    if request is not None:
        language = translation.get_language_from_request(request)
        Profile.objects.update_or_create(user=user, defaults={"browser_language": language})
