from collections.abc import Mapping

from django import template

register = template.Library()


@register.filter
def lookup(mapping: Mapping[str, object] | None, key: str) -> object:
    return mapping.get(key) if mapping else None
