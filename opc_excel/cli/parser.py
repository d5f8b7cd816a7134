"""The ``opc-excel`` argument parser: every command, its options and its help, in French.

A usage error raises :class:`~opc_excel.errors.UsageError` (French) instead of exiting, so that
:func:`opc_excel.cli.main` turns it into a message and an exit status like any other error.
"""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime
from pathlib import Path

from opc_excel.errors import UsageError
from opc_excel.text import match_key

# The names the commands take, as opc_excel.render.decks.KINDS and THEMES and opc_excel.render.documents.kit.KIT_KINDS
# say them (tests/test_startup.py checks they agree): written here so that « opc-excel --help » and a check load
# neither python-pptx nor python-docx.
KINDS = ("point-mensuel", "comite-suivi", "copil", "revue-projet", "reunion-restreinte")
THEMES = ("technique", "financiere", "sociale")
KIT_KINDS = ("point-mensuel", "comite-suivi", "copil", "revue-projet")

_ARGPARSE_FR = (
    (r"the following arguments are required: (.*)", r"argument obligatoire manquant : \1"),
    (r"unrecognized arguments: (.*)", r"argument non reconnu : \1"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", r"\1 : choix « \2 » inconnu (choisir parmi \3)"),
    (r"argument (\S+): expected one argument", r"l'option \1 attend une valeur"),
    (r"argument (\S+): not allowed with argument (\S+)", r"les options \1 et \2 s'excluent"),
    (r"argument (\S+): (.*)", r"\1 : \2"),
)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001 - argparse's signature
        # argparse passes prefix="" when it builds a sub-command's name: keep that one empty
        return super().add_usage(usage, actions, groups, prefix="Utilisation : " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argparse parser that speaks French and raises instead of exiting on a usage error."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "Arguments"
        self._optionals.title = "Options"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="afficher cette aide et quitter")

    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, french in _ARGPARSE_FR:
            if re.fullmatch(pattern, message):
                if "invalid choice" in pattern:  # argparse quotes the values: « 'x' » would quote them twice
                    message = message.replace("'", "")
                message = re.sub(pattern, french, message)
                break
        raise UsageError(f"{message}. Tapez « {self.prog} --help » pour l'aide.")


def _date_argument(text: str) -> date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"« {text} » n'est pas une date : tapez JJ/MM/AAAA, par exemple 30/09/2011")


