// OPC urbain: the task pane, and the two functions the server's actions call in Excel.
//   opcResume(summary)            the last action of controler / actualiser: show the summary
//   opcFinitions(sheet, extras)   what xlwings has no action for: tab colour, links to cells,
//                                 underline, filter, the drop-down list's warning, print layout
// Both are registered as xlwings callbacks (the server sends them as runMacro actions).

const OPC_LIBELLES = { controler: "Contrôler", actualiser: "Actualiser les alertes", diaporama: "Diaporama", documents: "Document Word" };

function opcElement(id) {
  return document.getElementById(id);
}

function opcTexte(balise, texte, classe) {
  const element = document.createElement(balise);
  element.textContent = texte;
  if (classe) element.className = classe;
  return element;
}

// "1 alerte rouge", "21 alertes rouges", "1 234 alertes" (French: singular below 2).
function opcNombre(nombre, singulier, pluriel) {
  return `${nombre.toLocaleString("fr-FR")} ${Math.abs(nombre) < 2 ? singulier : pluriel}`;
}

function opcAfficherResume(resume) {
  const zone = opcElement("opc-resume");
  if (!zone || !resume) return;
  zone.replaceChildren();
  zone.append(opcTexte("p", `${OPC_LIBELLES[resume.script] || resume.script} — ${resume.classeur}`, "opc-fort"));
  zone.append(opcTexte("p", `Situation au ${resume.date_de_situation} · passage de ${resume.heure || ""}`, "opc-discret"));
  const chiffres = document.createElement("ul");
  chiffres.className = "opc-chiffres";
  const lignes = [
    [opcNombre(resume.bloquants, "problème bloquant", "problèmes bloquants"), resume.bloquants ? "opc-rouge" : ""],
    [opcNombre(resume.avertissements, "avertissement", "avertissements"), resume.avertissements ? "opc-orange" : ""],
    [opcNombre(resume.alertes.Rouge, "alerte rouge", "alertes rouges"), resume.alertes.Rouge ? "opc-rouge" : ""],
    [opcNombre(resume.alertes.Orange, "alerte orange", "alertes orange"), resume.alertes.Orange ? "opc-orange" : ""],
  ];
  for (const [texte, classe] of lignes) chiffres.append(opcTexte("li", texte, classe));
  zone.append(chiffres);
  zone.append(opcTexte("p", resume.message));
}

async function opcResume(context, resumeJson) {
  const resume = JSON.parse(resumeJson);
  resume.heure = new Date().toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
  try {
    localStorage.setItem(`opc-resume:${resume.classeur}`, JSON.stringify(resume));
  } catch (erreur) {
    // storage may be off: the summary is still shown
  }
  opcAfficherResume(resume);
}

// Each part on its own: an Excel that lacks one API (or refuses one setting) keeps the others.
async function opcFinitions(context, nomFeuille, donneesJson) {
  const donnees = JSON.parse(donneesJson);
  const feuille = context.workbook.worksheets.getItem(nomFeuille);
  const plage = ([premiereLigne, premiereColonne, derniereLigne, derniereColonne]) =>
    feuille.getRangeByIndexes(premiereLigne - 1, premiereColonne - 1, derniereLigne - premiereLigne + 1,
      derniereColonne - premiereColonne + 1);
  const page = donnees.page;
  const etapes = [
    ["1.7", () => { feuille.tabColor = donnees.tab_color || ""; }],
    ["1.7", () => {
      for (const [ligne, colonne, lieu, info, texte] of donnees.links) {
        feuille.getCell(ligne - 1, colonne - 1).hyperlink = { documentReference: lieu, screenTip: info, textToDisplay: texte };
      }
    }],
    ["1.1", () => {
      for (const zone of donnees.underline) plage(zone).format.font.underline = "Single";
    }],
    ["1.9", () => { feuille.autoFilter.remove(); }],  // fails harmlessly when there is none
    ["1.9", () => {
      if (donnees.auto_filter) feuille.autoFilter.apply(feuille.getRange(donnees.auto_filter));
    }],
    ["1.8", () => {
      for (const regle of donnees.validations) {
        const validation = feuille.getRange(regle.ref).dataValidation;
        validation.ignoreBlanks = true;
        validation.errorAlert = { showAlert: true, style: "Warning", title: regle.title, message: regle.message };
      }
    }],
    ["1.9", () => {
      if (!page) return;
      feuille.pageLayout.orientation = "Landscape";
      if (page.paper_a4) feuille.pageLayout.paperSize = "A4";
    }],
    ["1.9", () => {
      if (!page) return;
      const zoom = { horizontalFitToPages: page.fit_width || 1 };  // wide sheets over a few pages, ≥ 65 %
      if (page.fit_height) zoom.verticalFitToPages = page.fit_height;
      feuille.pageLayout.zoom = zoom;
    }],
    ["1.9", () => { if (page) feuille.pageLayout.printOrder = "OverThenDown"; }],
    ["1.9", () => { if (page && page.title_rows) feuille.pageLayout.setPrintTitleRows(page.title_rows); }],
    ["1.9", () => { if (page && page.title_columns) feuille.pageLayout.setPrintTitleColumns(page.title_columns); }],
    ["1.9", () => {
      if (page && page.footer) feuille.pageLayout.headersFooters.defaultForAllPages.centerFooter = page.footer;
    }],
    ["1.9", () => {
      if (!page) return;
      feuille.pageLayout.centerHorizontally = Boolean(page.center_horizontally);
      if (page.margins) {
        const [gauche, droite, haut, bas] = page.margins.map((pouces) => pouces * 72);
        Object.assign(feuille.pageLayout, { leftMargin: gauche, rightMargin: droite, topMargin: haut, bottomMargin: bas });
      }
    }],
  ];
  for (const [version, etape] of etapes) {
    if (!Office.context.requirements.isSetSupported("ExcelApi", version)) continue;
    try {
      etape();
      await context.sync();
    } catch (erreur) {
      console.warn(`Mise en forme partielle de la feuille ${nomFeuille} :`, erreur);
    }
  }
}

