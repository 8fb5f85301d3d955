"""Checks template.yml against what issue 6 and the Go connector's users rely on: every Go-connector parameter
with its name and default (drop-in: existing parameter files and one-click links keep working), the outputs, the
function and API shape, and a least-privilege execution role. Parses the template with cfn-lint's decoder (it
knows !Ref/!Sub/…). Run with .venv-sam/bin/python (scripts/check-template). Prints "N passed, N failed".
"""
import os, sys

from cfnlint.decode import decode_str

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
results = {"passed": 0, "failed": 0}

# The Go connector's serverless/template.yml parameters and defaults (v1.3.2), plus this project's two additions.
GO_PARAMETERS = {
    "APIGatewayStageName": "dev", "MemorySize": 512, "ApiGatewayTimeoutInMillis": 30000,
    "LambdaTimeoutInSeconds": 30, "ReadThrottlingBurstLimit": 1200, "WriteThrottlingBurstLimit": 1200,
    "DefaultDatabase": "PrometheusDatabase", "DefaultTable": "PrometheusMetricsTable",
    "ExecutionPolicyName": "LambdaExecutionPolicy", "LogLevel": "info",
}
OUTPUTS = ["InvokeWriteURL", "InvokeReadURL", "DefaultDatabase", "DefaultTable"]
ENVIRONMENT = ["default_database", "default_table", "region", "log_level", "enable_sigv4_auth", "bearer_token_secret_arn"]


def check(name, condition, detail=""):
    results["passed" if condition else "failed"] += 1
    print(("ok   " if condition else "FAIL ") + name + ("" if condition or not detail else "\n     " + str(detail)))


def of_type(resources, kind):
    return {name: r for name, r in resources.items() if r.get("Type") == kind}


