"""Lexicons as data: one YAML file per language, read by the language's documents; a third language is one file.

Spanish (``lexicons/es.yaml``) was added as one file and nothing else: these tests show its cues
read in a Spanish document and not in an English one, while English and Chinese documents keep
reading exactly what they read before (the frozen reference in test_reference.py).
"""

from __future__ import annotations

import re

import pytest
import yaml

from pipelines.figures import clean_document, extract_figures
from pipelines.figures.lexicons import FOLDER, GROUPS, KEYS, available, files_for, lexicon


def _read(text: str, language: str, year: int = 2025) -> list[tuple]:
    doc = clean_document([text], [None], "text")
    return [(f.stated_as, f.value, f.kind, f.qualifier, f.period, f.year) for f in extract_figures(doc, year, language)]


@pytest.mark.parametrize("name", available())
def test_every_lexicon_uses_known_keys_and_groups(name):
    data = yaml.safe_load((FOLDER / f"{name}.yaml").read_text(encoding="utf-8"))
    assert set(data) <= KEYS, set(data) - KEYS
    for key, value in data.items():
        if key in GROUPS:
            assert set(value) <= set(GROUPS[key]), (key, set(value) - set(GROUPS[key]))
            assert all(isinstance(w, str) and w for ws in value.values() for w in ws), key
        elif key != "script":
            assert all(isinstance(w, str) and w for w in value), key


def test_a_lexicon_that_declares_a_script_writes_every_word_in_it():
    """Why a declared script may decide reading: words that hold it can only match text that holds it."""
    for name in available():
        data = yaml.safe_load((FOLDER / f"{name}.yaml").read_text(encoding="utf-8"))
        if "script" not in data:
            continue
        script = re.compile(data["script"])
        for key, value in data.items():
            if key in ("script", "forecast"):
                continue
            words = [w for ws in value.values() for w in ws] if isinstance(value, dict) else value
            assert all(script.search(w) for w in words), (name, key, [w for w in words if not script.search(w)])


def test_the_language_picks_the_lexicons():
    assert files_for("en", "plain english") == ("common", "en")
    assert files_for("zh-Hant") == ("common", "en", "zh")
    assert files_for("es-ES") == ("common", "en", "es")
    assert "zh" in files_for("en", "csat 上升了 7%")  # an English text quoting Chinese cues reads them
    assert files_for("ja") == available()  # no file of its own: every cue
    assert lexicon("en").files == ("common", "en")


@pytest.mark.parametrize(
    ("text", "spanish"),
    [
        ("Casi el 40% de los clientes prefiere el chat.", ("40%", 40.0, "level", "~", "current", 2025)),
        ("Más del 60% de las empresas usa IA.", ("60%", 60.0, "level", ">", "current", 2025)),
        ("El 25% o más de los agentes.", ("25%", 25.0, "level", ">", "current", 2025)),
        ("La satisfacción aumentó un 5% este año.", ("5%", 5.0, "change", "=", "current", 2025)),
        ("El abandono cayó un 3% en 2024.", ("3%", -3.0, "change", "=", "current", 2025)),
        ("Hay una diferencia de 8% entre canales.", ("8%", 8.0, "change", "=", "current", 2025)),
        ("El año pasado era del 30%.", ("30%", 30.0, "level", "=", "previous", 2024)),
        ("Se espera que la cifra aumente un 10% para 2026.", ("10%", 10.0, "change", "=", "unknown", None)),
    ],
)
def test_a_third_language_is_one_lexicon_file(text, spanish):
    assert _read(text, "es") == [spanish]
    stated, value = spanish[0], abs(spanish[1])
    assert _read(text, "en") == [(stated, value, "level", "=", "current", 2025)]  # English cues only: no meaning
