"""What runs leave behind and how it is read: the run directory (:mod:`~symbiotic_gym.results.run_dir`),
typed episode records (:mod:`~symbiotic_gym.results.records`), summaries
(:mod:`~symbiotic_gym.results.summary`), success-rate statistics (:mod:`~symbiotic_gym.results.stats`),
finished runs read back and grouped (:mod:`~symbiotic_gym.results.runs`) and paired comparisons
(:mod:`~symbiotic_gym.results.paired`). Nothing here runs an agent or opens a browser.
"""
