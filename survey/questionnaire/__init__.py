"""Questionnaires: the model (frozen dataclasses), the loader (files to the model; it reads
YAML with lines by `weighting.yaml_lines` and checks it by `schema`), rules (conditions), the router
(which pages a respondent sees), the reference checks, the checker (`questionnaire check`), the
XLSForm importer (`xlsform/`: sheets, names, expressions, convert) and the Babel extractor.

>>> from survey.questionnaire import load_all, evaluate, Router   # doctest: +SKIP
"""

from survey.questionnaire.loader import load_all, load_questionnaire
from survey.questionnaire.model import (
    END,
    GridRow,
    Indicator,
    Option,
    Page,
    Question,
    Questionnaire,
    RoutingRule,
    Scale,
    Section,
    VariableInfo,
)
from survey.questionnaire.router import Router
from survey.questionnaire.rules import evaluate, evaluate_frame, variables_in

__all__ = [
    "END",
    "GridRow",
    "Indicator",
    "Option",
    "Page",
    "Question",
    "Questionnaire",
    "Router",
    "RoutingRule",
    "Scale",
    "Section",
    "VariableInfo",
    "evaluate",
    "evaluate_frame",
    "load_all",
    "load_questionnaire",
    "variables_in",
]