def main():
    with open(os.path.join(ROOT, "template.yml"), encoding="utf-8") as f:
        template, problems = decode_str(f.read())
    check("template.yml parses", template is not None and not problems, problems)
    if template is None:
        return 1
    with open(os.path.join(ROOT, "template.yml"), encoding="utf-8") as f:
        text = f.read()
    check("no ARN or host suffix hard-codes the commercial partition (${AWS::Partition}, ${AWS::URLSuffix})",
          "arn:aws:" not in text and ".amazonaws.com/" not in text and "amazonaws.com." not in text)
    parameters, resources, outputs = template["Parameters"], template["Resources"], template.get("Outputs", {})

    for name, default in GO_PARAMETERS.items():
        got = parameters.get(name, {}).get("Default")
        # CloudFormation takes Number defaults as numbers or strings; compare the text.
        check("parameter %s, default %s" % (name, default), got is not None and str(got) == str(default), got)
    timeout = parameters.get("ApiGatewayTimeoutInMillis", {})
    check("ApiGatewayTimeoutInMillis is constrained to 50–30000 (HTTP API integration limits)",
          str(timeout.get("MinValue")) == "50" and str(timeout.get("MaxValue")) == "30000", timeout)
    check("LogLevel allows info, warn, debug, error",
          sorted(parameters.get("LogLevel", {}).get("AllowedValues", [])) == ["debug", "error", "info", "warn"])
    sigv4 = parameters.get("EnableSigV4Auth", {})
    check("EnableSigV4Auth: true | false, default false",
          sorted(sigv4.get("AllowedValues", [])) == ["false", "true"] and sigv4.get("Default") == "false", sigv4)
    bearer = parameters.get("BearerTokenAuth", {})
    check("BearerTokenAuth: true | false, default false (the existing modes stay the default)",
          sorted(bearer.get("AllowedValues", [])) == ["false", "true"] and bearer.get("Default") == "false", bearer)
    rule = template.get("Rules", {}).get("OneCallerAuthMode", {})
    check("a rule refuses BearerTokenAuth=true with EnableSigV4Auth=true",
          rule.get("RuleCondition") == {"Fn::Equals": [{"Ref": "BearerTokenAuth"}, "true"]}
          and rule.get("Assertions", [{}])[0].get("Assert") == {"Fn::Equals": [{"Ref": "EnableSigV4Auth"}, "false"]}, rule)
    secrets = of_type(resources, "AWS::SecretsManager::Secret")
    secret = next(iter(secrets.values()), {})
    check("one generated secret, only in token mode",
          list(secrets) == ["BearerTokenSecret"] and secret.get("Condition") == "BearerTokenEnabled"
          and secret.get("Properties", {}).get("GenerateSecretString", {}).get("PasswordLength", 0) >= 32
          and "SecretString" not in secret.get("Properties", {}), secret)
    token_output = outputs.get("BearerTokenSecretArn", {})
    check("output BearerTokenSecretArn (token mode only)",
          token_output.get("Condition") == "BearerTokenEnabled" and token_output.get("Value") == {"Ref": "BearerTokenSecret"},
          token_output)
    arch = parameters.get("Architecture", {})
    check("Architecture: x86_64 | arm64", sorted(arch.get("AllowedValues", [])) == ["arm64", "x86_64"], arch)
    for name in OUTPUTS:
        check("output %s" % name, name in outputs)
    for name, route in (("InvokeWriteURL", "write"), ("InvokeReadURL", "read")):
        value = outputs.get(name, {}).get("Value", {})
        check("%s is https://<api>.execute-api.<region>.<suffix>/<stage>/%s" % (name, route),
              isinstance(value, dict) and value.get("Fn::Sub", "").startswith("https://${APIGateway}.execute-api.")
              and value["Fn::Sub"].endswith("/${APIGatewayStageName}/" + route), value)

    functions = of_type(resources, "AWS::Serverless::Function")
    check("one function", len(functions) == 1, list(functions))
    fn = next(iter(functions.values()), {}).get("Properties", {})
    check("provided.al2023, handler bootstrap", fn.get("Runtime") == "provided.al2023" and fn.get("Handler") == "bootstrap")
    check("CodeUri is dist/bootstrap.zip (what scripts/package writes)", fn.get("CodeUri") == "dist/bootstrap.zip")
    with open(os.path.join(ROOT, "scripts", "package"), encoding="utf-8") as f:
        check("scripts/package writes dist/bootstrap.zip", "dist/bootstrap.zip" in f.read())
    variables = fn.get("Environment", {}).get("Variables", {})
    check("environment uses the Go connector's names %s" % ", ".join(ENVIRONMENT),
          all(name in variables for name in ENVIRONMENT), sorted(variables))
    check("architecture and memory/timeout come from the parameters",
          fn.get("Architectures") == [{"Ref": "Architecture"}] and fn.get("MemorySize") == {"Ref": "MemorySize"}
          and fn.get("Timeout") == {"Ref": "LambdaTimeoutInSeconds"}, fn)

    apis = of_type(resources, "AWS::ApiGatewayV2::Api")
    check("an HTTP API", [a["Properties"].get("ProtocolType") for a in apis.values()] == ["HTTP"])
    integrations = list(of_type(resources, "AWS::ApiGatewayV2::Integration").values())
    check("Lambda proxy integration, payload 2.0, timeout from the parameter",
          len(integrations) == 1 and integrations[0]["Properties"].get("PayloadFormatVersion") == "2.0"
          and integrations[0]["Properties"].get("TimeoutInMillis") == {"Ref": "ApiGatewayTimeoutInMillis"})
    routes = {r["Properties"]["RouteKey"]: r["Properties"] for r in of_type(resources, "AWS::ApiGatewayV2::Route").values()}
    check("routes POST /write and POST /read only", sorted(routes) == ["POST /read", "POST /write"], sorted(routes))
    check("routes use AWS_IAM exactly when EnableSigV4Auth",
          all(r.get("AuthorizationType") == {"Fn::If": ["SigV4AuthEnabled", "AWS_IAM", "NONE"]} for r in routes.values()))
    stages = list(of_type(resources, "AWS::ApiGatewayV2::Stage").values())
    settings = stages[0]["Properties"].get("RouteSettings", {}) if stages else {}
    check("stage named by APIGatewayStageName with the burst limits per route",
          len(stages) == 1 and stages[0]["Properties"].get("StageName") == {"Ref": "APIGatewayStageName"}
          and settings.get("POST /write", {}).get("ThrottlingBurstLimit") == {"Ref": "WriteThrottlingBurstLimit"}
          and settings.get("POST /read", {}).get("ThrottlingBurstLimit") == {"Ref": "ReadThrottlingBurstLimit"},
          settings)
    # The Go template set no rate limit (a public route's steady rate was the account's); 0 keeps that default.
    for route, parameter, condition in (("POST /write", "WriteThrottlingRateLimit", "WriteRateLimited"),
                                        ("POST /read", "ReadThrottlingRateLimit", "ReadRateLimited")):
        declared = parameters.get(parameter, {})
        check("%s: %s per second when set, the account's limit at its default 0" % (route, parameter),
              str(declared.get("Default")) == "0" and str(declared.get("MinValue")) == "0"
              and settings.get(route, {}).get("ThrottlingRateLimit")
              == {"Fn::If": [condition, {"Ref": parameter}, {"Ref": "AWS::NoValue"}]}
              and template.get("Conditions", {}).get(condition) == {"Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, "0"]}]},
              (declared, settings.get(route), template.get("Conditions", {}).get(condition)))

    roles = list(of_type(resources, "AWS::IAM::Role").values())
    check("one execution role, trusted by lambda.amazonaws.com only",
          len(roles) == 1 and [s["Principal"] for s in roles[0]["Properties"]["AssumeRolePolicyDocument"]["Statement"]]
          == [{"Service": "lambda.amazonaws.com"}])
    policies = roles[0]["Properties"].get("Policies", []) if roles else []
    check("its inline policy is named by ExecutionPolicyName",
          [p.get("PolicyName") for p in policies] == [{"Ref": "ExecutionPolicyName"}])
    statements = [s for p in policies for s in p["PolicyDocument"]["Statement"]]
    by_action, conditional = {}, {}
    for s in statements:
        condition = None
        if "Fn::If" in s:  # [condition, statement, AWS::NoValue]
            condition, s, otherwise = s["Fn::If"]
            if otherwise != {"Ref": "AWS::NoValue"}:
                condition = "unexpected else branch"
        actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        for action in actions:
            by_action[action] = s["Resource"]
            conditional.setdefault(condition, set()).add(action)
    check("actions are exactly logs:CreateLogStream/PutLogEvents, timestream:DescribeEndpoints/CancelQuery/"
          "WriteRecords/Select/DescribeTable, secretsmanager:GetSecretValue",
          sorted(by_action) == ["logs:CreateLogStream", "logs:PutLogEvents", "secretsmanager:GetSecretValue",
                                "timestream:CancelQuery", "timestream:DescribeEndpoints", "timestream:DescribeTable",
                                "timestream:Select", "timestream:WriteRecords"],
          sorted(by_action))
    check("only DescribeEndpoints and CancelQuery (which have no resource type) are on *",
          sorted(a for a, r in by_action.items() if r == "*") == ["timestream:CancelQuery", "timestream:DescribeEndpoints"])
    table_arn = str(by_action.get("timestream:WriteRecords"))
    check("WriteRecords, Select and DescribeTable are on the table's ARN",
          "database/${DefaultDatabase}/table/${DefaultTable}" in table_arn
          and by_action.get("timestream:Select") == by_action.get("timestream:WriteRecords")
          and by_action.get("timestream:DescribeTable") == by_action.get("timestream:WriteRecords"), table_arn)
    conditions = template.get("Conditions", {})
    check("UsesFunctionRole is EnableSigV4Auth or BearerTokenAuth",
          conditions.get("UsesFunctionRole") == {"Fn::Or": [{"Condition": "SigV4AuthEnabled"}, {"Condition": "BearerTokenEnabled"}]},
          conditions.get("UsesFunctionRole"))
    check("Timestream permissions only when the function uses its role (basic auth signs with the caller's keys)",
          sorted(conditional.get("UsesFunctionRole", [])) == ["timestream:CancelQuery", "timestream:DescribeEndpoints",
                                                              "timestream:DescribeTable", "timestream:Select",
                                                              "timestream:WriteRecords"], conditional)
    check("GetSecretValue only in token mode and only on the token's secret",
          sorted(conditional.get("BearerTokenEnabled", [])) == ["secretsmanager:GetSecretValue"]
          and by_action.get("secretsmanager:GetSecretValue") == {"Ref": "BearerTokenSecret"}, conditional)
    check("the function is told the secret only in token mode",
          variables.get("bearer_token_secret_arn") == {"Fn::If": ["BearerTokenEnabled", {"Ref": "BearerTokenSecret"}, ""]},
          variables.get("bearer_token_secret_arn"))
    check("logs only on the function's own log group",
          by_action.get("logs:PutLogEvents") == {"Fn::Sub": "${LambdaLogGroup.Arn}"}, by_action.get("logs:PutLogEvents"))
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
