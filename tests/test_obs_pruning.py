from __future__ import annotations

from symbiotic_gym.obs_pruning import INTERACTIVE_ROLES, parse_axtree_text, prune_axtree
from symbiotic_gym.observation import parse_elements

PAGE = """RootWebArea 'Shop', url='http://x/', focused
\t[6] banner ''
\t\t[7] navigation 'Main'
\t\t\t[8] link 'Cart', url='http://x/cart'
\t[13] main ''
\t\t[14] heading 'Sign in'
\t\t[15] form ''
\t\t\tStaticText 'Username'
\t\t\t[18] textbox 'Username', required
\t\t\t[23] button 'Sign in'
\t\t[30] list ''
\t\t\t[31] listitem ''
\t\t\t\t[32] link 'A post', url='http://x/p/1'
\t\t\t\tStaticText 'by'
\t\t\t\t[33] link 'ann', url='http://x/u/ann'
\t\t[40] table ''
\t\t\t[41] row ''
\t\t\t\t[42] columnheader 'Item'
\t\t\t\t[43] columnheader 'Price'
\t\t\t[44] row ''
\t\t\t\t[45] cell ''
\t\t\t\t\t[46] link 'Mug', url='http://x/mug'
\t\t\t\t[47] cell '$3.50'
\t\tStaticText 'Price: $1'
\t\tStaticText 'Price: $1'"""


def test_parse_round_trip_keeps_structure() -> None:
    (root,) = parse_axtree_text(PAGE)
    assert root.role == "RootWebArea" and root.name == "Shop"
    assert ("url", "'http://x/'") in root.props


def test_pruning_rules() -> None:
    out = prune_axtree(PAGE)
    assert "url=" not in out and "focused" not in out
    assert "[6]" not in out and "[13]" not in out and "[14]" not in out  # only interactive elements keep ids
    assert "heading 'Sign in'" in out
    assert "[18] textbox 'Username', required" in out
    assert "\tUsername\n" not in out  # the label repeats the field's name
    assert "[32] link 'A post' by [33] link 'ann'" in out  # inline item on one line
    assert "| Item | Price |" in out and "| [46] link 'Mug' | $3.50 |" in out
    assert out.count("Price: $1") == 1


def test_every_interactive_element_survives_pruning() -> None:
    before = {(e.bid, e.role, e.name) for e in parse_elements(PAGE) if e.role in INTERACTIVE_ROLES}
    after = {(e.bid, e.role, e.name) for e in parse_elements(prune_axtree(PAGE))}
    assert before <= after


def test_cap() -> None:
    big = "RootWebArea 'x'\n" + "\n".join(f"\t[{i}] link 'item {i}'" for i in range(1000))
    out = prune_axtree(big, max_lines=50)
    assert len(out.splitlines()) == 51 and "more lines not shown" in out


def test_real_pages_shrink_and_keep_ids() -> None:
    from symbiotic_gym.suites.embedded.envs import make_embedded_env

    env = make_embedded_env("forum.top_post.0")
    try:
        obs, _ = env.reset(seed=0)
    finally:
        env.close()
    raw = obs["axtree_txt"]
    pruned = prune_axtree(raw)
    assert len(pruned) < 0.6 * len(raw)
    raw_ids = {e.bid for e in parse_elements(raw) if e.role in INTERACTIVE_ROLES}
    assert raw_ids <= {e.bid for e in parse_elements(pruned)}
