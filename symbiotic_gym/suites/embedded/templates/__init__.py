"""The embedded suite's task templates, one module per site (shop, forum, tracker), plus cross-site, admin,
multi-page and prompt-injection templates, all built on :mod:`~symbiotic_gym.suites.embedded.templates.base`.

Template modules import only ``base`` and each other's helpers, never the driver
(:mod:`symbiotic_gym.suites.embedded.generate`), which imports them all and writes the task files.
"""