function opcOuvrirLien(url) {
  const adresse = new URL(url, window.location.origin).href;
  if (Office.context.ui && Office.context.ui.openBrowserWindow) {
    Office.context.ui.openBrowserWindow(adresse);
  } else {
    window.open(adresse, "_blank", "noopener");
  }
}

globalThis.opcVolet = {
  debut(appel) {
    xlwings.hideGlobalError();
    xlwings.hideGlobalStatus();
    const enCours = opcElement("opc-en-cours");
    if (enCours) {
      enCours.textContent = `${OPC_LIBELLES[appel] || appel} : traitement en cours…`;
      enCours.hidden = false;
    }
    document.querySelectorAll("[data-opc-script], #opc-generer").forEach((bouton) => { bouton.disabled = true; });
  },
  fin() {
    const enCours = opcElement("opc-en-cours");
    if (enCours) enCours.hidden = true;
    document.querySelectorAll("[data-opc-script], #opc-generer").forEach((bouton) => { bouton.disabled = false; });
  },
  erreur(message) {
    xlwings.showGlobalError(message);
  },
  avertir(message) {
    xlwings.showGlobalStatus(message);
  },
  ajouterDiaporama(diaporama) {
    const liste = opcElement("opc-liens");
    if (!liste) return;
    const element = document.createElement("li");
    const lien = opcTexte("a", `Télécharger ${diaporama.fichier}`);
    lien.href = diaporama.url;
    lien.addEventListener("click", (evenement) => {
      evenement.preventDefault();
      opcOuvrirLien(diaporama.url);
    });
    element.append(lien, opcTexte("span", ` (${Math.round(diaporama.taille / 1000)} ko)`, "opc-discret"));
    liste.prepend(element);
  },
};

document.addEventListener("DOMContentLoaded", async () => {
  xlwings.registerCallback(opcResume);
  xlwings.registerCallback(opcFinitions);
  document.querySelectorAll("[data-opc-script]").forEach((bouton) => {
    bouton.addEventListener("click", () => opcLancerScript(bouton.dataset.opcScript));
  });
  opcElement("opc-generer")?.addEventListener("click", () => opcGenererDiaporama(opcElement("opc-diaporama").value));
  const jeton = opcElement("opc-jeton");
  if (jeton) {
    jeton.value = localStorage.getItem("opc-jeton") || "";
    opcElement("opc-jeton-enregistrer").addEventListener("click", () => {
      localStorage.setItem("opc-jeton", jeton.value.trim());
      opcElement("opc-jeton-etat").textContent = " Jeton enregistré.";
    });
  }
  await Office.onReady();
  if (!Office.context.requirements.isSetSupported("ExcelApi", OPC_EXCELAPI)) {
    globalThis.opcVolet.erreur(OPC_EXCEL_ANCIEN);  // said as soon as the pane opens, before any click
  }
  const classeur = await xlwings.getActiveBookName();
  try {
    opcAfficherResume(JSON.parse(localStorage.getItem(`opc-resume:${classeur}`)));
  } catch (erreur) {
    // nothing kept for this workbook yet
  }
});
