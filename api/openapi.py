"""The OpenAPI 3.1 description of the public API, served at /api/v1/openapi.json (api/views.py).

Written here, beside the views, rather than generated: it is the promise made to the people who build on
the API, and tests/api/ checks every answer the views give against it. Change both together; a change that
removes or renames a field needs a /api/v2/.
"""

from django.conf import settings

VERSION = "1.0.0"

PROBLEM = {"$ref": "#/components/responses/Problem"}


def _language_parameter():
    return {
        "name": "locale",
        "in": "path",
        "required": True,
        "description": "The language of titles, addresses, goals, country names and messages.",
        "schema": {"type": "string", "enum": [code for code, _name in settings.LANGUAGES]},
    }


CAMPAIGN_ID = {
    "name": "campaign_id",
    "in": "path",
    "required": True,
    "description": "The campaign's id, the same in every language (a UUID). Anything else is a 400.",
    "schema": {"type": "string", "format": "uuid"},
}


def _json(schema):
    return {"application/json": {"schema": schema}}


SCHEMAS = {
    "Campaign": {
        "type": "object",
        "description": "A campaign (a petition) as published in one language. Field names follow OSDI's "
        "petition resource where it has one.",
        "additionalProperties": False,
        "required": [
            "id",
            "identifiers",
            "origin_system",
            "locale",
            "title",
            "summary",
            "target",
            "browser_url",
            "total_signatures",
            "goal",
            "open",
            "closing_date",
            "removed_signatures",
            "translations",
            "_links",
        ],
        "properties": {
            "id": {"type": "string", "format": "uuid", "description": "The same in every language."},
            "identifiers": {
                "type": "array",
                "items": {"type": "string"},
                "description": "OSDI identifiers: `campaigns:<id>`.",
            },
            "origin_system": {"type": "string", "const": "campaigns"},
            "locale": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "target": {
                "type": "array",
                "description": "Who the petition is addressed to.",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name"],
                    "properties": {"name": {"type": "string"}},
                },
            },
            "browser_url": {"type": "string", "format": "uri", "description": "The campaign's page."},
            "total_signatures": {
                "type": "integer",
                "minimum": 0,
                "description": "The public count, all languages together (a few seconds old at most).",
            },
            "goal": {"type": "integer", "minimum": 0, "description": "The goal stated in this language."},
            "open": {"type": "boolean", "description": "Whether the petition still takes signatures."},
            "closing_date": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "When the petition closes by itself (UTC), or null.",
            },
            "removed_signatures": {
                "type": "object",
                "description": "How many signatures were removed from the count, and for which kind of reason: "
                "counts only, never whose.",
                "additionalProperties": False,
                "required": ["total", "reasons", "explanation"],
                "properties": {
                    "total": {"type": "integer", "minimum": 0},
                    "reasons": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["reason", "label", "count"],
                            "properties": {
                                "reason": {
                                    "type": "string",
                                    "enum": ["flagged", "invalidated", "unconfirmed", "erased"],
                                    "description": "flagged: held by an integrity rule and not released; "
                                    "invalidated: taken out after review; unconfirmed: never confirmed by "
                                    "email; erased: erased at the signer's request.",
                                },
                                "label": {
                                    "type": "string",
                                    "description": "The reason in the path's language.",
                                },
                                "count": {"type": "integer", "minimum": 0},
                            },
                        },
                    },
                    "explanation": {
                        "type": "string",
                        "format": "uri",
                        "description": "A page that explains the reasons, in the path's language.",
                    },
                },
            },
            "translations": {
                "type": "array",
                "description": "The campaign in every language it is published in (this one included).",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["locale", "title", "browser_url", "goal"],
                    "properties": {
                        "locale": {"type": "string"},
                        "title": {"type": "string"},
                        "browser_url": {"type": "string", "format": "uri"},
                        "goal": {"type": "integer", "minimum": 0},
                    },
                },
            },
            "_links": {
                "type": "object",
                "additionalProperties": False,
                "required": ["self", "countries"],
                "properties": {
                    "self": {"$ref": "#/components/schemas/Link"},
                    "countries": {"$ref": "#/components/schemas/Link"},
                },
            },
        },
    },
    "Link": {
        "type": "object",
        "additionalProperties": False,
        "required": ["href"],
        "properties": {"href": {"type": "string", "format": "uri"}},
    },
    "CampaignList": {
        "type": "object",
        "additionalProperties": False,
        "required": ["locale", "campaigns"],
        "properties": {
            "locale": {"type": "string"},
            "campaigns": {
                "type": "array",
                "description": "Open campaigns first, then closed ones; newest first within each.",
                "items": {"$ref": "#/components/schemas/Campaign"},
            },
        },
    },
    "CountryCounts": {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "minimum", "countries", "other", "total", "counted_at"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "minimum": {
                "type": "integer",
                "minimum": 1,
                "description": (
                    "A country is listed only with at least this many counted signatures, and its count is "
                    "a multiple of this."
                ),
            },
            "countries": {
                "type": "array",
                "description": (
                    "Countries with at least `minimum` counted signatures, most first, each count rounded "
                    "down to a multiple of `minimum` at steps placed differently for each country and "
                    "campaign, so that the counts cannot be told apart by adding signatures. Not every "
                    "country with `minimum` signatures is listed yet."
                ),
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["code", "name", "count"],
                    "properties": {
                        "code": {
                            "type": "string",
                            "pattern": "^[A-Z]{2}$",
                            "description": "ISO 3166-1 alpha-2.",
                        },
                        "name": {
                            "type": "string",
                            "description": "The country's name in the path's language.",
                        },
                        "count": {
                            "type": "integer",
                            "minimum": 1,
                            "description": "A multiple of `minimum`, at most the country's counted signatures.",
                        },
                    },
                },
            },
            "other": {
                "type": "integer",
                "minimum": 0,
                "description": (
                    "`total` less the listed countries' counts: countries not listed, signatures naming no "
                    "country, what the rounding leaves out and what was signed since `counted_at`."
                ),
            },
            "total": {
                "type": "integer",
                "minimum": 0,
                "description": "The campaign's count now, as `total_signatures`: not the sum of the counts above.",
            },
            "counted_at": {
                "type": "string",
                "format": "date-time",
                "description": "When these were counted: they may be a minute behind `total_signatures`.",
            },
        },
    },
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string", "description": "What went wrong, in the path's language."},
        },
    },
}


