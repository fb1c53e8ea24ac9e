"""Reads template.yaml, so that the local run and the tests cannot drift from it."""

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
TABLE_RESOURCE = "ChannelTable"
DEFAULT_ROUTE = "$default"


class _CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !Sub, ...) read as plain values."""


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    return {name: value}


_CloudFormationLoader.add_multi_constructor("!", _construct_tag)


@dataclass(frozen=True)
class HttpRoute:
    method: str  # "ANY" for the default route
    path: str  # "$default" for the default route
    function: str  # logical id in the template
    code_dir: Path
    handler: str  # "module.function"


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=_CloudFormationLoader)  # noqa: S506 (safe loader subclass)


def table_definition(template: dict[str, Any], table_name: str) -> dict[str, Any]:
    """CreateTable arguments from the template's own table: keys, indexes, billing."""
    properties = template["Resources"][TABLE_RESOURCE]["Properties"]
    definition: dict[str, Any] = {
        "TableName": table_name,
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "KeySchema": properties["KeySchema"],
        "BillingMode": properties.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if "LocalSecondaryIndexes" in properties:
        definition["LocalSecondaryIndexes"] = properties["LocalSecondaryIndexes"]
    if "GlobalSecondaryIndexes" in properties:
        definition["GlobalSecondaryIndexes"] = properties["GlobalSecondaryIndexes"]
    return definition


def http_routes(template: dict[str, Any], root: Path = ROOT) -> list[HttpRoute]:
    """Every HttpApi route of every function, the default route included."""
    routes = []
    for logical_id, resource in template["Resources"].items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        for event in properties.get("Events", {}).values():
            if event.get("Type") != "HttpApi":
                continue
            settings = event.get("Properties", {})
            routes.append(
                HttpRoute(
                    method=settings.get("Method", "ANY").upper(),
                    path=settings.get("Path", DEFAULT_ROUTE),
                    function=logical_id,
                    code_dir=root / properties["CodeUri"],
                    handler=properties["Handler"],
                )
            )
    return routes


def load_handler_module(route: HttpRoute) -> ModuleType:
    """A function's handler module, loaded by path under a name of its own, so that
    several functions' app.py files never collide."""
    module_name = route.handler.rsplit(".", 1)[0]
    spec = importlib.util.spec_from_file_location(
        f"{route.function}_{module_name}", route.code_dir / f"{module_name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def layer_dirs(template: dict[str, Any], root: Path = ROOT) -> list[Path]:
    return [
        root / resource["Properties"]["ContentUri"]
        for resource in template["Resources"].values()
        if resource.get("Type") == "AWS::Serverless::LayerVersion"
    ]
