"""``vision``: a screenshot with set-of-marks plus the pruned accessibility tree, for multimodal models.

Each step the model sees the page as a screenshot on which every element it can act on is boxed and
labelled with its id (BrowserGym's ``overlay_som`` over ``extra_element_properties``), the pruned tree for
the text on the page, the objective and its previous actions. It answers with one action, by element id
(``click('12')``) or by viewport coordinates (``mouse_click(640, 200)``), like the strongest WebArena agents
that see the page. The image travels as an OpenAI-style ``image_url`` part through the LLM layer (litellm
for remote models; the record/replay cache keys it by its hash).

The env computes the screenshot and element properties because the agent declares them (``obs_keys``);
a text-only model (the bundled SmolLM2) is refused before anything is sent, with what to use instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from baselines.vanilla import ANSWER_RULE, VANILLA_ACTIONS, VanillaAgent, format_history
from symbiotic_gym.agent import Observation, TaskInfo
from symbiotic_gym.llm import LLMError, Message
from symbiotic_gym.web.actions import ACTIONS, describe_actions
from symbiotic_gym.web.pruning import prune_axtree
from symbiotic_gym.web.screenshots import jpeg_data_url

COORDINATE_ACTIONS = ("mouse_click", "mouse_dblclick", "mouse_move", "mouse_drag_and_drop", "scroll_at")
# vanilla's actions (ids) and the coordinate ones, with hover and the keyboard for what a pointer needs
VISION_ACTIONS = (
    *(a for a in VANILLA_ACTIONS if a not in ("check", "uncheck", "go_forward")),
    "hover",
    *COORDINATE_ACTIONS,
    "keyboard_press",
    "keyboard_type",
)

SYSTEM = """You are an autonomous agent that uses a web browser to complete a task.

Each turn you get a SCREENSHOT of the browser viewport ({width}x{height} pixels). Every element you can act
on is outlined and labelled with its id. You also get the page's accessibility tree (PAGE TEXT), where
elements start with the same id, e.g. [12] link 'Cart', the URL, the OBJECTIVE and your PREVIOUS ACTIONS.

Actions: use an element id when the element has one; coordinates are pixels from the screenshot's top-left.
{actions}

Rules:
1. Issue exactly one action per turn.
2. {answer_rule}
3. Think briefly about what the screenshot shows, then end your reply with: \
In summary, the next action I will perform is ```<action>```"""


def screenshot_url(pixels: Any, extra_properties: dict[str, Any] | None, *, quality: int = 80) -> str:
    """A JPEG data URL of the screenshot, with set-of-marks boxes and ids when element properties are given."""
    if extra_properties:
        from browsergym.utils.obs import overlay_som

        pixels = overlay_som(pixels, extra_properties=extra_properties)
    return jpeg_data_url(pixels, quality=quality)


class VisionAgent(VanillaAgent):
    """Screenshot + set-of-marks + pruned tree -> one action (ids or coordinates); vanilla's reply format,
    history and one retry."""

    grammar = {name: ACTIONS[name] for name in VISION_ACTIONS}
    obs_keys = ("screenshot", "extra_element_properties")

    @dataclass
    class Config(VanillaAgent.Config):
        max_tokens: int = 512
        max_obs_tokens: int = 2000  # the pruned tree beside the image
        set_of_marks: bool = True  # boxes and ids drawn on the screenshot
        jpeg_quality: int = 80

    config: Config

    def __init__(self, config: Any = None, /, **overrides: Any) -> None:
        super().__init__(config, **overrides)
        self._checked = False

    def reset(self, task: TaskInfo) -> None:
        super().reset(task)
        if not self._checked:
            self._check_model()
            self._checked = True

    def _check_model(self) -> None:
        from symbiotic_gym.llm.registry import sees_images, spec_for

        if sees_images(self.config.model) is False:
            raise LLMError(
                f"The vision agent sends screenshots, and {spec_for(self.config.model)!r} takes text only. "
                "Give it a multimodal model: --large-model openai/gpt-4o (or any litellm vision model, or "
                "openai/NAME@http://127.0.0.1:PORT/v1 for a local server); with --llm-cache a recorded run replays."
            )

    def build_messages(self, obs: Observation) -> list[Message]:
        pixels = obs.get("screenshot")
        if pixels is None or getattr(pixels, "size", 0) == 0:
            raise LLMError("The vision agent got no screenshot: its env was built without obs_keys=('screenshot', ...)")
        height, width = int(pixels.shape[0]), int(pixels.shape[1])
        system = SYSTEM.format(
            width=width,
            height=height,
            actions=describe_actions(grammar=self.grammar, examples=True),
            answer_rule=ANSWER_RULE,
        )
        marks = obs.get("extra_element_properties") if self.config.set_of_marks else None
        error = self.last_error(obs)
        text = (
            f"PAGE TEXT:\n{self.fit_observation(prune_axtree(str(obs.get('axtree_txt', ''))))}\n"
            f"URL: {obs.get('url', '')}\n"
            f"OBJECTIVE: {obs.get('goal') or (self.task.intent if self.task else '')}\n"
            f"PREVIOUS ACTIONS:\n{format_history(self.history, self.config.history)}"
            + (f"\nLAST ACTION ERROR: {error}" if error else "")
        )
        image = screenshot_url(pixels, marks, quality=self.config.jpeg_quality)
        user = [
            {"type": "text", "text": "SCREENSHOT:"},
            {"type": "image_url", "image_url": {"url": image}},
            {"type": "text", "text": text},
        ]
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]
