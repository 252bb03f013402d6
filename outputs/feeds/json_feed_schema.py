"""JSON Schema for JSON Feed 1.1 (https://jsonfeed.org/version/1.1), the rules a reader relies on."""

from __future__ import annotations

_AUTHORS = {
    "type": "array",
    "items": {"type": "object", "properties": {"name": {"type": "string"}, "url": {"type": "string"},
                                               "avatar": {"type": "string"}}},
}

JSON_FEED_1_1: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string", "minLength": 1},
        "home_page_url": {"type": "string", "format": "uri"},
        "feed_url": {"type": "string", "format": "uri"},
        "description": {"type": "string"},
        "authors": _AUTHORS,
        "hubs": {"type": "array", "items": {"type": "object", "required": ["type", "url"]}},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "url": {"type": "string", "format": "uri"},
                    "title": {"type": "string"},
                    "content_html": {"type": "string"},
                    "content_text": {"type": "string"},
                    "summary": {"type": "string"},
                    "image": {"type": "string", "format": "uri"},
                    "date_published": {"type": "string", "format": "date-time"},
                    "date_modified": {"type": "string", "format": "date-time"},
                    "authors": _AUTHORS,
                    "tags": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}