def _named_choice(choices: tuple[str, ...] | list[str], what: str):
    """Return an argparse type that accepts one of ``choices`` up to case, accents and spaces.

    « comité-suivi », « COPIL », « Comité suivi » or « financière » are the names typed most; a
    refusal quotes what was typed once and lists the names.
    """

    def named(text: str) -> str:
        typed = re.sub(r"[\s_]+", "-", match_key(text).strip())
        for choice in choices:
            if typed == choice:
                return choice
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas {what} : choisissez parmi {', '.join(choices)}")

    return named


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every command (also used by the test that checks every help text)."""
    parser = _Parser(
        prog="opc-excel",
        description="Pilotage du projet de rénovation urbaine depuis le classeur maître : "
                    "contrôle du classeur, actualisation des feuilles de suivi, diaporamas des instances.",
        epilog="Exemple : opc-excel check workbooks/perseigne_master.xlsx --at 30/09/2011")
    _debug_argument(parser, default=False)
    commands = parser.add_subparsers(dest="command", title="Commandes", metavar="COMMANDE",
                                     parser_class=_Parser, help="la commande à exécuter")

    check = commands.add_parser(
        "check", help="contrôler le classeur et afficher les problèmes trouvés",
        description="Lit le classeur, le contrôle cellule par cellule et affiche les problèmes trouvés. "
                    "Code de sortie : 0 aucun problème bloquant, 1 problèmes bloquants, 2 fichier illisible.")
    _workbook_arguments(check)
    check.add_argument("--json", action="store_true",
                       help="afficher le résultat en JSON (pour un autre programme)")

    refresh = commands.add_parser(
        "refresh", help="actualiser les contrôles, alertes, tableau de bord et historique (dans une copie)",
        description="Contrôle le classeur, calcule indicateurs et alertes, et écrit les feuilles Contrôles, "
                    "Alertes, Tableau de bord, Historique et Historique jalons dans une copie "
                    "« <nom>.actualisé.xlsx ». Les feuilles de saisie ne sont jamais modifiées ; ce que vous avez "
                    "saisi dans les colonnes de suivi de la feuille Alertes est conservé.")
    _workbook_arguments(refresh)
    where = refresh.add_mutually_exclusive_group()
    where.add_argument("--out", metavar="CHEMIN", type=Path,
                       help="fichier à écrire (par défaut : <nom>.actualisé.xlsx à côté du classeur)")
    where.add_argument("--in-place", action="store_true",
                       help="réécrire le classeur maître lui-même, après en avoir fait une copie de sauvegarde")

    deck = commands.add_parser(
        "deck", help="générer un diaporama (point mensuel, comité de suivi, comité de pilotage…)",
        description="Génère le diaporama demandé depuis le classeur, à la date de situation. Diaporamas : "
                    + ", ".join(KINDS) + ". La réunion restreinte demande un thème (--theme). Un classeur avec "
                    "des problèmes bloquants donne quand même un diaporama, qui liste d'abord ce qui a été écarté.")
    deck.add_argument("kind", metavar="DIAPORAMA", type=_named_choice(list(KINDS), "un diaporama"),
                      help="le diaporama : " + ", ".join(KINDS))
    _workbook_arguments(deck)
    deck.add_argument("--theme", metavar="THEME", type=_named_choice(THEMES, "un thème"),
                      help="thème de la réunion restreinte : " + ", ".join(THEMES))
    deck.add_argument("--template", metavar="MODELE", type=Path,
                      help="modèle PowerPoint de la ville (par défaut : le modèle maison)")
    deck.add_argument("--out", metavar="CHEMIN", type=Path,
                      help="fichier à écrire (par défaut : <diaporama>_<AAAA-MM-JJ>.pptx à côté du classeur)")
    deck.add_argument("--depuis", metavar="JJ/MM/AAAA", type=_date_argument,
                      help="date de situation du précédent point, pour « ce qui a changé » (par défaut : la "
                           "précédente de la feuille Historique)")
    deck.add_argument("--seance", metavar="JJ/MM/AAAA", type=_date_argument,
                      help="date de la séance : les échéances, les perspectives et les décisions partent de cette "
                           "date (par défaut : la date « Prochain … » de cette instance dans Paramètres, sinon la "
                           "date de situation)")

    rapport = commands.add_parser(
        "rapport", help="générer le rapport semestriel au comité de pilotage (document Word, PDF en option)",
        description="Génère le rapport semestriel au comité de pilotage (Word, 20 à 40 pages) depuis le classeur, "
                    "à la date de situation : synthèse pour les élus, convention et avenants, avancement, situation "
                    "financière, engagements, points durs, décisions attendues, perspectives, avenants en "
                    "préparation et annexes. Les chiffres sont ceux des diaporamas.")
    _workbook_arguments(rapport)
    rapport.add_argument("--template", metavar="MODELE.docx", type=Path,
                         help="modèle Word de la ville (par défaut : le modèle maison) ; ses styles « Titre 1 », "
                              "« Titre 2 »… sont utilisés par leur nom")
    rapport.add_argument("--out", metavar="CHEMIN", type=Path,
                         help="fichier à écrire (par défaut : rapport-semestriel_<AAAA-MM-JJ>.docx à côté du "
                              "classeur)")
    rapport.add_argument("--pdf", action="store_true",
                         help="écrire aussi le PDF à côté du document (il faut LibreOffice sur ce poste)")
    rapport.add_argument("--seance", metavar="JJ/MM/AAAA", type=_date_argument,
                         help="date du comité de pilotage (par défaut : « Prochain comité de pilotage » dans "
                              "Paramètres, sinon la date de situation)")

    _document_commands(commands)

    template_check = commands.add_parser(
        "template-check", help="vérifier qu'un modèle PowerPoint ou Word convient aux diaporamas ou au rapport",
        description="Liste ce qui manque à un modèle PowerPoint (dispositions nommées, espaces réservés, "
                    "format 16:9) avant de s'en servir pour générer les diaporamas, ou à un modèle Word (styles "
                    "« Titre », « Titre 1 » à « Titre 3 », « Liste à puces », « Légende », « Grille du tableau ») "
                    "avant de s'en servir pour le rapport semestriel.")
    template_check.add_argument("template", metavar="MODELE", type=Path, help="le modèle (.pptx ou .docx)")
    _debug_argument(template_check)

    demo = commands.add_parser(
        "demo", help="tout exécuter sur le classeur de démonstration Perseigne–Courteille",
        description="Contrôle et actualise le classeur de démonstration livré (workbooks/perseigne_master.xlsx) "
                    "et écrit dans un dossier le classeur actualisé, les diaporamas, le rapport semestriel, la "
                    "convocation et le compte rendu de chaque instance, la note de préparation et les fiches "
                    "opération.")
    demo.add_argument("--out", metavar="DOSSIER", type=Path, default=Path("sortie"),
                      help="dossier des résultats (par défaut : ./sortie)")
    demo.add_argument("--classeur", metavar="CLASSEUR", type=Path, default=None,
                      help="autre classeur à utiliser (par défaut : le classeur de démonstration livré)")
    _debug_argument(demo)

    serve = commands.add_parser(
        "serve", help="démarrer le serveur du complément Excel (ruban « OPC urbain »)",
        description="Démarre le serveur du complément Excel (xlwings Server) : ruban « OPC urbain », volet, "
                    "diaporamas. Par défaut il n'écoute que ce poste (127.0.0.1), sans authentification ; "
                    "sur une autre adresse, un jeton d'accès (OPC_EXCEL_TOKEN) ou Microsoft Entra ID est exigé, "
                    "ainsi que la clé de licence XLWINGS_LICENSE_KEY. Excel exige HTTPS : donnez le dossier des "
                    "certificats avec --certs. Arrêt : Ctrl+C.",
        epilog="Exemple : opc-excel serve --certs certs  puis, dans Excel, chargez https://127.0.0.1:8000/manifest.xml")
    serve.add_argument("--host", metavar="ADRESSE", default="127.0.0.1",
                       help="adresse d'écoute (par défaut 127.0.0.1 : ce poste seulement)")
    serve.add_argument("--port", metavar="PORT", type=int, default=8000, help="port d'écoute (par défaut 8000)")
    serve.add_argument("--certs", metavar="DOSSIER", type=Path, default=None,
                       help="dossier du certificat et de sa clé au format PEM, pour servir en HTTPS")
    serve.add_argument("--workers", metavar="N", type=int, default=1,
                       help="processus de travail, chacun un calcul à la fois (par défaut 1 ; sur un serveur, "
                            "environ un par cœur)")
    _debug_argument(serve)
    return parser


def _document_commands(commands) -> None:  # noqa: ANN001 - argparse's private subparsers action
    """The meeting kit (convocation, compte rendu, note de préparation) and the fiches opération."""
    instances = ", ".join(KIT_KINDS)
    for name, summary, description in (
        ("convocation", "générer la convocation et l'ordre du jour d'une instance (document Word)",
         "Génère la convocation et l'ordre du jour de l'instance (" + instances + ") : destinataires pris dans la "
         "feuille Participants, suivi des décisions de la séance précédente, points durs, opérations à lancer, "
         "décisions à prendre et échéances, avec les chiffres des diaporamas."),
        ("compte-rendu", "générer le compte rendu prérempli d'une séance (relevé de décisions, document Word)",
         "Génère le compte rendu et relevé de décisions prérempli de la séance : participants (présences à "
         "cocher), ordre du jour, décisions précédentes et leur statut (feuille Actions), décisions à prendre et "
         "lignes vides à remplir. Reportez ensuite les décisions dans la feuille Actions : la prochaine "
         "convocation, les diaporamas et le rapport les reprennent."),
    ):
        kit = commands.add_parser(name, help=summary, description=description)
        kit.add_argument("instance", metavar="INSTANCE", type=_named_choice(KIT_KINDS, "une instance"),
                         help="l'instance : " + instances)
        _workbook_arguments(kit)
        kit.add_argument("--seance", metavar="JJ/MM/AAAA", type=_date_argument, required=name == "compte-rendu",
                         help="date de la séance" + (" (obligatoire)" if name == "compte-rendu" else
                                                     " (par défaut : la date « Prochain … » de l'instance dans "
                                                     "Paramètres, sinon la date de situation)"))
        _document_options(kit, f"{name}_<instance>_<AAAA-MM-JJ>.docx")
    note = commands.add_parser(
        "note", help="générer la note de préparation du point mensuel (une page pour le directeur de projet)",
        description="Génère la note de préparation du point mensuel, une page pour le directeur de projet : "
                    "l'essentiel, les chiffres clés, les premiers points durs, les décisions à prendre, les "
                    "lancements bloqués et les actions en retard.")
    _workbook_arguments(note)
    note.add_argument("--seance", metavar="JJ/MM/AAAA", type=_date_argument,
                      help="date du point mensuel (par défaut : « Prochain point mensuel » dans Paramètres, sinon "
                           "la date de situation)")
    _document_options(note, "note-preparation_point-mensuel_<AAAA-MM-JJ>.docx")
    fiches = commands.add_parser(
        "fiches", help="générer les fiches opération (une page par opération, document Word)",
        description="Génère une fiche d'une page par opération : description, les quatre dates de chaque jalon, "
                    "plan de financement (engagé, versé), DAS et caducité, alertes et mesures, décisions. Toutes "
                    "les opérations dans un seul fichier, ou celles d'un maître d'ouvrage avec --moa.")
    _workbook_arguments(fiches)
    fiches.add_argument("--moa", metavar="NOM", help="le maître d'ouvrage dont on veut les fiches (par exemple "
                                                     "« Orne Habitat ») ; par défaut : toutes les opérations")
    _document_options(fiches, "fiches-operation_[<moa>_]<AAAA-MM-JJ>.docx")


def _document_options(parser: argparse.ArgumentParser, default_name: str) -> None:
    parser.add_argument("--template", metavar="MODELE.docx", type=Path,
                        help="modèle Word de la ville (par défaut : le modèle maison)")
    parser.add_argument("--out", metavar="CHEMIN", type=Path,
                        help=f"fichier à écrire (par défaut : {default_name} à côté du classeur)")


def _debug_argument(parser: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    # On every command too, so that `opc-excel check X --debug` works; SUPPRESS keeps the top-level value.
    parser.add_argument("--debug", action="store_true", default=default,
                        help="en cas d'erreur inattendue, afficher le détail technique (pour l'assistance)")


def _workbook_arguments(parser: argparse.ArgumentParser) -> None:
    _debug_argument(parser)
    parser.add_argument("workbook", metavar="CLASSEUR", type=Path, help="le classeur maître (.xlsx ou .xlsm)")
    parser.add_argument("--at", metavar="JJ/MM/AAAA", type=_date_argument,
                        help="date de situation à utiliser à la place de celle de la feuille Paramètres")

