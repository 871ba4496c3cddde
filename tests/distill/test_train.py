"""Real TRL/PEFT training of a tiny random model on CPU: the loss falls, the model reloads and acts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from benchmarks import dataset as dataset_cli
from benchmarks import train as train_cli
from benchmarks.run import main as run_main
from symbiotic_gym.agent import make_agent
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.llm.registry import model_label
from symbiotic_gym.runner import run_episode

sys.path.insert(0, str(Path(__file__).parents[1] / "llm"))
from tiny_model import build_tiny_chat_model


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("distill")
    run = root / "oracle"
    tasks = "shop.product_price.0,forum.post_author.1,tracker.assign_issue.0"
    assert run_main(["--agent", "oracle", "--tasks", tasks, "--workers", "0", "--out", str(run), "--quiet"]) == 0
    data = root / "data"
    assert (
        dataset_cli.main(
            [
                "build",
                str(run),
                "--out",
                str(data),
                "--kinds",
                "rationale_action,summary",
                "--max-obs-chars",
                "300",
                "--max-obs-lines",
                "12",
                "--history",
                "2",
                "--exclude-splits",
                "",
                "--no-hf",
            ]
        )
        == 0
    )
    return {"root": root, "data": data, "base": build_tiny_chat_model(root / "tiny", max_positions=2048)}


@pytest.mark.parametrize("engine", ["lean", "trl"])
def test_full_training_lowers_the_loss_and_the_model_reloads_and_acts(setup: dict[str, Path], engine: str) -> None:
    out = setup["root"] / f"full-{engine}"
    rc = train_cli.main(
        [
            "--engine",
            engine,
            "--data",
            str(setup["data"]),
            "--out",
            str(out),
            "--base-model",
            str(setup["base"]),
            "--full",
            "--max-steps",
            "24",
            "--lr",
            "3e-3",
            "--batch-size",
            "4",
            "--max-length",
            "1024",
            "--logging-steps",
            "2",
            "--save-steps",
            "100",
        ]
    )
    assert rc == 0
    stats = json.loads((out / "train_stats.json").read_text())
    assert stats["final_loss"] < stats["first_loss"] - 0.5, stats
    assert stats["device"] == "cpu" and stats["tokens_seen"] > 0 and stats["examples"] > 10
    for name in (
        "config.json",
        "tokenizer.json",
        "train_config.json",
        "prompt_format.json",
        "data_card.json",
        "loss.csv",
        "loss.png",
    ):
        assert (out / name).exists(), name
    assert json.loads((out / "train_config.json").read_text())["method"] == "full" and stats["engine"] == engine
    agent = make_agent("distilled", {"model": f"local:{out}", "max_tokens": 16, "decide": "generate"})
    assert agent.format.max_obs_chars == 300 and agent.answer_prefix() == "Rationale:"  # the training prompt format
    record, steps = run_episode(agent, "distilled", "shop.product_price.0", max_steps=2, seed=0)
    assert record["error"] is None and len(steps) == 2  # a tiny model's babble costs steps, never the episode
    # the step names the model by its portable label (folder name + content hash), never by the machine's path
    label = steps[0]["meta"]["model"]
    assert label == model_label(f"local:{out}") and label.startswith(f"local:{out.name}@")
    assert str(out.parent) not in label


def test_lora_adapter_resumes_from_its_checkpoint(setup: dict[str, Path]) -> None:
    out = setup["root"] / "lora"
    common = [
        "--data",
        str(setup["data"]),
        "--out",
        str(out),
        "--base-model",
        str(setup["base"]),
        "--lora",
        "--batch-size",
        "2",
        "--max-length",
        "1024",
        "--save-steps",
        "2",
        "--kinds",
        "rationale_action",
    ]
    assert train_cli.main([*common, "--max-steps", "2"]) == 0
    assert (out / "adapter_config.json").exists() and (out / "checkpoints" / "checkpoint-2").exists()
    assert train_cli.main([*common, "--max-steps", "4"]) == 0
    stats = json.loads((out / "train_stats.json").read_text())
    assert stats["resumed_from"].endswith("checkpoint-2") and stats["steps"] == 4
    agent = make_agent("distilled", {"model": f"local:{out}", "max_tokens": 8, "decide": "generate"})
    from symbiotic_gym.llm import get_llm

    assert get_llm(f"local:{out}").adapter_path == out  # base model + adapter, in process
    assert agent.format.output == "rationale_action"


def test_a_trained_adapter_ships_in_float16_and_loads_back(setup: dict[str, Path], tmp_path: Path) -> None:
    from safetensors.torch import load_file

    from benchmarks import ship_student
    from symbiotic_gym.llm.local import TransformersLLM

    out = setup["root"] / "lora"  # trained by the test above
    if not (out / "adapter_model.safetensors").exists():
        pytest.skip("needs the adapter of test_lora_adapter_resumes_from_its_checkpoint")
    dest = tmp_path / "shipped"
    assert ship_student.main([str(out), "--dest", str(dest), "--reproduce", "bash x.sh"]) == 0
    weights = load_file(str(dest / "adapter_model.safetensors"))
    assert {str(v.dtype) for v in weights.values()} == {"torch.float16"}
    size = (dest / "adapter_model.safetensors").stat().st_size
    assert size * 2 <= (out / "adapter_model.safetensors").stat().st_size + 4096
    assert "bash x.sh" in (dest / "README.md").read_text() and (dest / "prompt_format.json").exists()
    assert not (dest / "tokenizer.json").exists()  # the base model's tokenizer is used
    config = json.loads((dest / "adapter_config.json").read_text())
    config["base_model_name_or_path"] = str(setup["base"])  # the tiny test model, not the bundled one
    (dest / "adapter_config.json").write_text(json.dumps(config))
    model = TransformersLLM(f"local:{dest}")
    assert model.adapter_path == dest and model.complete([{"role": "user", "content": "hi"}], max_tokens=4)


def test_training_errors_are_clear(setup: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert train_cli.main(["--data", str(tmp_path / "none"), "--out", str(tmp_path / "o")]) == 2
    assert "build a dataset with" in capsys.readouterr().err
    assert (
        train_cli.main(
            [
                "--data",
                str(setup["data"]),
                "--out",
                str(tmp_path / "o"),
                "--base-model",
                str(setup["base"]),
                "--max-length",
                "20",
            ]
        )
        == 2
    )
    assert "longer than --max-length 20" in capsys.readouterr().err
    cfg = tmp_path / "train.yaml"
    cfg.write_text("epochs: 1\nlearning_rat: 0.1\n")
    assert train_cli.main(["--config", str(cfg), "--data", "x", "--out", "y"]) == 2
    assert "unknown field(s) learning_rat" in capsys.readouterr().err
    with pytest.raises(SymbioticGymError, match="method must be"):
        from symbiotic_gym.distill.train import TrainConfig

        TrainConfig(method="qlora")


def test_the_lean_loss_is_the_completion_only_loss_of_the_full_logits(setup: dict[str, Path]) -> None:
    """Applying the output head to completion positions only gives the same loss as masking full logits."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from symbiotic_gym.distill.completion_trainer import Tokenized, _collate, completion_loss, token_batches

    model = AutoModelForCausalLM.from_pretrained(setup["base"], dtype=torch.float32)
    tok = AutoTokenizer.from_pretrained(setup["base"])
    examples = [Tokenized(list(range(5, 25)), 15), Tokenized(list(range(30, 42)), 9)]
    ids, attn, target, weight = _collate(examples, [0, 1], tok.pad_token_id or 0)
    assert weight is None  # every token weighs 1: a plain mean
    lean, n = completion_loss(model, ids, attn, target)
    labels = ids.clone()
    labels[~torch.cat([torch.zeros(2, 1, dtype=torch.bool), target[:, :-1]], dim=1)] = -100
    full = model(input_ids=ids, attention_mask=attn, labels=labels).loss
    assert n == (20 - 15) + (12 - 9) and torch.allclose(lean, full, atol=1e-5)
    # aux_weight: the tokens after the first line weigh less; the mean is over the weights
    aux = [Tokenized(list(range(5, 25)), 15, 18), Tokenized(list(range(30, 42)), 9)]
    ids, attn, target, weight = _collate(aux, [0, 1], tok.pad_token_id or 0, 0.25)
    weighted, total = completion_loss(model, ids, attn, target, weight)
    ce = torch.nn.functional.cross_entropy(
        model(input_ids=ids, attention_mask=attn).logits[target].float(), ids[:, 1:][target[:, :-1]], reduction="none"
    )
    w = torch.tensor([1.0] * 3 + [0.25] * 2 + [1.0] * 3)  # example 0: tokens 15-17 weigh 1, 18-19 weigh 0.25
    assert total == pytest.approx(6.5) and torch.allclose(weighted, (ce * w).sum() / w.sum(), atol=1e-5)
    lengths = [len(e) for e in ("a" * 300, "b" * 40, "c" * 900, "d" * 120, "e" * 60)]
    many = [Tokenized([1] * n, n - 1) for n in lengths]
    batches = token_batches(many, budget=400, seed=0, epoch=0, grouped=True)
    assert sorted(i for b in batches for i in b) == list(range(5))  # every example once per epoch
    assert all(len(b) == 1 or max(lengths[i] for i in b) * len(b) <= 400 for b in batches)


