"""The post model: what is accepted, what is refused, and how refusals name fields."""

import pytest
from pydantic import ValidationError

from channel_hooks.http_api import describe
from channel_hooks.models import IncomingPost


def fields_refused(document: dict) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        IncomingPost.model_validate(document)
    return {issue["field"]: issue["message"] for issue in describe(refused.value)}


def test_seed_post_with_attachments_keeps_them_as_sent():
    document = {
        "text": "my message",
        "attachments": [
            {
                "@type": "file",
                "displayName": "my file",
                "ext": "txt",
                "url": "http://myserver/myfile",
            },
            {
                "@type": "link",
                "url": "http://www.google.com",
                "displayName": "http://www.google.com",
            },
        ],
    }

    post = IncomingPost.model_validate(document)

    dumped = [attachment.model_dump(exclude_none=True) for attachment in post.attachments]
    assert dumped == document["attachments"]


def test_numeric_id_and_references_are_read_as_decimal_strings():
    post = IncomingPost.model_validate({"id": 42, "references": [7, "a"], "text": "x"})

    assert post.id == "42"
    assert post.references == ["7", "a"]


def test_unknown_top_level_fields_are_ignored():
    post = IncomingPost.model_validate({"text": "x", "channel": "other", "username": "bot"})

    assert post.text == "x"


def test_message_needs_text_or_an_attachment():
    assert fields_refused({"text": ""}) == {
        "body": "a message needs text or at least one attachment"
    }


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"text": "x" * 40_001}, "text"),
        ({"text": 5}, "text"),
        ({"text": "x", "id": ""}, "id"),
        ({"text": "x", "id": "x" * 129}, "id"),
        ({"text": "x", "id": "tab\there"}, "id"),
        ({"text": "x", "id": True}, "id"),
        ({"text": "x", "id": 1.5}, "id"),
        ({"text": "x", "references": "event1"}, "references"),
        ({"text": "x", "references": ["a"] * 21}, "references"),
        ({"text": "x", "references": [""]}, "references[0]"),
        ({"text": "x", "attachments": [{"@type": "file"}]}, "attachments[0].url"),
        (
            {"text": "x", "attachments": [{"@type": "link", "url": "ftp://host/x"}]},
            "attachments[0].url",
        ),
        (
            {"text": "x", "attachments": [{"@type": "link", "url": "http://"}]},
            "attachments[0].url",
        ),
        ({"text": "x", "attachments": [{"url": "http://host/"}]}, "attachments[0]"),
        ({"text": "x", "attachments": [{"@type": "video", "url": "http://h/"}]}, "attachments[0]"),
        (
            {"text": "x", "attachments": [{"@type": "link", "url": "http://h/"}] * 21},
            "attachments",
        ),
    ],
)
def test_each_broken_rule_names_its_field(document, field):
    assert field in fields_refused(document)


def test_every_offending_field_is_named_at_once():
    document = {
        "text": 1,
        "id": "",
        "attachments": [{"@type": "file", "url": "mailto:a@b"}, {"@type": "nope"}],
    }

    assert set(fields_refused(document)) == {
        "text",
        "id",
        "attachments[0].url",
        "attachments[1]",
    }


def test_refusal_never_echoes_the_input():
    secret = "s3cr3t-" * 20

    messages = fields_refused({"text": "x", "attachments": [{"@type": secret, "url": secret}]})

    assert all(secret[:10] not in message for message in messages.values())
