import hashlib

import numpy as np

from survey.access_codes import ALPHABET, CODE_LENGTH, code_hash, new_codes, normalise


def test_codes_are_distinct_unambiguous_and_reproducible():
    codes = new_codes(np.random.default_rng(7), 20_000)
    assert len(set(codes)) == 20_000
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert not set("01IO") & set("".join(codes))  # no 0/O and 1/I look-alikes
    assert codes[:5] == new_codes(np.random.default_rng(7), 5)
    assert len(ALPHABET) ** CODE_LENGTH == 2**50


def test_what_people_type_is_normalised_before_hashing():
    assert normalise(" ab2c-d3ef 4g ") == "AB2CD3EF4G"
    expected = hashlib.sha256(b"AB2CD3EF4G").hexdigest()
    assert code_hash("ab2c-d3ef-4g") == code_hash("AB2C D3EF 4G") == expected
