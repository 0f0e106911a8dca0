from survey.demo.bulk_writer import _copy_text


def test_copy_text_escapes_what_postgresql_would_misread():
    # PostgreSQL COPY text format: \N is NULL; backslash, tab, newline, CR are escaped
    text = _copy_text([["a", "b\tc", None, "x\\y\nz\r"], [1, 2, 3, 4], [0.5, None, 1.25, 2.0]])
    assert text == "a\t1\t0.5\nb\\tc\t2\t\\N\n\\N\t3\t1.25\nx\\\\y\\nz\\r\t4\t2.0\n"


def test_copy_text_of_plain_strings_is_joined_as_is():
    assert _copy_text([["u1", "u2"], ["ja", "nee"]]) == "u1\tja\nu2\tnee\n"
