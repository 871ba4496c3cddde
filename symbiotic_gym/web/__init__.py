"""The web environment: the Gymnasium env (:mod:`~symbiotic_gym.web.env`), Chromium launch
(:mod:`~symbiotic_gym.web.browser`), actions (:mod:`~symbiotic_gym.web.actions`: one grammar for the prompt,
the parser and the executor), the observation text (:mod:`~symbiotic_gym.web.observation`, pruned by
:mod:`~symbiotic_gym.web.pruning`), raw BrowserGym keys (:mod:`~symbiotic_gym.web.raw_obs`), the navigation
boundary and its proxy (:mod:`~symbiotic_gym.web.boundary`, :mod:`~symbiotic_gym.web.boundary_proxy`),
network traces, screenshots and the env checker.

Importing this package loads nothing: Playwright and BrowserGym load with :mod:`symbiotic_gym.web.env`.
The env knows no suite, agent or run.
"""
