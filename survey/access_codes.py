"""Personal access codes: the code printed on a sample unit's invitation letter.

A code is 10 characters from an alphabet without look-alikes (no 0, O, 1, I), so 32 symbols
and 50 bits: guessing one of 75,000 live codes takes about 1.5e10 tries on average. The code
itself is kept only on the identity side (`IdentityLink.access_code`); the statistics side
keeps `code_hash(code)` so that login can find the unit without storing the code next to the
answers. The login page and the demo seed both go through `normalise` and `code_hash` here, so
they can never disagree about what a respondent typed.
"""

import hashlib

import numpy as np

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10

__all__ = ["ALPHABET", "CODE_LENGTH", "new_codes", "normalise", "code_hash"]


def new_codes(rng: np.random.Generator, n: int) -> list[str]:
    """`n` distinct random codes drawn from `rng`.

    Args:
        rng: the seeded generator; the same state gives the same codes.
        n: how many codes.
    Returns:
        a list of `n` distinct strings of `CODE_LENGTH` characters from `ALPHABET`.

    >>> new_codes(np.random.default_rng(1), 2)
    ['HJSY36UY9B', 'VFAUAFNK42']
    """
    alphabet = np.frombuffer(ALPHABET.encode("ascii"), dtype="S1")
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < n:
        need = n - len(codes)
        draws = rng.integers(0, len(ALPHABET), size=(need, CODE_LENGTH))
        chars = alphabet[draws].view(f"S{CODE_LENGTH}").ravel()
        for code in chars.astype(str).tolist():
            if code not in seen:  # a collision is 1 in 1e15 per pair, but never hand out twins
                seen.add(code)
                codes.append(code)
    return codes


def normalise(code: str) -> str:
    """The code as stored: upper case, without spaces or dashes, which people type freely.

    >>> normalise(" hjsy-36uy 9b ")
    'HJSY36UY9B'
    """
    return "".join(code.split()).replace("-", "").upper()


def code_hash(code: str) -> str:
    """sha256 (hex) of the normalised code, as kept in `SampleUnit.code_hash`.

    >>> code_hash("hjsy-36uy-9b") == code_hash("HJSY36UY9B")
    True
    """
    return hashlib.sha256(normalise(code).encode("ascii", errors="replace")).hexdigest()
