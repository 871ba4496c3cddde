"""The hybrid router reads a cloud action with the element it acts on: ``fill('12', value)`` into a password
or phone field (named in English, German, Spanish or Japanese) is private, so the step runs locally and the
value never reaches a cloud request (the run's audit log of every request the cloud model was sent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import ScriptedLLM

from symbiotic_gym import llm
from symbiotic_gym.agent import TaskInfo, make_agent
from symbiotic_gym.privacy.audit import cloud_wrapper

# (language, field label, the value the cloud model types); the page shows the empty field only
FIELDS = [
    ("en", "textbox 'New password'", "sunflower1985"),
    ("de", "textbox 'Passwort'", "sunflower1985"),
    ("es", "textbox 'Contraseña'", "sunflower1985"),
    ("ja", "textbox 'パスワード'", "sunflower1985"),
    ("en", "textbox 'Phone number'", "0418247111"),
    ("de", "textbox 'Telefonnummer'", "0418247111"),
    ("es", "textbox 'Teléfono'", "0418247111"),
    ("ja", "textbox '電話番号'", "0418247111"),
]


# both sides prompt with the BrowserGym action set (fill, click ...), each on its own fake model
SIDES = {"large": "fake-cloud", "small": "fake-local", "large_agent": "vanilla", "small_agent": "vanilla"}


def page(field: str) -> str:
    return (
        "RootWebArea 'Account', focused, url='http://127.0.0.1:8080/account'\n"
        "\theading 'Account settings'\n"
        f"\t[12] {field}, required\n"
        "\t[13] button 'Save'\n"
        "\t[14] link 'Orders'"
    )


@pytest.mark.parametrize(("language", "field", "value"), FIELDS)
def test_a_fill_into_a_private_field_runs_locally_and_never_reaches_the_cloud(
    tmp_path: Path, language: str, field: str, value: str
) -> None:
    audit = tmp_path / "cloud_requests.jsonl"
    llm.configure(cloud_wrapper=cloud_wrapper(audit))  # what a run installs: every cloud request is logged
    action = f"fill('12', '{value}')"
    cloud = ScriptedLLM(lambda m: f"Reason: fill in the field\nAction: {action}", "fake-cloud", "cloud")
    local = ScriptedLLM(lambda m: f"Reason: fill in the field\nAction: {action}", "fake-local", "local")
    llm.register_llm("fake-cloud", cloud, route="cloud")
    llm.register_llm("fake-local", local, route="local")
    agent = make_agent("hybrid", SIDES)
    agent.reset(TaskInfo("account.update", "Update the account settings", ("shop",), "http://127.0.0.1:8080/"))
    obs = {
        "goal": "Update the account settings",
        "url": "http://127.0.0.1:8080/account",
        "axtree_txt": page(field),
        "last_action_error": "",
        "open_pages_urls": ["http://127.0.0.1:8080/account"],
    }
    step = agent.act(obs)
    privacy = step.meta["privacy"]
    assert step.action == action and privacy["decided_route"] == "local", privacy
    assert privacy["discarded_cloud_action_types"] == (["password"] if "sunflower" in value else ["phone"])
    assert value not in json.dumps(privacy)  # types only, never values, in what is recorded

    # the next page shows the typed value: the episode stays local (sticky) and the cloud is not asked again
    obs["axtree_txt"] = page(f"{field}, value='{value}'")
    calls_before = len(cloud.calls)
    assert agent.act(obs).meta["privacy"]["decided_route"] == "local"
    assert len(cloud.calls) == calls_before

    # what the cloud model was sent (the first step's prompt, before it proposed the fill) holds no value
    sent = audit.read_text(encoding="utf-8")
    assert len(sent.splitlines()) == len(cloud.calls) == 1
    assert value not in sent and all(value not in json.dumps(c) for c in cloud.calls)
    assert all(json.loads(line)["findings"] == [] for line in sent.splitlines())


def test_the_same_fill_into_a_search_box_goes_to_the_cloud(tmp_path: Path) -> None:
    """The value alone decides nothing: the same digits typed into a search field are no phone number."""
    llm.configure(cloud_wrapper=cloud_wrapper(tmp_path / "cloud_requests.jsonl"))
    action = "fill('12', '0418247111')"
    cloud = ScriptedLLM(lambda m: f"Reason: search\nAction: {action}", "fake-cloud", "cloud")
    local = ScriptedLLM(lambda m: "Reason: unsure\nAction: noop()", "fake-local", "local")
    llm.register_llm("fake-cloud", cloud, route="cloud")
    llm.register_llm("fake-local", local, route="local")
    agent = make_agent("hybrid", SIDES)
    agent.reset(TaskInfo("shop.search", "Find product 0418247111", ("shop",), "http://127.0.0.1:8080/"))
    obs = {
        "goal": "Find product 0418247111",
        "url": "http://127.0.0.1:8080/",
        "axtree_txt": page("searchbox 'Search products'"),
        "last_action_error": "",
        "open_pages_urls": ["http://127.0.0.1:8080/"],
    }
    step = agent.act(obs)
    assert step.action == action and step.meta["privacy"]["decided_route"] == "cloud"
