"""The *Mode d'emploi* sheet: what the workbook is, one paragraph per sheet, how to type, what the software does."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from opc_excel.demo.looks import DARK_BLUE, TAB_COLOURS, calibri, print_layout, text_height
from opc_excel.read import contract as c

SHEET_GUIDE = (
    (c.PARAMETRES, "Les réglages du projet : nom, programme (PNRU ou NPNRU), dates de la convention, date de "
     "situation, dates des prochaines instances et seuils des alertes. Colonne A le paramètre, colonne B sa "
     "valeur, colonne C son explication. La date de situation est la date à laquelle le classeur est arrêté : "
     "tous les retards et toutes les alertes sont calculés à cette date. Un seuil laissé vide prend sa valeur "
     "par défaut."),
    (c.LISTES, "Les valeurs autorisées : quartiers, familles d'opérations, maîtres d'ouvrage, financeurs, "
     "statuts, jalons, motifs de décalage, instances… Les listes déroulantes des autres feuilles y renvoient. "
     "Pour ajouter une valeur, tapez-la sous la dernière valeur de sa colonne puis étendez la plage nommée "
     "correspondante (Formules > Gestionnaire de noms, noms « Liste_… »)."),
    (c.OPERATIONS, "Une ligne par opération de la convention (la maquette financière) : identifiant unique "
     "(numéro AGORA ou code local), libellé, quartier, famille, maître d'ouvrage, statut, coût convention et "
     "coût actualisé, taux de subvention ANRU plafond, quantités prévues et réalisées, date de la dernière mise "
     "à jour et responsable du suivi."),
    (c.JALONS_SHEET, "Une ligne par opération et par jalon : désignation de la maîtrise d'œuvre, permis de "
     "construire, attribution des marchés, FAT, DAS, démarrage des travaux, livraison, demande de solde, solde "
     "versé. Quatre dates : celle de la convention initiale, celle du dernier avenant, la date prévisionnelle "
     "(la prévision d'aujourd'hui) et la date réelle, une fois le jalon franchi. Quand une prévision glisse, "
     "indiquez le motif de décalage."),
    (c.DEPENDANCES, "Les enchaînements entre opérations, selon le type de lien : « Fin → Début » (par défaut) : "
     "le successeur ne peut pas démarrer ses travaux avant la livraison du prédécesseur, plus le délai minimal "
     "indiqué en mois (par exemple une démolition, puis l'aménagement des espaces libérés) ; « Début → Début » : "
     "pas de démarrage avant celui du prédécesseur ; « Fin → Fin » : pas de livraison avant la sienne ; "
     "« Continuité » : le nouvel équipement (prédécesseur) est livré avant que la démolition de l'ancien "
     "(successeur) ne démarre."),
    (c.FINANCEMENTS, "Le plan de financement : une ligne par opération et par financeur, avec le montant de la "
     "convention, le montant actualisé s'il a changé, le statut (prévu, sollicité, acquis, notifié), les "
     "montants engagés, l'avance et les versements cumulés, et la référence de la décision (DAS, "
     "délibération). Les lignes d'une opération totalisent son coût."),
    (c.RELOGEMENT, "Un ménage à reloger par ligne, de façon anonyme : un code (M-0001…), jamais de nom, de "
     "téléphone ni d'adresse, car le classeur circule par courriel. Statut, date de relogement, nombre de "
     "propositions, destination (neuf ou parc existant), localisation, reste à charge avant et après."),
    (c.INSERTION, "Les heures d'insertion par marché de travaux : heures travaillées, heures d'insertion prévues "
     "et réalisées, à la date indiquée."),
    (c.AVENANTS, "Les avenants signés, simplifiés ou nationaux, avec leur objet et les opérations qu'ils "
     "modifient (identifiants séparés par des points-virgules)."),
    (c.ACTIONS, "Le relevé de décisions des instances : qui fait quoi pour quand, statut, nombre de reports, "
     "opérations liées et date de clôture."),
)
DATES_GUIDE = (
    "Tapez 31/12/{year} : Excel la reconnaît comme une date. Un semestre (S2 {year}), un trimestre "
    "(T3 {year}) ou un mois (déc. {year}) sont acceptés en texte : un démarrage est lu au premier jour de la "
    "période, une livraison ou une échéance au dernier jour, et la feuille Contrôles dit comment chaque "
    "texte a été lu.")
TYPING_GUIDE = (
    ("Montants", "En euros hors taxes : tapez un nombre (1234567), Excel l'affiche 1 234 567 €. Les textes "
     "« 1 234 567,89 € », « 1,2 M€ » ou « 350 k€ » sont aussi lus. Les taux sont des nombres de 0 à 100 "
     "(35 pour 35 %)."),
    ("Listes", "Choisissez dans la liste déroulante. Le logiciel ne tient compte ni des majuscules, ni des "
     "accents, ni du genre d'apostrophe, mais la valeur doit exister dans la feuille Listes."),
    ("Colonnes", "Ne renommez pas et ne supprimez pas les en-têtes existants. L'ordre des colonnes est libre "
     "et vous pouvez ajouter vos propres colonnes (comme « Observations internes » dans Opérations) : le "
     "logiciel les ignore. Des lignes de titre peuvent précéder la ligne d'en-tête, comme dans Opérations."),
    ("Identifiants", "Chaque opération a un identifiant unique ; les feuilles Jalons, Dépendances, "
     "Financements, Relogement, Insertion, Avenants et Actions y renvoient avec le même identifiant."),
)
SOFTWARE_GUIDE = (
    "Le logiciel ne modifie jamais les feuilles de saisie : pas une date reformatée, pas un espace supprimé. "
    "Il crée ou remplace seulement ses propres feuilles, placées après celles-ci : Contrôles (les problèmes "
    "de saisie, avec un lien vers la cellule et ce qu'il faut taper), Alertes (les points d'alerte ; les "
    "colonnes Mesure retenue, Responsable, Échéance, Suivi et Commentaire sont les vôtres et sont conservées "
    "d'une mise à jour à l'autre), Tableau de bord et Historique.",
    "Avant chaque instance : mettez à jour les feuilles, changez la date de situation dans Paramètres, "
    "lancez la mise à jour (bouton du ruban, ou commande « opc-excel refresh » sur le classeur), puis "
    "traitez d'abord les lignes Bloquant de la feuille Contrôles.",
)
MASTER_INTRO = (
    "Ce classeur est le classeur maître de l'OPC urbain du projet de rénovation urbaine de Perseigne et "
    "Courteille : il rassemble les opérations de la convention pluriannuelle ANRU, leur calendrier, leur "
    "financement, le relogement, l'insertion, les avenants et le relevé de décisions. Le logiciel opc_excel "
    "le lit pour produire les contrôles, les alertes, les indicateurs et les diaporamas des instances "
    "(point mensuel, comité de suivi, comité de pilotage, revue de projet)."
)
MASTER_WARNING = (
    "Données ILLUSTRATIVES. Les chiffres de ce classeur sont inventés : ils sont cohérents avec les ordres de "
    "grandeur publics du PRU Perseigne–Courteille (convention signée le 28/01/2008, environ 87,5 M€, environ "
    "500 logements sociaux démolis dans la convention en plus des 192 des tours Verlaine démolies en 2004, "
    "environ 400 reconstruits, plus de 800 réhabilités à Perseigne, 35 locaux commerciaux avenue Kennedy) "
    "mais ce n'est pas la convention réelle. Quelques anomalies y sont placées volontairement pour montrer "
    "les contrôles et les alertes. Date de situation : 30/09/2011. Le classeur a été actualisé aux situations "
    "du 31/03/2011 et du 30/06/2011, puis du 30/09/2011 : la feuille Historique garde les chiffres de chacune, "
    "la feuille Alertes la date où chaque alerte est apparue et les suites données depuis le 30/06/2011."
)
TEMPLATE_INTRO = (
    "Ce classeur est un modèle vierge de classeur maître pour l'OPC urbain d'un projet de renouvellement "
    "urbain ANRU (PNRU ou NPNRU). Il rassemble les opérations de la convention, leur calendrier, leur "
    "financement, le relogement, l'insertion, les avenants et le relevé de décisions. Le logiciel opc_excel "
    "le lit pour produire les contrôles, les alertes, les indicateurs et les diaporamas des instances."
)
TEMPLATE_START = (
    "Pour commencer : remplissez la feuille Paramètres (projet, collectivité, programme, dates de la "
    "convention, date de situation), complétez les listes Quartiers, Maîtres d'ouvrage et Financeurs de la "
    "feuille Listes, puis saisissez les opérations, leurs jalons et leurs financements. Les seuils des "
    "alertes sont préremplis avec les valeurs par défaut ; ils se règlent dans Paramètres."
)


def write_guide(ws: Worksheet, intro: str, notice: str, subtitle: str, example_year: int) -> None:
    """Write the *Mode d'emploi*: what the workbook is, one paragraph per sheet, how to type.

    ``example_year`` is the year of the typing examples (31/12/AAAA, S2 AAAA…): the master's own, and
    one of no particular project in the blank template.
    """
    ws.sheet_properties.tabColor = TAB_COLOURS[c.MODE_EMPLOI]
    ws.sheet_view.showGridLines = False
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 110
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1

    def line(label: str | None, text: str, *, font: Font | None = None, fill: PatternFill | None = None,
             gap: int = 1) -> None:
        nonlocal row
        if label:
            ws.cell(row, 1, label).font = calibri(bold=True, color=DARK_BLUE)
            ws.cell(row, 1).alignment = wrap
        cell = ws.cell(row, 2, text)
        cell.alignment = wrap
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        ws.row_dimensions[row].height = text_height(text, 110)
        row += gap

    def heading(text: str) -> None:
        nonlocal row
        row += 1
        ws.cell(row, 1, text).font = calibri(bold=True, size=13, color=DARK_BLUE)
        row += 1

    ws.cell(row, 1, f"Mode d'emploi — {subtitle}").font = calibri(bold=True, size=16, color=DARK_BLUE)
    ws.row_dimensions[row].height = 26
    row += 2
    line(None, intro, gap=2)
    line(None, notice, font=calibri(bold=True, color="833C0B"), fill=PatternFill("solid", start_color="FCE4D6"))
    heading("Les feuilles")
    for sheet, text in SHEET_GUIDE:
        line(sheet, text)
    heading("Saisir les données")
    line("Dates", DATES_GUIDE.format(year=example_year))
    for label, text in TYPING_GUIDE:
        line(label, text)
    heading("Ce que fait le logiciel")
    for text in SOFTWARE_GUIDE:
        line(None, text)
    print_layout(ws)

