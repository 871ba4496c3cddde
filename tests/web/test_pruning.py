from __future__ import annotations

import pytest

from symbiotic_gym.web.observation import parse_elements
from symbiotic_gym.web.pruning import INTERACTIVE_ROLES, parse_axtree_text, prune_axtree

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


def first_page(task_id: str) -> str:
    """The real accessibility tree of an embedded task's first page."""
    from symbiotic_gym.suites.embedded.envs import make_embedded_env

    env = make_embedded_env(task_id)
    try:
        obs, _ = env.reset(seed=0)
    finally:
        env.close()
    return str(obs["axtree_txt"])


def test_real_pages_shrink_and_keep_ids() -> None:
    raw = first_page("forum.top_post.0")
    pruned = prune_axtree(raw)
    assert len(pruned) < 0.6 * len(raw)
    raw_ids = {e.bid for e in parse_elements(raw) if e.role in INTERACTIVE_ROLES}
    assert raw_ids <= {e.bid for e in parse_elements(pruned)}


def test_rest_index_lists_every_menu_element_by_section() -> None:
    from symbiotic_gym.web.pruning import REST_MARK, prune_main_first

    page = (
        "RootWebArea 'Admin'\n\t[2] navigation 'Browse'\n\t\t[3] heading 'REPORTS'\n"
        "\t\t[4] link 'Sales report', url='http://x/r'\n\t\t[5] link 'Bestsellers'\n\t\tStaticText 'Store status'\n"
        "\t\t[6] combobox 'Store view', value='Default'\n\t\t\t[7] option 'Default', selected\n"
        "\t[8] main ''\n\t\t[9] heading 'Dashboard'\n\t\t[10] button 'Refresh'\n"
    )
    out = prune_main_first(page, rest="index")
    rest = out.split(REST_MARK)[1].strip().splitlines()
    assert rest == [
        "REPORTS: [4] Sales report; [5] Bestsellers; [6] combobox Store view, value='Default'; "
        "[7] option Default, selected"
    ]
    assert out.index("[10] button 'Refresh'") < out.index(REST_MARK)
    assert prune_main_first(page) == prune_main_first(page, rest="tree")  # the default is version 2's layout
    with pytest.raises(ValueError, match="rest must be one of"):
        prune_main_first(page, rest="list")


def test_rest_index_shows_the_whole_admin_menu_in_half_the_budget() -> None:
    """On a real embedded page the tree layout cuts the menu off; the index keeps all of its sections."""
    from symbiotic_gym.web.pruning import prune_main_first

    raw = first_page("admin.bestseller_rank.0")
    bestsellers = next(e.bid for e in parse_elements(raw) if e.name == "Bestsellers" and e.role == "link")
    tree = prune_main_first(raw, max_chars=2400, rest_share=0.5)
    index = prune_main_first(raw, max_chars=2400, rest="index", rest_share=0.5)
    assert len(index) <= 2400
    assert f"[{bestsellers}] link 'Bestsellers'" not in tree
    assert "REPORTS: [" in index and f"[{bestsellers}] Bestsellers" in index
