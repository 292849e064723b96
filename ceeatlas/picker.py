"""'Which program fits me?': evaluate the decision table in centers/program-picker.yaml.

docs/assets/javascripts/program-picker.js implements the same two rules, and
tests/test_picker.py checks both against every combination of answers.
"""

from __future__ import annotations

from itertools import product

from .models import Picker, PickerRule


def evaluate(picker: Picker, answers: dict[str, str]) -> list[PickerRule]:
    """Every rule whose conditions all hold, in table order; the fallback when none does."""
    matched = [
        rule
        for rule in picker.rules
        if all(answers.get(question) in values for question, values in rule.when.items())
    ]
    return matched or [picker.fallback]


def all_answer_sets(picker: Picker) -> list[dict[str, str]]:
    choices = [[(q.id, o.value) for o in q.options] for q in picker.questions]
    return [dict(combination) for combination in product(*choices)]
