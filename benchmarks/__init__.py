"""Command-line tools: run, and (as they land) leaderboard, regress, train, symbiosis; perf benchmarks."""
