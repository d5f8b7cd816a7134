"""The command line as a person or a script uses it: exit status, French output, JSON, files written."""

from __future__ import annotations

import io
import json
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from opc_excel.cli import main
from opc_excel.cli.parser import build_parser
from opc_excel.read.contract import OUTPUT_SHEETS
from tests.factory import clean_sheets, make_workbook, set_value

TODAY = date(2026, 1, 1)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), today=TODAY, stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def input_cells(path: Path) -> dict[tuple[str, str], object]:
    """Return every non-empty cell of every sheet but the output ones, formulas as typed."""
    workbook = openpyxl.load_workbook(path)
    return {(ws.title, cell.coordinate): cell.value
            for ws in workbook.worksheets if ws.title not in OUTPUT_SHEETS
            for row in ws.iter_rows() for cell in row if cell.value is not None}


def spoiled_workbook(tmp_path: Path) -> Path:
    sheets = clean_sheets()
    set_value(sheets, "Opérations", 2, "Coût convention (€ HT)", "NC")
    set_value(sheets, "Jalons", 1, "Date convention", "S1 2010 ")
    return make_workbook(tmp_path, sheets, name="gâché.xlsx", title_rows={"Opérations": 2})


class DescribeCheck:
    def it_exits_0_on_a_clean_workbook(self, tmp_path):
        status, out, err = run("check", str(make_workbook(tmp_path)))
        assert status == 0 and err == ""
        assert "situation au 30/09/2011" in out and "Aucun problème détecté" in out

    def it_exits_1_and_lists_blocking_problems_with_their_cell(self, tmp_path):
        status, out, _ = run("check", str(spoiled_workbook(tmp_path)))
        assert status == 1
        assert "DQ-TYPE Opérations!G5" in out and "1 problème(s) bloquant(s), 1 avertissement(s)" in out

    def it_prints_one_json_object_with_every_problem(self, tmp_path):
        status, out, _ = run("check", str(spoiled_workbook(tmp_path)), "--json")
        payload = json.loads(out)
        assert status == 1
        assert payload["date_de_situation"] == "2011-09-30"
        assert {a["code"] for a in payload["alerts"]} >= {"CAL-04"}  # the small programme has its alerts
        assert set(payload["alerts"][0]) == {"key", "code", "severity", "theme", "operation_id", "action_id",
                                             "finding", "measure", "first_seen"}
        assert payload["indicators"]["at"] == "2011-09-30" and "anru" in payload["indicators"]
        assert [(p["code"], p["severity"], p["sheet"], p["cell"], p["value"]) for p in payload["problems"]] == [
            ("DQ-TYPE", "Bloquant", "Opérations", "G5", "NC"),
            ("DQ-TEXTDATE", "Avertissement", "Jalons", "C2", "S1 2010 "),
        ]
        assert set(payload["problems"][0]) == {"code", "severity", "sheet", "cell", "column", "value", "message"}

    def it_takes_the_date_de_situation_from_the_at_option(self, tmp_path):
        _, out, _ = run("check", str(make_workbook(tmp_path)), "--at", "31/12/2011", "--json")
        assert json.loads(out)["date_de_situation"] == "2011-12-31"

    def it_gives_the_s_curve_the_decks_plot_with_a_point_at_each_date_of_historique(self):
        master = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
        _, out, _ = run("check", str(master), "--json")
        actual = [(p["day"], p["engaged_pct"]) for p in json.loads(out)["indicators"]["s_curve"]
                  if p["engaged_pct"] is not None]
        assert actual == [("2011-03-31", 66.0), ("2011-06-30", 71.5), ("2011-09-30", 76.3)]  # Historique, then t


