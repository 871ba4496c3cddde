"""Distillation: the small model's prompt format, multi-task datasets from runs, action matching for
speculative data synthesis, and TRL/PEFT training (torch, transformers and trl are imported lazily)."""

from __future__ import annotations

from symbiotic_gym.distill.prompt import PromptFormat, State, prompt_messages

__all__ = ["PromptFormat", "State", "prompt_messages"]
