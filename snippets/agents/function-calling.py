# --8<-- [start:template]
import sys

sys.path.insert(0, "snippets/agents")
from agents_llm import load  # noqa: E402  SmolLM2-135M-Instruct, loaded once

tok, model = load()
print(f"parameters: {sum(p.numel() for p in model.parameters()):,}")
messages = [{"role": "user", "content": "Weather in Paris?"}]
tool = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}
plain = tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
print(plain, end="")
with_tools = tok.apply_chat_template(
    messages, tools=[tool], add_generation_prompt=True, tokenize=False
)
print("passing tools= changed the prompt:", with_tools != plain)
# --8<-- [end:template]

# --8<-- [start:calls]
import json
import sys
from typing import Literal

import jsonschema
from pydantic import BaseModel, ConfigDict, Field, ValidationError

sys.path.insert(0, "snippets/agents")
from agents_llm import chat, constrained_call  # noqa: E402  SmolLM2-135M-Instruct


class GetWeather(BaseModel):
    """Current weather in a city."""

    model_config = ConfigDict(extra="forbid")
    city: str = Field(min_length=1)
    unit: Literal["celsius", "fahrenheit"]


class ConvertCurrency(BaseModel):
    """Convert an amount of money from one currency to another."""

    model_config = ConfigDict(extra="forbid")
    amount: float = Field(gt=0)
    source: str = Field(pattern="^[A-Z]{3}$", description="ISO 4217 code")
    target: str = Field(pattern="^[A-Z]{3}$", description="ISO 4217 code")


TOOLS = {"get_weather": GetWeather, "convert_currency": ConvertCurrency}


class Call(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Literal["get_weather", "convert_currency"]
    arguments: dict


def spec(name, model):  # what a function-calling API sends: name, description, schema
    schema = model.model_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)  # a valid JSON Schema
    props = {k: {**v, "title": None} for k, v in schema["properties"].items()}
    props = {k: {a: b for a, b in v.items() if b} for k, v in props.items()}
    params = {"type": "object", "properties": props, "required": schema["required"]}
    return {"name": name, "description": model.__doc__, "parameters": params}


def validate(reply: str) -> str:
    """'' if the reply is a valid call, else the validation error to feed back."""
    try:
        call = Call.model_validate_json(reply)  # the whole reply must be the call
        TOOLS[call.name].model_validate(call.arguments)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(map(str, first["loc"])) or "reply"
        return f"{first['type']} at {where}: {first['msg']}"
    return ""


SYSTEM = "Call one tool. Reply with JSON only: " + json.dumps(
    {"name": "<tool>", "arguments": {}}
)
SYSTEM += "\nTools:\n" + "\n".join(json.dumps(spec(*t)) for t in TOOLS.items())
W, C = "get_weather", "convert_currency"
REQUESTS = [  # (request, the call a correct agent makes)
    (
        "What's the weather in Paris, in celsius?",
        W,
        {"city": "Paris", "unit": "celsius"},
    ),
    ("Convert 20 EUR to USD.", C, {"amount": 20, "source": "EUR", "target": "USD"}),
    (
        "How hot is it in Cairo, in fahrenheit?",
        W,
        {"city": "Cairo", "unit": "fahrenheit"},
    ),
    ("How many JPY is 50 USD?", C, {"amount": 50, "source": "USD", "target": "JPY"}),
    ("Weather in Oslo please, celsius.", W, {"city": "Oslo", "unit": "celsius"}),
    ("Change 100 GBP into EUR.", C, {"amount": 100, "source": "GBP", "target": "EUR"}),
]


def ask(request, decode):
    """A call for the request; on a validation error, one retry with the error."""
    messages = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": request},
    ]
    replies = [decode(messages)]
    error = validate(replies[0])
    if error:
        messages += [
            {"role": "assistant", "content": replies[0]},
            {"role": "user", "content": f"Invalid: {error}. Reply with the JSON only."},
        ]
        replies.append(decode(messages))
    return replies, error


def free(messages):  # greedy; stops once the reply cannot be a JSON object
    return chat(messages, max_new_tokens=48, json_only=True)


def guided(messages):  # only valid JSON of the tool-call shape can come out
    return constrained_call(messages, TOOLS)


def show(reply):  # a call as Python, or the start of a reply that is not JSON
    try:
        call = json.loads(reply)
    except json.JSONDecodeError:
        return repr(reply)
    args = ", ".join(f"{k}={v!r}" for k, v in call["arguments"].items())
    return f"{call['name']}({args})"


n = len(REQUESTS)
for name, decode in [("free", free), ("constrained", guided)]:
    first = retried = right = 0
    for request, tool, arguments in REQUESTS:
        replies, error = ask(request, decode)
        first += not error
        retried += not validate(replies[-1])
        if name == "constrained":
            right += json.loads(replies[-1]) == {"name": tool, "arguments": arguments}
        print(f"  {error.split(' at ')[0] or 'ok':24} {show(replies[0])}")
    print(f"{name}: valid {first}/{n}, after one retry with the error {retried}/{n}")
print(f"constrained, after the retry: right tool and arguments {right}/{n}")
# --8<-- [end:calls]
