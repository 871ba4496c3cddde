from __future__ import annotations

import pytest
from tiny_model import build_tiny_chat_model

from symbiotic_gym.llm import build_llm
from symbiotic_gym.llm.local import TransformersLLM, resolve_local_path
from symbiotic_gym.llm.registry import model_label

MSGS = [{"role": "system", "content": "Act."}, {"role": "user", "content": "OBSERVATION [12] link"}]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return build_tiny_chat_model(tmp_path_factory.mktemp("tiny"))


def test_local_model_generates_with_usage(tiny) -> None:
    model = build_llm(f"local:{tiny}")
    assert isinstance(model, TransformersLLM) and model.route == "local"
    (c,) = model.complete(MSGS, max_tokens=8)
    assert isinstance(c.text, str) and c.tokens_in > 5 and 0 < c.tokens_out <= 8
    assert c.cost == 0.0 and c.route == "local" and c.model == model_label(f"local:{tiny}")
    assert c.model.startswith(f"local:{tiny.name}@") and str(tiny.parent) not in c.model  # a name, not a path
    again = model.complete(MSGS, max_tokens=8)[0]
    assert again.text == c.text  # greedy decoding is deterministic


def test_sampling_n_and_greedy_n(tiny) -> None:
    model = TransformersLLM(tiny, seed=1)
    sampled = model.complete(MSGS, n=3, temperature=1.0, max_tokens=6)
    assert len(sampled) == 3
    greedy = model.complete(MSGS, n=2, max_tokens=6)
    assert greedy[0].text == greedy[1].text and greedy[1].tokens_out == 0  # generated once


def test_long_prompts_are_cut_from_the_left(tiny) -> None:
    model = TransformersLLM(tiny, max_context=64)
    (c,) = model.complete([{"role": "user", "content": "hello " * 200}], max_tokens=4)
    assert c.finish_reason == "prompt_truncated" and c.tokens_in <= 60