NOT_WORKBOOKS = [
    ("texte.xlsx", b"ID operation;Libelle\nPER-01;Demolition\n"),  # a CSV renamed .xlsx
    ("vide.xlsx", b""),  # an empty file
    ("pdf.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),  # another format
]


def _xml_bomb(tmp_path: Path, name: str, doctype: str) -> Path:
    source = make_workbook(tmp_path, name="source.xlsx")
    target = tmp_path / name
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                body = data.split(b"?>", 1)[-1]  # the DOCTYPE goes before the root element
                data = b'<?xml version="1.0" encoding="UTF-8"?>' + doctype.encode() + body
            zout.writestr(item, data)
    return target


class DescribeFilesThatAreNotWorkbooks:
    @pytest.mark.parametrize(("name", "content"), NOT_WORKBOOKS)
    def it_exits_2_with_one_french_sentence(self, tmp_path, name, content):
        path = tmp_path / name
        path.write_bytes(content)
        status, out, err = run("check", str(path))
        assert status == 2 and out == ""
        assert name in err and "Traceback" not in err and str(tmp_path) not in err
        assert len(err.strip().splitlines()) == 1

    def it_exits_2_on_a_truncated_workbook(self, tmp_path):
        whole = make_workbook(tmp_path).read_bytes()
        path = tmp_path / "tronqué.xlsx"
        path.write_bytes(whole[: len(whole) // 2])
        status, _, err = run("check", str(path))
        assert status == 2 and "tronqué.xlsx" in err

    def it_gives_a_json_dq_file_problem_with_json(self, tmp_path):
        path = tmp_path / "texte.xlsx"
        path.write_text("pas un classeur", encoding="utf-8")
        status, out, err = run("check", str(path), "--json")
        problem = json.loads(out)["problems"][0]
        assert status == 2 and err
        assert (problem["code"], problem["severity"]) == ("DQ-FILE", "Bloquant")

    @pytest.mark.parametrize("doctype", [
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',  # external entity
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',  # entity expansion
    ])
    def it_refuses_xml_entities_quickly_without_reading_local_files(self, tmp_path, doctype):
        path = _xml_bomb(tmp_path, "piège.xlsx", doctype)
        started = time.perf_counter()
        status, out, err = run("check", str(path))
        assert status == 2 and "piège.xlsx" in err and "root:" not in out + err
        assert time.perf_counter() - started < 5

    def it_exits_1_on_a_workbook_without_the_contract_sheets(self, tmp_path):
        path = tmp_path / "vide.xlsx"
        openpyxl.Workbook().save(path)
        status, out, _ = run("check", str(path))
        assert status == 1 and "DQ-SHEET" in out

    def it_exits_2_on_a_missing_file(self, tmp_path):
        status, _, err = run("check", str(tmp_path / "absent.xlsx"))
        assert status == 2 and "absent.xlsx" in err


class DescribeRefresh:
    def it_writes_controles_into_a_copy_and_leaves_the_master_alone(self, tmp_path):
        master = spoiled_workbook(tmp_path)
        before = master.read_bytes()
        status, out, _ = run("refresh", str(master))
        copy = tmp_path / "gâché.actualisé.xlsx"
        assert status == 1 and str(copy) in out
        assert master.read_bytes() == before
        ws = openpyxl.load_workbook(copy)["Contrôles"]
        rows = list(ws.iter_rows(min_row=4, values_only=True))
        assert rows[0] == ("Gravité", "Feuille", "Cellule", "Colonne", "Valeur lue", "Message", "Code")
        assert [r[:3] + r[6:] for r in rows[1:]] == [("Bloquant", "Opérations", "G5", "DQ-TYPE"),
                                                   ("Avertissement", "Jalons", "C2", "DQ-TEXTDATE")]
        assert ws["C5"].hyperlink.location == "'Opérations'!G5"
        assert ws.freeze_panes == "A5" and ws.auto_filter.ref == "A4:G6"

    def it_never_changes_an_input_cell(self, tmp_path):
        master = spoiled_workbook(tmp_path)
        workbook = openpyxl.load_workbook(master)
        workbook["Opérations"]["R4"] = "=SUM(G4:G6)"  # a user formula stays a formula
        workbook["Opérations"]["S4"] = datetime(2011, 1, 1)
        workbook.save(master)
        run("refresh", str(master), "--out", str(tmp_path / "copie.xlsx"))
        assert input_cells(tmp_path / "copie.xlsx") == input_cells(master)

    def it_replaces_the_controles_sheet_of_an_earlier_refresh(self, tmp_path):
        master = spoiled_workbook(tmp_path)
        run("refresh", str(master), "--in-place")
        run("refresh", str(master), "--in-place")
        workbook = openpyxl.load_workbook(master)
        assert workbook.sheetnames[-5:] == list(OUTPUT_SHEETS)  # once each, after the input sheets

    def it_keeps_a_backup_before_rewriting_in_place(self, tmp_path):
        master = spoiled_workbook(tmp_path)
        before = master.read_bytes()
        status, out, _ = run("refresh", str(master), "--in-place")
        backups = list(tmp_path.glob("gâché.sauvegarde-*.xlsx"))
        assert status == 1 and len(backups) == 1 and backups[0].read_bytes() == before
        assert "Contrôles" in openpyxl.load_workbook(master).sheetnames
        assert input_cells(master) == input_cells(backups[0])

    def it_rewrites_in_place_a_workbook_holding_a_chart_and_keeps_the_chart(self, tmp_path):
        master = make_workbook(tmp_path, name="source.xlsx")
        with_chart = tmp_path / "graphique.xlsx"
        with zipfile.ZipFile(master) as zin, zipfile.ZipFile(with_chart, "w") as zout:
            for item in zin.infolist():
                zout.writestr(item, zin.read(item.filename))
            zout.writestr("xl/charts/chart1.xml", "<c:chartSpace xmlns:c='x'/>")
        status, out, err = run("refresh", str(with_chart), "--in-place")
        assert status == 0, err
        assert zipfile.ZipFile(with_chart).read("xl/charts/chart1.xml") == b"<c:chartSpace xmlns:c='x'/>"
        assert "Contrôles" in openpyxl.load_workbook(with_chart).sheetnames and "ne sont pas repris" not in out

    def it_refuses_out_and_in_place_together(self, tmp_path):
        status, _, err = run("refresh", "x.xlsx", "--in-place", "--out", "y.xlsx")
        assert status == 2 and "s'excluent" in err


class DescribeDemo:
    def it_checks_and_refreshes_the_shipped_master(self, tmp_path):
        status, out, _ = run("demo", "--out", str(tmp_path / "sortie"))
        assert status == 0
        assert (tmp_path / "sortie" / "perseigne_master.actualisé.xlsx").is_file()
        assert json.loads((tmp_path / "sortie" / "controles.json").read_text(encoding="utf-8"))["problems"] == []
        assert "Résultats écrits dans le dossier" in out

    def it_computes_the_situation_once_for_its_seven_decks(self, tmp_path, monkeypatch):
        from opc_excel.situation import Situation

        built = []
        original = Situation.of.__func__

        def counted(cls, report, since=None):
            built.append(report.at)
            return original(cls, report, since)

        monkeypatch.setattr(Situation, "of", classmethod(counted))
        status, out, _ = run("demo", "--out", str(tmp_path / "sortie"))
        assert status == 0 and len(list((tmp_path / "sortie").glob("*.pptx"))) == 7
        assert built == [date(2011, 9, 30)]  # one figure, one value: every deck lays out the same situation


class DescribeHelp:
    def it_has_french_help_on_every_command(self):
        parser = build_parser()
        commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001 - walk every command
        for name, command in {"opc-excel": parser, **commands}.items():
            text = command.format_help()
            assert text.startswith("Utilisation : ") and text.count("Utilisation :") == 1, name
            assert "show this help" not in text and "afficher cette aide" in text, name
            for action in command._actions:  # noqa: SLF001
                assert action.help, f"{name}: {action.dest} has no help text"

    def it_answers_a_wrong_command_in_french_with_exit_2(self):
        status, _, err = run("verifier", "x.xlsx")
        assert status == 2 and "choix « verifier » inconnu" in err and "'verifier'" not in err and "--help" in err

    def it_answers_a_wrong_date_in_french(self, tmp_path):
        status, _, err = run("check", "x.xlsx", "--at", "2011-13-45")
        assert status == 2 and "n'est pas une date" in err and "JJ/MM/AAAA" in err


class DescribeNamesAsTyped:
    @pytest.mark.parametrize(("typed", "written"), [
        (["comité-suivi"], "comite-suivi_2011-09-30.pptx"),
        (["COPIL"], "copil_2011-09-30.pptx"),
        (["Réunion restreinte", "--theme", "Financière"], "reunion-restreinte-financiere_2011-09-30.pptx"),
    ])
    def it_accepts_deck_names_with_accents_and_capitals(self, tmp_path, typed, written):
        master = make_workbook(tmp_path, name="maitre.xlsx")
        status, out, err = run("deck", typed[0], str(master), *typed[1:])
        assert status in (0, 1), err
        assert (tmp_path / written).is_file() and written in out

    @pytest.mark.parametrize(("argv", "quoted"), [
        (["deck", "comite"], "« comite » n'est pas un diaporama : choisissez parmi point-mensuel, comite-suivi"),
        (["deck", "reunion-restreinte", "x.xlsx", "--theme", "financier"],
         "« financier » n'est pas un thème : choisissez parmi technique, financiere, sociale"),
    ])
    def it_quotes_a_refused_name_once(self, argv, quoted):
        status, _, err = run(*argv[:2], "x.xlsx", *argv[3:])
        assert status == 2 and quoted in err and err.count("comite »") + err.count("financier »") == 1
        assert "'" not in err.replace("n'est", "").replace("l'aide", "")


class DescribeServe:
    def it_says_in_french_that_the_port_is_taken_before_starting(self, monkeypatch):
        import socket

        from opc_excel.cli import commands

        monkeypatch.setattr(commands, "_server_packages", lambda: None)
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            status, out, err = run("serve", "--port", str(port))
        assert status == 2 and out == ""  # no « Serveur OPC urbain : … » line before the refusal
        assert f"Le port {port} est déjà utilisé sur 127.0.0.1" in err and f"--port {port + 1}" in err
        assert "address already in use" not in err.casefold()

    def it_gives_the_install_command_that_works_from_the_project_folder(self, monkeypatch):
        import sys

        monkeypatch.setitem(sys.modules, "xlwings_server", None)  # as if not installed: importing it fails
        status, out, err = run("serve", "--port", "0")  # port 0 is refused: never a server started here
        assert status == 2 and out == ""
        assert 'pip install ".[server]"' in err and "dossier du projet" in err and "opc-excel[server]" not in err
