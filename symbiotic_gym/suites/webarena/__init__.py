"""WebArena (``--suite webarena``): the 812 tasks of ``libwebarena`` on your WebArena sites.

Modules: ``nltk_data`` (NLTK's punkt_tab written from a PyPI package, never downloaded), ``configs``
(task configs, site variables, subsets), ``judge`` (fuzzy_match through our LLM layer), ``rectified``
(AgentOccam-style partial credit), ``task`` (the BrowserGym task), ``suite`` and ``doctor``.
"""