def document(server_url="/"):
    """The OpenAPI document, with `server_url` as the address the API is served from."""
    language = _language_parameter()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.WAGTAIL_SITE_NAME}: public campaign API",
            "version": VERSION,
            "description": (
                "Published campaigns, their counts and their counts by country. Read-only, without a key, "
                "from any web page (CORS, without credentials). Every answer may be a few seconds old and "
                "says how long it may be kept (Cache-Control); counts by country are recounted once a minute. "
                "Counts by country are coarsened, and countries with fewer signatures than `minimum` are not "
                "listed: no small group of signers can be picked out."
            ),
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/{locale}/api/v1/campaigns/": {
                "get": {
                    "operationId": "listCampaigns",
                    "summary": "The campaigns published in a language",
                    "parameters": [language],
                    "responses": {
                        "200": {
                            "description": "The campaigns.",
                            "content": _json({"$ref": "#/components/schemas/CampaignList"}),
                        },
                        "400": PROBLEM,
                    },
                }
            },
            "/{locale}/api/v1/campaigns/{campaign_id}/": {
                "get": {
                    "operationId": "getCampaign",
                    "summary": "One campaign: its titles and addresses in each language, count, goal, open or closed",
                    "parameters": [language, CAMPAIGN_ID],
                    "responses": {
                        "200": {
                            "description": "The campaign.",
                            "content": _json({"$ref": "#/components/schemas/Campaign"}),
                        },
                        "400": PROBLEM,
                        "404": PROBLEM,
                    },
                }
            },
            "/{locale}/api/v1/campaigns/{campaign_id}/countries/": {
                "get": {
                    "operationId": "getCampaignCountries",
                    "summary": "A campaign's counted signatures by country",
                    "parameters": [language, CAMPAIGN_ID],
                    "responses": {
                        "200": {
                            "description": "Counts by country.",
                            "content": _json({"$ref": "#/components/schemas/CountryCounts"}),
                        },
                        "400": PROBLEM,
                        "404": PROBLEM,
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getDescription",
                    "summary": "This description",
                    "responses": {
                        "200": {"description": "OpenAPI 3.1", "content": _json({"type": "object"})}
                    },
                }
            },
        },
        "components": {
            "schemas": SCHEMAS,
            "responses": {
                "Problem": {
                    "description": "Not a language or not a campaign id (400), or no such campaign published in "
                    "this language (404).",
                    "content": {
                        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    },
                }
            },
        },
    }