def test_later_epochs_start_at_the_first_trained_layer_with_the_same_loss_and_gradients(
    setup: dict[str, Path],
) -> None:
    """With LoRA on the top layer only, the cached input of that layer stands in for the frozen one below."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from symbiotic_gym.distill.completion_trainer import FrozenPrefix, Tokenized, _collate, completion_loss
    from symbiotic_gym.distill.train import lora_targets

    torch.manual_seed(0)
    base = AutoModelForCausalLM.from_pretrained(setup["base"], dtype=torch.float32)
    peft = LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, task_type="CAUSAL_LM", **lora_targets(base, 1))
    model = get_peft_model(base, peft)
    for name, p in model.named_parameters():
        if "lora_B" in name:  # a trained adapter, so that its gradients are not all zero
            torch.nn.init.normal_(p, std=0.02)
    examples = [Tokenized(list(range(5, 25)), 15), Tokenized(list(range(30, 42)), 9)]  # right-padded to 20
    batch = _collate(examples, [1, 0], 0)
    prefix = FrozenPrefix(model, max_bytes=1e6)
    layers = prefix.body.layers
    assert prefix.first == 1 and len(layers) == 2

    def loss_and_grads() -> tuple[torch.Tensor, list[torch.Tensor]]:
        model.zero_grad()
        loss, _ = completion_loss(model, *batch, prefix, [1, 0])
        loss.backward()
        return loss.detach(), [p.grad.clone() for p in model.parameters() if p.requires_grad]

    first_loss, first_grads = loss_and_grads()  # the full body; the layer-1 inputs are kept
    assert sorted(prefix.states) == [0, 1] and prefix.hits == 0
    assert [s.shape[0] for s in (prefix.states[0], prefix.states[1])] == [20, 12]  # padding is not kept
    cached_loss, cached_grads = loss_and_grads()  # from the kept states through layer 1 alone
    assert prefix.hits == 2 and prefix.body.layers is layers  # the model is whole again
    assert torch.allclose(first_loss, cached_loss, atol=1e-3)
    assert all(torch.allclose(a, b, atol=1e-4, rtol=1e-2) for a, b in zip(first_grads, cached_grads, strict=True))
    assert FrozenPrefix(model, max_bytes=0).first == 0  # off
    full = get_peft_model(AutoModelForCausalLM.from_pretrained(setup["base"]), LoraConfig(r=4, task_type="CAUSAL_LM"))
    assert FrozenPrefix(full, max_bytes=1e6).first == 0  # LoRA in every layer: nothing below is frozen


def test_lora_on_the_top_layers_only_adapts_those_layers(setup: dict[str, Path], tmp_path: Path) -> None:
    from safetensors.torch import load_file

    out = tmp_path / "top"
    args = ["--data", str(setup["data"]), "--out", str(out), "--base-model", str(setup["base"]), "--lora",
            "--lora-layers", "1", "--max-steps", "2", "--max-length", "1024",
            "--kinds", "rationale_action"]  # fmt: skip
    assert train_cli.main(args) == 0
    names = list(load_file(str(out / "adapter_model.safetensors")))
    assert names and all(".layers.1." in n for n in names)  # the tiny model has layers 0 and 1
    assert {n.split(".layers.1.", 1)[1].split(".lora_", 1)[0] for n in names} >= {"self_attn.q_proj", "mlp.down_proj"}
    assert json.loads((out / "train_config.json").read_text())["lora_layers"] == 1
    assert train_cli.main([*args[:-4], "--lora-layers", "3", "--out", str(tmp_path / "bad")]) == 2


def test_a_warm_start_continues_the_given_adapter(setup: dict[str, Path], tmp_path: Path) -> None:
    """--init-adapter trains the given adapter on (same layers and rank, same size), not a new one beside it;
    an adapter that the flags do not describe is refused with the flags to use."""
    from safetensors.torch import load_file

    first, warm = tmp_path / "first", tmp_path / "warm"
    args = ["--data", str(setup["data"]), "--base-model", str(setup["base"]), "--lora", "--lora-layers", "1",
            "--lora-r", "4", "--lora-alpha", "8", "--max-steps", "2", "--max-length", "1024",
            "--kinds", "rationale_action"]  # fmt: skip
    assert train_cli.main([*args, "--out", str(first)]) == 0
    assert train_cli.main([*args, "--out", str(warm), "--init-adapter", str(first)]) == 0
    before, after = (
        load_file(str(first / "adapter_model.safetensors")),
        load_file(str(warm / "adapter_model.safetensors")),
    )
    assert before.keys() == after.keys() and all(before[k].shape == after[k].shape for k in before)
    # a new adapter starts with B = 0; a warm start keeps the first one's trained B (and moves it on)
    b_keys = [k for k in before if "lora_B" in k]
    assert any(float(before[k].abs().sum()) > 0 for k in b_keys)
    assert any(float((after[k] - before[k]).abs().sum()) > 0 for k in b_keys)
    assert json.loads((warm / "train_config.json").read_text())["init_adapter"] == str(first)
    bad = [*args[:-6], "--lora-r", "8", "--max-steps", "1", "--max-length", "1024", "--kinds", "rationale_action"]
    assert train_cli.main([*bad, "--out", str(tmp_path / "bad"), "--init-adapter", str(first)]) == 2


@pytest.mark.slow
def test_train_speed_times_ours_and_trl_defaults_in_their_own_processes(setup: dict[str, Path], tmp_path: Path) -> None:
    from benchmarks.perf import train_speed

    out = tmp_path / "speed.json"
    args = ["--data", str(setup["data"]), "--base-model", str(setup["base"]), "--steps", "2", "--batch-size", "2",
            "--max-length", "1024", "--methods", "lora", "--lora-layers", "1", "--out", str(out)]  # fmt: skip
    assert train_speed.main(args) == 0
    results = json.loads(out.read_text())["results"]
    assert set(results) == {"ours/lora", "trl-defaults/lora"}
    assert all(r.get("tokens_per_s", 0) > 0 and r["peak_rss_mb"] > 0 for r in results.values()), results


def test_the_action_line_is_found_in_each_tokenized_target(setup: dict[str, Path]) -> None:
    """A multitask target's extra lines start after the action line; other targets have none."""
    from transformers import AutoTokenizer

    from symbiotic_gym.distill.completion_trainer import tokenize_rows

    tok = AutoTokenizer.from_pretrained(setup["base"])
    prompt = [{"role": "user", "content": "Task: change the e-mail\nAction?"}]
    multi = "Action: fill('Email', 'a@b.c')\nRationale: Step 2 of 4.\nTitle: Settings"
    rows = [
        {"prompt": prompt, "completion": [{"role": "assistant", "content": multi}]},
        {"prompt": prompt, "completion": [{"role": "assistant", "content": "Action: click('Save')"}]},
        {"prompt": prompt, "completion": [{"role": "assistant", "content": "Rationale: Save.\nAction: click('Save')"}]},
    ]
    (first, only, why_first), dropped = tokenize_rows(rows, tok, 2048)
    assert dropped == 0 and only.aux is None
    assert why_first.aux is None  # a rationale_action target's second line is its action: nothing is auxiliary
    assert tok.decode(first.ids[first.start : first.aux]) == "Action: fill('Email', 'a@b.c')\n"
    assert tok.decode(first.ids[first.aux :]).startswith("Rationale: Step 2 of 4.")
