"""The staff main menu as a template tag: `{% load veiviser_nav %}{% main_menu %}`."""

from django import template

from veiviser.web.navigation import main_menu as build_menu

register = template.Library()


@register.inclusion_tag("web/_main_menu.html", takes_context=True)
def main_menu(context) -> dict:
    request = context.get("request")
    if request is None:
        return {"menu": None}
    match = getattr(request, "resolver_match", None)
    return {"menu": build_menu(request.user, match.view_name if match else None)}
