"""Specifications of the cell readers: what each accepts, how, and what it refuses."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from opc_excel.fr import fr_amount, fr_date
from opc_excel.read.amounts import read_amount, read_number, read_percent
from opc_excel.read.contract import Role
from opc_excel.read.dates import read_date
from opc_excel.read.texts import id_key, read_id, read_ids, read_text, read_yes_no
from opc_excel.read.values import Reading, is_blank, xml_safe

NNBSP, NBSP = "\u202f", "\u00a0"


def read_end(raw: object) -> Reading[date]:
    return read_date(raw, Role.END)


READERS = [read_text, read_id, read_ids, read_end, read_amount, read_number, read_percent, read_yes_no]


def assert_refused(reading: Reading[object]) -> None:
    assert reading.value is None
    assert reading.error
    assert not reading.empty
    assert "«" in reading.error and "tapez" in reading.error  # names the value, says what to type


# ---------------------------------------------------------------- every reader


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("raw", [
    None,  # openpyxl's empty cell
    "",  # the add-in's empty cell
    "   ",  # spaces only
    "\u00a0\u202f\t",  # no-break, narrow no-break spaces and a tab
])
def test_a_blank_cell_reads_as_empty_without_error(reader, raw):
    reading = reader(raw)
    assert reading == Reading()
    assert reading.empty


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("raw", [
    "#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
    " #N/A ",  # trimmed first
    "#n/a",  # any case
])
def test_an_excel_error_is_refused_and_named(reader, raw):
    reading = reader(raw)
    assert reading.value is None
    assert f"l'erreur Excel {raw.strip().upper()}" in reading.error
    assert "corrigez la formule" in reading.error


@pytest.mark.parametrize("raw, blank", [
    (None, True),
    ("", True),
    (" \u00a0\u202f\u2009 ", True),  # every kind of space
    ("x", False),
    (0, False),  # zero is a value
    (False, False),
])
def test_is_blank_means_nothing_but_spaces(raw, blank):
    assert is_blank(raw) is blank


# ---------------------------------------------------------------- text and ids


@pytest.mark.parametrize("raw, expected", [
    ("  Démolition  ", "Démolition"),  # trimmed
    ("\u00a0Relogé\u202f", "Relogé"),  # no-break spaces trimmed too
    (12, "12"),
    (12.0, "12"),  # Excel stores whole numbers as floats
    (1.5, "1.5"),
    (True, "VRAI"),  # as French Excel displays it
    (datetime(2011, 12, 31), "31/12/2011"),
    (date(2011, 12, 31), "31/12/2011"),
    ("#12", "#12"),  # a # that is not an Excel error is text
])
def test_read_text_keeps_what_was_typed_trimmed(raw, expected):
    assert read_text(raw) == Reading(expected)


@pytest.mark.parametrize("raw, expected", [
    (" OP-01 ", "OP-01"),
    (12.0, "12"),  # a whole number typed as an id
    (12, "12"),
    (1.5, "1.5"),  # kept as typed, not rounded
])
def test_read_id_gives_trimmed_text(raw, expected):
    assert read_id(raw) == Reading(expected)


@pytest.mark.parametrize("raw", [
    datetime(2024, 2, 1),  # Excel turned "1-2" into a date
    date(2024, 2, 1),
    True,
])
def test_read_id_refuses_a_date_or_a_boolean(raw):
    assert_refused(read_id(raw))


@pytest.mark.parametrize("raw, expected", [
    ("OP-01; OP-02 ;OP-03", ("OP-01", "OP-02", "OP-03")),  # ";" with any spacing
    ("OP-01\nOP-02", ("OP-01", "OP-02")),  # a line break (Alt+Entrée) separates too
    ("OP-01;\r\nOP-02;", ("OP-01", "OP-02")),  # empty parts are dropped
    ("OP-01", ("OP-01",)),
    ("OP-01, OP-02", ("OP-01, OP-02",)),  # a comma is not a separator: the reference check says so
    (12.0, ("12",)),
])
def test_read_ids_splits_on_semicolons_and_line_breaks(raw, expected):
    assert read_ids(raw) == Reading(expected)


def test_read_ids_of_separators_only_is_empty():
    assert read_ids(" ; ;").empty


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize("raw, expected", [
    (datetime(2011, 12, 31), date(2011, 12, 31)),  # openpyxl's date cell
    (datetime(2011, 12, 31, 18, 30), date(2011, 12, 31)),  # the time of day is dropped
    (date(2011, 12, 31), date(2011, 12, 31)),
    ("2011-03-01T00:00:00.000Z", date(2011, 3, 1)),  # the add-in's JSON date
    ("2011-03-01T00:00:00Z", date(2011, 3, 1)),  # without milliseconds
    (datetime(1950, 1, 1), date(1950, 1, 1)),  # first day of the plausible range
    (datetime(2100, 12, 31), date(2100, 12, 31)),  # last day of the plausible range
])
def test_an_excel_date_is_read_without_a_note(raw, expected):
    assert read_date(raw, Role.END) == Reading(expected)


@pytest.mark.parametrize("raw, expected", [
    (40908, date(2011, 12, 31)),  # a date cell formatted as a number
    (40908.0, date(2011, 12, 31)),
    (40908.75, date(2011, 12, 31)),  # the fraction, a time of day, is dropped
    (18264, date(1950, 1, 1)),  # first serial of the range
    (73415, date(2100, 12, 31)),  # last serial of the range
])
def test_a_number_is_read_as_an_excel_serial_date_with_a_note(raw, expected):
    reading = read_date(raw, Role.END)
    assert reading.value == expected
    assert f"lu comme la date Excel {fr_date(expected)}" in reading.note


def test_the_serial_note_shows_the_number_and_the_date():
    assert read_date(40908, Role.END).note == "nombre 40908 lu comme la date Excel 31/12/2011"


@pytest.mark.parametrize("raw, expected", [
    ("31/12/2011", date(2011, 12, 31)),
    ("31-12-2011", date(2011, 12, 31)),
    ("31.12.2011", date(2011, 12, 31)),
    ("1/3/2011", date(2011, 3, 1)),  # day first, always: 1 March, not 3 January
    ("01/03/2011", date(2011, 3, 1)),
    (" 31/12/2011\u00a0", date(2011, 12, 31)),  # surrounding no-break space
    ("2011-12-31", date(2011, 12, 31)),  # ISO typed by hand
    ("29/02/2012", date(2012, 2, 29)),  # a leap day
    ("01/01/1950", date(1950, 1, 1)),  # edges of the plausible range
    ("31/12/2100", date(2100, 12, 31)),
])
def test_a_text_date_is_read_day_first_with_a_note(raw, expected):
    reading = read_date(raw, Role.START)
    assert reading.value == expected
    assert reading.note == f"texte « {raw.strip()} » lu comme le {fr_date(expected)}"
    assert not reading.error


@pytest.mark.parametrize("raw, start, end", [
    ("S2 2011", date(2011, 7, 1), date(2011, 12, 31)),
    ("S1 2011", date(2011, 1, 1), date(2011, 6, 30)),
    ("S2-2011", date(2011, 7, 1), date(2011, 12, 31)),
    ("s2 2011", date(2011, 7, 1), date(2011, 12, 31)),  # any case
    ("2e semestre 2011", date(2011, 7, 1), date(2011, 12, 31)),
    ("2ème semestre 2011", date(2011, 7, 1), date(2011, 12, 31)),
    ("2EME SEMESTRE 2011", date(2011, 7, 1), date(2011, 12, 31)),  # case and accents ignored
    ("1er semestre 2011", date(2011, 1, 1), date(2011, 6, 30)),
    ("second semestre 2011", date(2011, 7, 1), date(2011, 12, 31)),
    ("premier semestre 2011", date(2011, 1, 1), date(2011, 6, 30)),
])
def test_a_semester_means_its_first_day_for_a_start_and_its_last_for_an_end(raw, start, end):
    assert read_date(raw, Role.START).value == start
    assert read_date(raw, Role.END).value == end


@pytest.mark.parametrize("raw, start, end", [
    ("T3 2011", date(2011, 7, 1), date(2011, 9, 30)),
    ("T1 2012", date(2012, 1, 1), date(2012, 3, 31)),
    ("Q3 2011", date(2011, 7, 1), date(2011, 9, 30)),  # English Q for quarter
    ("3e trimestre 2011", date(2011, 7, 1), date(2011, 9, 30)),
    ("1er trimestre 2011", date(2011, 1, 1), date(2011, 3, 31)),
    ("4ème trimestre 2011", date(2011, 10, 1), date(2011, 12, 31)),
])
def test_a_quarter_means_its_first_day_for_a_start_and_its_last_for_an_end(raw, start, end):
    assert read_date(raw, Role.START).value == start
    assert read_date(raw, Role.END).value == end


@pytest.mark.parametrize("raw, start, end", [
    ("déc. 2011", date(2011, 12, 1), date(2011, 12, 31)),
    ("décembre 2011", date(2011, 12, 1), date(2011, 12, 31)),
    ("dec 2011", date(2011, 12, 1), date(2011, 12, 31)),  # without accent nor dot
    ("Décembre 2011", date(2011, 12, 1), date(2011, 12, 31)),
    ("juil. 2011", date(2011, 7, 1), date(2011, 7, 31)),
    ("juillet 2011", date(2011, 7, 1), date(2011, 7, 31)),
    ("janv 2011", date(2011, 1, 1), date(2011, 1, 31)),
    ("févr. 2011", date(2011, 2, 1), date(2011, 2, 28)),
    ("fevrier 2012", date(2012, 2, 1), date(2012, 2, 29)),  # a leap February
    ("mars 2011", date(2011, 3, 1), date(2011, 3, 31)),
    ("sept. 2011", date(2011, 9, 1), date(2011, 9, 30)),
    ("août 2011", date(2011, 8, 1), date(2011, 8, 31)),
    ("12/2011", date(2011, 12, 1), date(2011, 12, 31)),
    ("12-2011", date(2011, 12, 1), date(2011, 12, 31)),
    ("6/2011", date(2011, 6, 1), date(2011, 6, 30)),
])
def test_a_month_means_its_first_day_for_a_start_and_its_last_for_an_end(raw, start, end):
    assert read_date(raw, Role.START).value == start
    assert read_date(raw, Role.END).value == end


@pytest.mark.parametrize("role, note", [
    (Role.START, "texte « S2 2011 » lu comme le 01/07/2011 (début du semestre)"),
    (Role.END, "texte « S2 2011 » lu comme le 31/12/2011 (fin du semestre)"),
])
def test_the_note_of_a_period_says_which_end_was_taken(role, note):
    assert read_date("S2 2011", role).note == note


@pytest.mark.parametrize("raw", [
    "31/13/2011",  # no month 13
    "31/02/2011",  # no 31 February
    "29/02/2011",  # not a leap year
    "13/2011",  # no month 13
    "31/12/11",  # two-digit year
    "S2 11",  # two-digit year
    "déc. 11",  # two-digit year
    "2011",  # a year alone is too vague
    "S3 2011",  # no third semester
    "3e semestre 2011",
    "T5 2011",  # no fifth quarter
    "2S 2011",
    "demain",  # relative dates would be a silent guess
    "fin 2011",
    "Dec 31, 2011",  # English order
    "31/12/2011 ou 2012",
    "à définir",
    "dec. 1949",  # outside 1950-2100
    "31/12/1949",
    "01/01/2101",
    "S1 2101",
    True,  # a boolean is not a date
    time(12, 30),
    2011,  # a year typed in a date cell
    12,  # serial of 12/01/1900, outside the range
    18263,  # 31/12/1949, one day before the range
    73416,  # 01/01/2101, one day after the range
    -5,
    float("nan"),
    datetime(1949, 12, 31),
    date(2101, 1, 1),
    "1949-12-31T00:00:00.000Z",  # the add-in's form, outside the range
    "2011-13-01T00:00:00.000Z",  # the add-in's form, no month 13
])
def test_an_unreadable_or_implausible_date_is_refused(raw):
    for role in Role:
        assert_refused(read_date(raw, role))


@pytest.mark.parametrize("raw, words", [
    ("31/13/2011", "n'existe pas dans le calendrier"),
    ("31/12/11", "année à deux chiffres"),
    ("2011", "trop vague"),
    (2011, "trop vague"),  # same answer when typed as a number
    ("31/12/1949", "hors de la plage 1950–2100"),
    (datetime(2101, 1, 1), "hors de la plage 1950–2100"),
    ("bientôt", "tapez une date (31/12/2011), un semestre (S2 2011), un trimestre (T3 2011) "
                "ou un mois (déc. 2011)"),
])
def test_a_refused_date_says_why_and_what_to_type(raw, words):
    assert words in read_date(raw, Role.END).error


def test_a_refused_date_quotes_the_value_as_typed():
    assert read_date(" 31/13/2011 ", Role.END).error.startswith("« 31/13/2011 » ")


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize("raw, expected", [
    (1234567, 1234567.0),
    (1234567.89, 1234567.89),
    (0, 0.0),
    (-5000, -5000.0),  # the sign is checked elsewhere
])
def test_a_numeric_amount_is_taken_as_is_without_a_note(raw, expected):
    assert read_amount(raw) == Reading(expected)


@pytest.mark.parametrize("raw, expected", [
    ("1 234 567,89 €", 1234567.89),
    ("1 234 567,89", 1234567.89),
    ("1\u00a0234\u00a0567,89", 1234567.89),  # no-break space thousands
    ("1\u202f234\u202f567,89 €", 1234567.89),  # narrow no-break space, as Excel writes them
    ("1\u2009234\u2009567,89", 1234567.89),  # thin space
    ("1234567.89", 1234567.89),  # dot decimal
    ("1234567,89", 1234567.89),
    ("1.234.567,89", 1234567.89),  # dots as thousands before a decimal comma
    ("1.234.567", 1234567.0),
    ("1,2 M€", 1_200_000.0),
    ("1,2 M €", 1_200_000.0),
    ("1.2M€", 1_200_000.0),
    ("1,15 M€", 1_150_000.0),  # exact: no 1149999.9999
    ("350 k€", 350_000.0),
    ("350 K€", 350_000.0),
    ("350k", 350_000.0),
    ("12 €", 12.0),
    ("-5 000 €", -5000.0),  # negative allowed here: DQ-NEG is checked elsewhere
    ("\u22125 000 €", -5000.0),  # the typographic minus
    ("€ 1 200", 1200.0),
    ("1 200 EUR", 1200.0),
    ("1 200 euros", 1200.0),
    ("1,234", 1.234),  # French: the comma is the decimal separator, the note shows it
    ("  12 €  ", 12.0),
])
def test_a_text_amount_is_read_with_a_note(raw, expected):
    reading = read_amount(raw)
    assert reading.value == pytest.approx(expected, abs=1e-9)
    assert reading.note == f"texte « {raw.strip()} » lu comme {fr_amount(expected)}"


def test_the_amount_note_shows_the_euros_read():
    assert read_amount("1,2 M€").note == f"texte « 1,2 M€ » lu comme 1{NNBSP}200{NNBSP}000{NBSP}€"


@pytest.mark.parametrize("raw", [
    "environ 3 M€",  # approximate
    "NC",
    "?",
    "à définir",
    "12 34,5,6",
    "12 34",  # thousands groups have 3 digits
    "1,234,567.89",  # English thousands
    "1,2 m€",  # lowercase m: milli or milliers?
    "1,2 Md€",
    "3 M€ HT",
    "€",
    "12 mois",
    True,  # a boolean is not an amount
    False,
    datetime(2011, 12, 31),
    float("inf"),
    "9" * 400,  # beyond any float
    "9" * 305 + " M€",
])
def test_a_garbled_amount_is_refused(raw):
    assert_refused(read_amount(raw))


def test_a_refused_amount_says_what_to_type():
    assert read_amount("NC").error == (
        "« NC » n'est pas un montant : tapez un nombre, par exemple 1 234 567 ou 1,2 M€.")


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize("raw, expected, noted", [
    (12, 12.0, False),  # numbers as is
    (12.5, 12.5, False),
    (-3, -3.0, False),
    ("12", 12.0, True),  # text, with a note
    ("12,5", 12.5, True),
    ("12.5", 12.5, True),
    ("1 200", 1200.0, True),
    ("1\u00a0200", 1200.0, True),
    ("-3", -3.0, True),
])
def test_read_number_takes_numbers_and_numeric_text(raw, expected, noted):
    reading = read_number(raw)
    assert reading.value == expected
    assert bool(reading.note) is noted


def test_a_text_number_note_shows_the_number_read():
    assert read_number("12,5").note == "texte « 12,5 » lu comme le nombre 12,5"


@pytest.mark.parametrize("raw", [
    "douze", "12 mois", "1,2 M€", "12 34", "~12", True, datetime(2011, 1, 1),
])
def test_read_number_refuses_anything_else(raw):
    assert_refused(read_number(raw))


# ---------------------------------------------------------------- percentages


@pytest.mark.parametrize("raw, expected, note", [
    (0.45, 45.0, f"nombre 0,45 lu comme 45{NBSP}%"),  # a 45 % cell, stored 0.45
    (0.005, 0.5, f"nombre 0,005 lu comme 0,5{NBSP}%"),  # a 0,5 % cell
    (0.07, 7.0, f"nombre 0,07 lu comme 7{NBSP}%"),  # rounded, not 7.000000000000001
    (45, 45.0, ""),  # already on the 0-100 scale
    (100, 100.0, ""),
    (0, 0.0, ""),
    (1, 1.0, f"nombre 1 lu comme 1{NBSP}% : pour 100{NBSP}%, tapez 100"),  # kept, the note warns
    ("45 %", 45.0, f"texte « 45 % » lu comme 45{NBSP}%"),
    ("45%", 45.0, f"texte « 45% » lu comme 45{NBSP}%"),
    ("45", 45.0, f"texte « 45 » lu comme 45{NBSP}%"),
    ("45,5 %", 45.5, f"texte « 45,5 % » lu comme 45,5{NBSP}%"),
    ("0,45", 0.45, f"texte « 0,45 » lu comme 0,45{NBSP}%"),  # text is read as typed
])
def test_read_percent_gives_a_0_to_100_scale(raw, expected, note):
    reading = read_percent(raw)
    assert reading.value == expected
    assert reading.note == note


@pytest.mark.parametrize("raw", ["beaucoup", "45 % HT", "45 €", True, date(2011, 1, 1)])
def test_read_percent_refuses_anything_else(raw):
    assert_refused(read_percent(raw))


# ---------------------------------------------------------------- yes / no


@pytest.mark.parametrize("raw, expected", [
    ("Oui", True),
    (" oui ", True),
    ("OUI", True),
    ("O", True),
    ("Non", False),
    ("non\u00a0", False),
    ("N", False),
    (True, True),  # a TRUE/FALSE cell
    (False, False),
    (1, True),
    (0, False),
    (1.0, True),
])
def test_read_yes_no_takes_oui_non_and_their_forms(raw, expected):
    assert read_yes_no(raw) == Reading(expected)


@pytest.mark.parametrize("raw", ["X", "Yes", "peut-être", "2", 2, 0.5, date(2011, 1, 1)])
def test_read_yes_no_refuses_anything_else(raw):
    reading = read_yes_no(raw)
    assert_refused(reading)
    assert "tapez Oui ou Non" in reading.error


# ---------------------------------------------------------------- formatting


@pytest.mark.parametrize("x, expected", [
    (1234567, f"1{NNBSP}234{NNBSP}567{NBSP}€"),  # whole: no decimals
    (1234567.0, f"1{NNBSP}234{NNBSP}567{NBSP}€"),
    (1234.5, f"1{NNBSP}234,50{NBSP}€"),  # otherwise 2 decimals after a comma
    (1.234, f"1,23{NBSP}€"),
    (12, f"12{NBSP}€"),
    (0, f"0{NBSP}€"),
    (-5000, f"-5{NNBSP}000{NBSP}€"),
    (-0.001, f"0{NBSP}€"),  # no "-0 €"
    (2.999, f"3{NBSP}€"),  # rounds to whole euros
])
def test_fr_amount_writes_euros_the_french_way(x, expected):
    assert fr_amount(x) == expected


@pytest.mark.parametrize("d, expected", [
    (date(2011, 12, 31), "31/12/2011"),
    (date(2011, 3, 1), "01/03/2011"),  # zero-padded
])
def test_fr_date_writes_jj_mm_aaaa(d, expected):
    assert fr_date(d) == expected


def test_a_reading_is_empty_only_without_value_nor_error():
    assert Reading().empty
    assert not Reading(0.0).empty
    assert not Reading(error="x").empty


@pytest.mark.parametrize(("raw", "shown"), [
    (1.1125369292536007e-308, "1,1125369292536E-308"),  # found by fuzzing: a % of it was infinite
    (0.004, "0,004"),
    ("0,4 centime", None),  # not an amount at all
    (1e308, "1E+308"),  # two of them sum to infinity
    ("2 000 000 M€", "2 000 000 M€"),
    (-2e12, "-2000000000000"),
])
def test_an_implausible_amount_is_refused_and_shown_as_excel_shows_it(raw, shown):
    reading = read_amount(raw)
    assert_refused(reading)
    if shown is not None:
        assert reading.error.startswith(f"« {shown} » n'est pas un montant plausible")
        assert "tapez le montant en euros" in reading.error


@pytest.mark.parametrize("raw", [0, 0.0, 0.01, 1_000_000_000_000.0, -0.01, "0,01 €", "1 000 000 M€"])
def test_amounts_from_a_cent_to_a_thousand_billion_are_read(raw):
    assert not read_amount(raw).error and read_amount(raw).value is not None


@pytest.mark.parametrize(("raw", "accepted"), [(1e-7, False), (1e-6, True), (1e12, True), (1.5e12, False)])
def test_numbers_have_a_plausible_range_too(raw, accepted):
    assert (not read_number(raw).error) is accepted


class DescribeTextAnXlsxCannotHold:
    @pytest.mark.parametrize("raw", ["Ronsard \ud83d", "\udc00", "fin\ufffe", "fin\uffff", "a\x00b", "a\x01b",
                                     "a\x0bb", "a\x1fb"])
    @pytest.mark.parametrize("read", [read_text, read_id, read_amount, read_yes_no, read_end])
    def it_refuses_it_in_every_kind_of_cell_saying_to_retype_it(self, raw, read):
        reading = read(raw)
        assert reading.value is None and "qu'un fichier Excel ne peut pas enregistrer" in reading.error
        assert "retapez le contenu de la cellule au clavier" in reading.error
        assert xml_safe(raw) in reading.error and raw not in reading.error

    @pytest.mark.parametrize("raw", ["ligne 1\nligne 2", "col\ttab", "retour\r\nchariot", "🏚 émoji entier"])
    def it_keeps_tabs_line_breaks_and_whole_emojis(self, raw):
        assert read_text(raw) == Reading(raw.strip())


class DescribeIdKey:
    @pytest.mark.parametrize(("typed", "key"), [
        ("PER-DEM-01", "PER-DEM-01"),
        ("PER-DEM-01\u200b", "PER-DEM-01"),  # zero-width space
        ("PER\u200c-DEM\u200d-01\u2060", "PER-DEM-01"),  # zero-width non-joiner, joiner, word joiner
        ("\ufeffPER-DEM-\u00ad01", "PER-DEM-01"),  # BOM, soft hyphen
        ("PER-DEM\u00a001", "PER-DEM 01"),  # no-break space: a space
        ("\uff30\uff25\uff32-DEM-\uff10\uff11", "PER-DEM-01"),  # fullwidth letters and digits
        ("\u0420\u0415\u0420-\u0421\u0422-\u0410\u0412", "PEP-CT-AB"),  # Cyrillic capitals
        ("\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7",
         "ABEZHIKMNOPTYX"),  # Greek capitals
        ("op-\u043e\u0440\u0441", "op-opc"),  # Cyrillic small letters
        ("PER\u2010DEM\u2011\u201301\u2212", "PER-DEM--01-"),  # hyphens and dashes
        ("Réhab-01", "Réhab-01"),  # an accent is typed on purpose: kept
        ("op-01", "op-01"),  # case is seen on screen: kept
    ])
    def it_gives_ids_that_look_the_same_the_same_key(self, typed, key):
        assert id_key(typed) == key