def test_adapter_folder_resolves_its_base(tiny, tmp_path) -> None:
    import json

    (tmp_path / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": str(tiny)}))
    assert resolve_local_path(f"local:{tmp_path}") == (tiny, tmp_path)


def test_precision_follows_the_run_setting(tiny) -> None:
    """auto is bfloat16 exactly where the hardware multiplies it natively; an explicit choice is kept."""
    import torch

    from symbiotic_gym.errors import SymbioticGymError
    from symbiotic_gym.llm import configure
    from symbiotic_gym.llm.precision import native_bf16, resolve_dtype

    assert resolve_dtype("float32", "cpu") == "float32" and resolve_dtype("bfloat16", "cpu") == "bfloat16"
    assert resolve_dtype("auto", "cpu") == ("bfloat16" if native_bf16("cpu") else "float32")
    with pytest.raises(SymbioticGymError, match="precision must be one of"):
        resolve_dtype("fp8", "cpu")
    try:
        for choice, dtype in (("float32", torch.float32), ("bfloat16", torch.bfloat16)):
            configure(announce=False, local_dtype=choice)
            model = build_llm(f"local:{tiny}")
            assert model.dtype == choice and next(model.net.parameters()).dtype == dtype
            assert model.complete(MSGS, max_tokens=4)[0].tokens_out > 0
        with pytest.raises(SymbioticGymError, match="precision must be one of"):
            configure(announce=False, local_dtype="half")
    finally:
        configure(announce=False)


def test_first_token_logprobs_follow_the_model_s_next_token_ranking(tiny) -> None:
    import torch

    model = TransformersLLM(tiny)
    msgs = [*MSGS, {"role": "assistant", "content": "Action:"}]  # a started answer, as the agents prime it
    ids, _ = model._encode(msgs, 1, True)
    with torch.inference_mode():
        ranked = model.net(ids).logits[0, -1].argsort(descending=True).tolist()
    tok = model.tokenizer
    round_trip = [i for i in ranked[:200] if tok(tok.decode([i]), add_special_tokens=False)["input_ids"] == [i]]
    high, low = round_trip[0], round_trip[-1]
    # a candidate is scored by its first token only: "<high>tail" scores like "<high>"
    scored = model.first_token_logprobs(msgs, [tok.decode([high]) + "tail", tok.decode([low]), ""])
    (t_high, lp_high), (t_low, lp_low), (_, lp_empty) = scored
    assert t_high == tok.decode([high]) and t_low == tok.decode([low])
    assert 0 >= lp_high > lp_low and lp_empty == float("-inf")


def test_ranked_completions_are_k_one_line_answers_that_go_on_from_the_started_one(tiny) -> None:
    model = TransformersLLM(tiny)
    msgs = [*MSGS, {"role": "assistant", "content": "Action:"}]
    ranked = model.ranked_completions(msgs, 3, max_tokens=6)
    assert len(ranked) == 3 and all(c.text.startswith("Action:") and "\n" not in c.text for c in ranked)
    assert ranked[0].tokens_in > 5 and ranked[1].tokens_in == 0  # the prompt is read once for all of them


def _reads(model: TransformersLLM) -> list[int]:
    """The number of new tokens each forward pass of ``model`` reads (a hook on the network)."""
    seen: list[int] = []

    def note(_module: object, args: tuple, kwargs: dict) -> None:
        ids = kwargs.get("input_ids", args[0] if args else None)
        seen.append(ids.shape[1])

    model.net.register_forward_pre_hook(note, with_kwargs=True)
    return seen


def test_later_calls_in_a_step_read_only_what_the_first_did_not(tiny) -> None:
    """A step's first call reads its prompt whole; the next-best answers, a forced step's value and a sampled
    retry on the same page read only their own started answer, and answer as a model reading it whole does."""
    msgs = [*MSGS, {"role": "assistant", "content": "Action:"}]
    forced = [*MSGS, {"role": "assistant", "content": "Action: fill('Search', '"}]
    fresh = TransformersLLM(tiny)
    want_ranked = [c.text for c in fresh.ranked_completions(msgs, 3, max_tokens=6)]
    want_forced = TransformersLLM(tiny).complete(forced, max_tokens=6)[0].text
    model = TransformersLLM(tiny)
    reads = _reads(model)
    prompt = model._encode(msgs, 6, True)[0].shape[1]
    first = model.complete(msgs, max_tokens=6)[0]
    assert reads[0] == prompt  # read whole
    reads.clear()
    assert [c.text for c in model.ranked_completions(msgs, 3, max_tokens=6)] == want_ranked
    assert reads[0] == 1  # the memo covers all but the last prompt token, which generate feeds
    reads.clear()
    assert model.complete(forced, max_tokens=6)[0].text == want_forced
    tail = model._encode(forced, 6, True)[0].shape[1] - prompt
    assert 0 < reads[0] <= tail + 1
    reads.clear()
    model.complete(msgs, max_tokens=6, temperature=1.0)
    assert reads[0] == 1
    other = [{"role": "system", "content": "Act."}, {"role": "user", "content": "OBSERVATION [99] button " + "x " * 80}]
    reads.clear()
    again = model.complete(other, max_tokens=6)[0]
    assert reads[0] == model._encode(other, 6, False)[0].shape[1]  # a new page: read whole again
    assert again.text == TransformersLLM(tiny).complete(other, max_tokens=6)[0].text
    assert first.text == fresh.complete(msgs, max_tokens=6)[0].text
    page = [{"role": "system", "content": "Act."}, {"role": "user", "content": "OBSERVATION [7] link " + "y " * 80}]
    reads.clear()
    model.ranked_completions([*page, {"role": "assistant", "content": "Action:"}], 2, max_tokens=4)
    assert reads[0] == model._encode([*page, {"role": "assistant", "content": "Action:"}], 4, True)[0].shape[1] - 1


def test_prompt_tokens_are_counted_alike_whether_or_not_the_model_is_built(tiny, tmp_path) -> None:
    """replay-strict never builds the model, yet must cut an observation where the recording run did."""
    from symbiotic_gym.llm import configure, get_llm
    from symbiotic_gym.llm.tokens import truncate_to_tokens

    text = "\n".join(f"[{i}] link 'Product {i}' ünïcödé $1{i}.99" for i in range(200))
    built = TransformersLLM(tiny)
    configure(f"local:{tiny}", f"local:{tiny}", cache_dir=str(tmp_path), cache_mode="replay-strict")
    strict = get_llm("small")
    assert strict.count_tokens(text) == built.count_tokens(text)
    assert truncate_to_tokens(text, 300, strict) == truncate_to_tokens(text, 300, built)
    assert strict.model == built.model  # named alike in records and in the request keys
    assert strict._inner is None  # counting built nothing
