"""template.yaml is the source of truth: the code's route list and the tests' table follow it."""

from channel_hooks.http_api import ROUTES
from local.template import DEFAULT_ROUTE, TEMPLATE, http_routes, load_template


def test_code_knows_exactly_the_template_routes():
    routes = http_routes(load_template())

    declared = {(route.method, route.path) for route in routes if route.path != DEFAULT_ROUTE}

    assert declared == set(ROUTES)


def test_unknown_routes_reach_a_function_that_answers_json():
    routes = http_routes(load_template())

    defaults = [route.function for route in routes if route.path == DEFAULT_ROUTE]

    assert defaults == ["IngestFunction"]


def test_every_route_handler_exists():
    for route in http_routes(load_template()):
        module, function = route.handler.rsplit(".", 1)
        source = (route.code_dir / f"{module}.py").read_text(encoding="utf-8")
        assert f"def {function}(" in source


def test_admin_routes_need_iam_and_ingest_does_not():
    resources = load_template()["Resources"]

    for name in ("IngestFunction", "ManageHooksFunction"):
        for event in resources[name]["Properties"]["Events"].values():
            auth = event["Properties"].get("Auth", {}).get("Authorizer")
            assert auth == ("AWS_IAM" if name == "ManageHooksFunction" else None)


def test_template_passes_cfn_lint():
    from cfnlint.api import lint_all

    findings = lint_all(TEMPLATE.read_text(encoding="utf-8"))

    # Errors and warnings, as the cfn-lint command reports by default.
    serious = [str(finding) for finding in findings if finding.rule.id[0] in "EW"]
    assert serious == []


def dynamodb_grants(function: str) -> tuple[set[str], list]:
    properties = load_template()["Resources"][function]["Properties"]
    statements = [
        statement
        for policy in properties["Policies"]
        for statement in policy.get("Statement", [])
        if any(action.startswith("dynamodb:") for action in statement["Action"])
    ]
    actions = {action for statement in statements for action in statement["Action"]}
    resources = [statement["Resource"] for statement in statements]
    return actions, resources


def test_each_function_may_do_only_what_it_does_on_the_table():
    ingest_actions, ingest_resources = dynamodb_grants("IngestFunction")
    admin_actions, admin_resources = dynamodb_grants("ManageHooksFunction")

    reads_and_writes = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem"}
    assert ingest_actions == reads_and_writes | {"dynamodb:UpdateItem"}
    assert admin_actions == reads_and_writes | {"dynamodb:UpdateItem", "dynamodb:Query"}
    assert ingest_resources == [{"Fn::GetAtt": "ChannelTable.Arn"}]
    assert admin_resources == [
        [{"Fn::GetAtt": "ChannelTable.Arn"}, {"Fn::Sub": "${ChannelTable.Arn}/index/*"}]
    ]


def test_table_keeps_its_data():
    table = load_template()["Resources"]["ChannelTable"]

    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    properties = table["Properties"]
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert properties["SSESpecification"]["SSEEnabled"] is True


def test_alarms_notify_the_optional_topic():
    resources = load_template()["Resources"]

    alarms = {name: r for name, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}

    assert set(alarms) == {
        "ApiServerErrorsAlarm",
        "ChannelFullAlarm",
        "IngestThrottlesAlarm",
        "ManageHooksThrottlesAlarm",
        "TableThrottlesAlarm",
    }
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"]["Fn::If"][0] == "NotifyAlarms"
