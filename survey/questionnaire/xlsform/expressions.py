"""XLSForm expressions as our conditions and bounds: `relevant` (the common subset of XPath:
comparisons of ${x} with a value, selected(), and, or, not, parentheses) as a `when`
condition, and a `constraint` of `.`-comparisons as min/max or max_length. What cannot be read
is a ValueError that says what is translated.
"""

from __future__ import annotations

import datetime as dt
import re

from survey.questionnaire.xlsform.names import snake, value_name

__all__ = ["translate_relevant", "constraint_bounds", "all_of"]


class _Unreadable(Exception):
    pass


_TOKEN = re.compile(r"""\s*(?:
    (?P<ref>\$\{\s*(?P<name>[A-Za-z_][\w.-]*)\s*\})
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<number>-?[0-9]+(?:\.[0-9]+)?)
  | (?P<op>!=|>=|<=|=|>|<)
  | (?P<paren>[(),])
  | (?P<word>[A-Za-z_][\w-]*)
)""", re.VERBOSE)


def _tokens(expression: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    expression = expression.strip()
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if not match or match.end() == position:
            raise _Unreadable(f"unexpected {expression[position:position + 12]!r}")
        if match.group("ref"):
            tokens.append(("ref", match.group("name")))
        else:
            kind = next(k for k in ("string", "number", "op", "paren", "word") if match.group(k))
            tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent over the common subset of XPath that `relevant` columns use."""

    def __init__(self, expression, numeric_variables):
        self.tokens = _tokens(expression)
        self.position = 0
        self.numeric = numeric_variables

    def peek(self, offset=0):
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else (None, None)

    def take(self, kind=None, text=None):
        token = self.peek()
        if token[0] is None or (kind and token[0] != kind) or (text and token[1] != text):
            want = text or kind or "more"
            raise _Unreadable(f"expected {want!r} but found {token[1]!r}" if token[0]
                              else f"expected {want!r} at the end")
        self.position += 1
        return token

    def parse(self):
        result = self.or_expression()
        if self.peek()[0] is not None:
            raise _Unreadable(f"cannot read from {self.peek()[1]!r} on")
        return result

    def or_expression(self):
        return self.joined("or", self.and_expression, "any")

    def and_expression(self):
        return self.joined("and", self.unary, "all")

    def joined(self, word, operand, key):
        """Operands read by `operand` joined by the word `word` ('or', 'and'), as {key: [...]}
        (one operand stands alone)."""
        parts = [operand()]
        while self.peek() == ("word", word):
            self.take()
            parts.append(operand())
        return parts[0] if len(parts) == 1 else {key: flatten(parts, key)}

    def unary(self):
        kind, text = self.peek()
        if (kind, text) == ("word", "not") and self.peek(1) == ("paren", "("):
            self.take()
            self.take("paren", "(")
            inner = self.or_expression()
            self.take("paren", ")")
            return {"not": inner}
        if (kind, text) == ("paren", "("):
            self.take()
            inner = self.or_expression()
            self.take("paren", ")")
            return inner
        if kind == "word" and text != "selected" and self.peek(1) == ("paren", "("):
            raise _Unreadable(f"the function {text}() has no counterpart")
        if (kind, text) == ("word", "selected"):
            self.take()
            self.take("paren", "(")
            _, name = self.take("ref")
            self.take("paren", ",")
            literal_kind, literal = self.take()
            if literal_kind not in ("string", "number"):
                raise _Unreadable(f"selected() needs a quoted value, not {literal!r}")
            self.take("paren", ")")
            return {"variable": snake(name), "in": [value_name(_unquote(literal))]}
        return self.comparison()

    def comparison(self):
        left = self.take()
        _, op = self.take("op")
        right = self.take()
        if left[0] != "ref" and right[0] == "ref":
            left, right = right, left
            op = {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(op, op)
        if left[0] != "ref" or right[0] not in ("string", "number"):
            raise _Unreadable("a comparison needs ${variable} on one side and a value on the other")
        variable, literal = snake(left[1]), _unquote(right[1])
        if literal == "":
            if op not in ("=", "!="):
                raise _Unreadable(f"cannot compare with '' using {op}")
            return {"variable": variable, "answered": op == "!="}
        number = _number(literal)
        if op in ("=", "!="):
            if number is not None and (right[0] == "number" or variable in self.numeric):
                equal = {"variable": variable, "min": number, "max": number}
            else:
                equal = {"variable": variable, "in": [value_name(literal)]}
            # XPath `!=` also holds for an empty answer: `not` keeps that meaning
            return equal if op == "=" else {"not": equal}
        if number is None:
            raise _Unreadable(f"{op} needs a number, not {literal!r}")
        if op == ">=":
            return {"variable": variable, "min": number}
        if op == "<=":
            return {"variable": variable, "max": number}
        # strict: x > n is (x >= n and not x <= n); unanswered fails both sides, as in XPath
        if op == ">":
            return {"all": [{"variable": variable, "min": number},
                            {"not": {"variable": variable, "max": number}}]}
        return {"all": [{"variable": variable, "max": number},
                        {"not": {"variable": variable, "min": number}}]}


def flatten(parts, key):
    flat = []
    for part in parts:
        flat.extend(part[key] if set(part) == {key} else [part])
    return flat


def _unquote(literal: str) -> str:
    if len(literal) >= 2 and literal[0] == literal[-1] and literal[0] in "'\"":
        return literal[1:-1]
    return literal


def _number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return int(value) if value.is_integer() else value


def translate_relevant(expression: str, numeric_variables=frozenset()) -> dict:
    """An XLSForm `relevant` expression as our condition; ValueError if it is not one of the
    common forms.

    >>> translate_relevant("${slachtoffer} = 'ja' and not(${leeftijd} < 18)", {"leeftijd"})
    {'all': [{'variable': 'slachtoffer', 'in': ['ja']}, {'not': {'all': [{'variable': 'leeftijd', 'max': 18}, {'not': {'variable': 'leeftijd', 'min': 18}}]}}]}
    """
    try:
        return _Parser(expression, numeric_variables).parse()
    except _Unreadable as exc:
        raise ValueError(
            f"{exc}; translated are ${{x}} = 'a', ${{x}} != 'a', selected(${{x}}, 'a'), "
            f"${{x}} >= 18 (= != < <= > >=), ${{x}} = '', and, or, not(...)") from None


_BOUND = re.compile(r"^\.\s*(>=|<=|>|<)\s*(.+)$|^(.+?)\s*(>=|<=|>|<)\s*\.$")
_LENGTH = re.compile(r"^string-length\(\s*\.\s*\)\s*(<=|<)\s*([0-9]+)$")
_DATE = re.compile(r"""^date\(\s*['"]([0-9]{4}-[0-9]{2}-[0-9]{2})['"]\s*\)$""")


def constraint_bounds(constraint: str, kind: str) -> dict:
    """min/max (or max_length) from a constraint made of `.`-comparisons joined by `and`."""
    bounds = {}
    for clause in re.split(r"\s+and\s+", constraint.strip()):
        clause = clause.strip()
        while clause.startswith("(") and clause.endswith(")"):
            clause = clause[1:-1].strip()
        if kind == "text":
            match = _LENGTH.match(clause)
            if not match:
                raise ValueError(f"cannot read {clause!r} (expected string-length(.) <= N)")
            bounds["max_length"] = int(match.group(2)) - (match.group(1) == "<")
            continue
        match = _BOUND.match(clause)
        if not match:
            raise ValueError(f"cannot read {clause!r} (expected . >= N, . <= N)")
        if match.group(1):
            op, literal = match.group(1), match.group(2).strip()
        else:
            literal = match.group(3).strip()
            op = {">=": "<=", "<=": ">=", ">": "<", "<": ">"}[match.group(4)]
        key = "min" if op in (">=", ">") else "max"
        if kind == "date":
            if literal == "today()":
                value = "today"
            elif _DATE.match(literal):
                value = _DATE.match(literal).group(1)
            else:
                raise ValueError(f"cannot read the date {literal!r} (expected date('YYYY-MM-DD') or today())")
            if op in (">", "<"):
                if value == "today":
                    raise ValueError(f"{clause!r}: a strict bound on today() has no counterpart")
                day = dt.date.fromisoformat(value) + dt.timedelta(days=1 if op == ">" else -1)
                value = day.isoformat()
        else:
            value = _number(literal)
            if value is None:
                raise ValueError(f"cannot read the number {literal!r}")
            if op in (">", "<"):
                if kind != "integer" or not isinstance(value, int):
                    raise ValueError(f"{clause!r}: a strict bound on a decimal has no counterpart; "
                                     f"use >= or <=")
                value += 1 if op == ">" else -1
        bounds[key] = value
    return bounds


def all_of(conditions):
    """One condition that holds when all of `conditions` hold."""
    return conditions[0] if len(conditions) == 1 else {"all": flatten(conditions, "all")}
