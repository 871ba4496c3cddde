"""BrowserGym's raw observation keys, computed on request with BrowserGym's own extractors.

A text agent reads ``axtree_txt`` (:mod:`symbiotic_gym.web.observation`) and pays for nothing else. An agent
written for stock BrowserGym (AgentLab's GenericAgent, a vision agent) asks for the keys it reads::

    gym.make("symbiotic/shop.search.0-v0", obs_keys=("dom_object", "axtree_object", "screenshot"))

and gets exactly the objects ``browsergym.core.env.BrowserEnv`` would give it: ``dom_object``
(``DOMSnapshot.captureSnapshot``), ``axtree_object`` (the merged AX trees of all frames, nodes tagged with
``browsergym_id``), ``extra_element_properties`` (visibility, bbox, clickable, set-of-marks flag per bid),
``screenshot`` (an RGB ``uint8`` array), ``focused_element_bid``, plus ``pruned_html`` (BrowserGym's
``prune_html`` of the flattened DOM, which stock BrowserGym leaves to the agent).

The extractors are BrowserGym's (``browsergym.core.observation``); what is ours is only the hand-over of
element ids: our text observation has already given every element its ``bid`` (the ids in
``axtree_txt``), and BrowserGym's marking script refuses a page whose elements carry ids it did not set.
:data:`SHARE_COUNTER_JS` hands it our counters, so it keeps our ids and numbers new elements after ours;
every id an agent reads in either observation names the same element.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from symbiotic_gym.errors import SymbioticGymError

RAW_KEYS = (
    "dom_object",
    "axtree_object",
    "extra_element_properties",
    "screenshot",
    "focused_element_bid",
    "pruned_html",
)
# what stock BrowserGym's BrowserEnv puts in every observation (pruned_html is the agent's own work there)
BROWSERGYM_KEYS = RAW_KEYS[:5]
_MARKED = frozenset({"dom_object", "axtree_object", "extra_element_properties", "pruned_html"})
_NEEDS_DOM = frozenset({"dom_object", "extra_element_properties", "pruned_html"})

# before BrowserGym's frame_mark_elements.js: not a "first visit" (which refuses ids already set), new
# element ids continue ours, iframe ids come from the generator our MARK_JS uses
SHARE_COUNTER_JS = """() => {
  window.browsergym_elem_counter = Math.max(window.browsergym_elem_counter || 0, window.__sgNextBid || 0);
  if (!window.browsergym_frame_id_generator && window.__sgFrameId) {
    window.browsergym_frame_id_generator = {next: () => window.__sgFrameId()};
  }
}"""
TAKE_COUNTER_JS = """() => {
  window.__sgNextBid = Math.max(window.__sgNextBid || 0, window.browsergym_elem_counter || 0);
}"""

HIDE_CARET_JS = """() => {
  if (document.getElementById('__sg_hide_caret')) return;
  const style = document.createElement('style');
  style.id = '__sg_hide_caret';
  style.textContent = '*, *::before, *::after { caret-color: transparent !important; }';
  (document.head || document.documentElement).appendChild(style);
}"""
SHOW_CARET_JS = "() => { document.getElementById('__sg_hide_caret')?.remove(); }"


def obs_keys_of(keys: Iterable[str] | str | None) -> tuple[str, ...]:
    """Validated raw keys in canonical order; a comma-separated string or ``"browsergym"`` (stock
    BrowserGym's set) or ``"all"`` are accepted. Unknown keys are refused with the known ones."""
    if keys is None:
        return ()
    if isinstance(keys, str):
        text = keys.strip()
        if text == "browsergym":
            return BROWSERGYM_KEYS
        if text == "all":
            return RAW_KEYS
        keys = [k.strip() for k in text.split(",") if k.strip()]
    wanted = set(keys)
    unknown = sorted(wanted - set(RAW_KEYS) - {"axtree_txt"})
    if unknown:
        raise SymbioticGymError(
            f"Unknown observation key(s) {', '.join(map(repr, unknown))}; the env can add {', '.join(RAW_KEYS)} "
            "(axtree_txt and the other text keys are always there)."
        )
    return tuple(k for k in RAW_KEYS if k in wanted)


def empty_raw(keys: Iterable[str]) -> dict[str, Any]:
    """What a key holds when the page could not be read: empty objects of the right type."""
    import numpy as np

    empty: dict[str, Any] = {
        "dom_object": {"documents": [], "strings": []},
        "axtree_object": {"nodes": []},
        "extra_element_properties": {},
        "screenshot": np.zeros((0, 0, 3), dtype=np.uint8),
        "focused_element_bid": "",
        "pruned_html": "",
    }
    return {k: empty[k] for k in keys}


def extract_raw(page: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    """The requested raw keys of ``page`` (after our text observation marked it); BrowserGym's order:
    mark, DOM snapshot, AX trees, focus, element properties, unmark, then the screenshot."""
    from browsergym.core import observation as bgo

    out: dict[str, Any] = {}
    wanted = set(keys)
    if wanted & _MARKED:
        _in_every_frame(page, SHARE_COUNTER_JS)  # each frame document has its counters (ours marked them all)
        bgo._pre_extract(page, tags_to_mark="standard_html", lenient=True)
        try:
            dom = bgo.extract_dom_snapshot(page) if wanted & _NEEDS_DOM else None
            if "axtree_object" in wanted:
                out["axtree_object"] = bgo.extract_merged_axtree(page)
            if "focused_element_bid" in wanted:
                out["focused_element_bid"] = bgo.extract_focused_element_bid(page)
            if dom is not None and wanted & {"extra_element_properties", "pruned_html"}:
                scale = getattr(page, "_bgym_scale_factor", 1.0)
                extra = bgo.extract_dom_extra_properties(dom, scale_factor=scale)
                if "extra_element_properties" in wanted:
                    out["extra_element_properties"] = extra
                if "pruned_html" in wanted:
                    from browsergym.utils.obs import flatten_dom_to_str, prune_html

                    out["pruned_html"] = prune_html(flatten_dom_to_str(dom))
            if "dom_object" in wanted:
                out["dom_object"] = dom
        finally:
            bgo._post_extract(page)
            _in_every_frame(page, TAKE_COUNTER_JS)
    elif "focused_element_bid" in wanted:
        out["focused_element_bid"] = bgo.extract_focused_element_bid(page)
    if "screenshot" in wanted:
        out["screenshot"] = screenshot_without_caret(page)
    return {k: out[k] for k in keys}


def _in_every_frame(page: Any, script: str) -> None:
    page.evaluate(script)
    for frame in page.frames[1:]:
        try:
            frame.evaluate(script)
        except Exception:
            pass  # detached meanwhile: BrowserGym skips it too


def screenshot_without_caret(page: Any) -> Any:
    """BrowserGym's screenshot (``extract_screenshot``: CDP, its scale factor) with the text caret hidden.

    A focused input's caret blinks, so two captures of the same page differ by whether it was drawn: a
    recorded model answer keyed by the image's hash then misses on replay. Playwright's own
    ``page.screenshot`` hides it the same way (``caret="hide"``); BrowserGym's CDP capture does not."""
    import browsergym.core.observation as bgo

    frames = list(page.frames)
    for frame in frames:
        _in_frame(frame, HIDE_CARET_JS)
    try:
        return bgo.extract_screenshot(page)
    finally:
        for frame in frames:
            _in_frame(frame, SHOW_CARET_JS)


def _in_frame(frame: Any, script: str) -> None:
    try:
        frame.evaluate(script)
    except Exception:  # a frame that navigated or closed meanwhile has no caret to hide
        pass


def raw_spaces(keys: Iterable[str]) -> dict[str, Any]:
    """Gymnasium spaces of the raw keys, as BrowserGym declares them."""
    import numpy as np
    from browsergym.core.spaces import AnyBox, AnyDict, Unicode

    spaces: dict[str, Any] = {
        "dom_object": AnyDict(),
        "axtree_object": AnyDict(),
        "extra_element_properties": AnyDict(),
        "screenshot": AnyBox(low=0, high=255, shape=(-1, -1, 3), dtype=np.uint8),
        "focused_element_bid": Unicode(),
        "pruned_html": Unicode(),
    }
    return {k: spaces[k] for k in keys}
