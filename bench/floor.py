"""The floor: the least a webhook handler can do. Parse the JSON body with the standard
library and write one item with one boto3 put_item; no validation, no rules."""

import json
import os
import uuid

import boto3

client = boto3.client("dynamodb")


def lambda_handler(event: dict, context: object) -> dict:
    document = json.loads(event["body"])
    client.put_item(
        TableName=os.environ["TABLE_NAME"],
        Item={
            "PK": {"S": f"CHANNEL#{event['pathParameters']['channelId']}"},
            "SK": {"S": f"MESSAGE#{uuid.uuid4()}"},
            "text": {"S": str(document.get("text", ""))},
        },
    )
    return {"statusCode": 201, "body": json.dumps({"result": "posted"})}
