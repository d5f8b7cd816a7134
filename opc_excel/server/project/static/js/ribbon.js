// OPC urbain: the ribbon's buttons, and the calls the task pane shares with them.
// Loaded by taskpane.html, which is also the ribbon's function file (one shared runtime).

// The sheets each server call reads, and so the only sheets sent: nothing else leaves Excel.
// Names as in the workbook contract; the workbook's own tab names are matched ignoring case,
// accents, spaces and the kind of apostrophe. tests/test_server.py reads this block.
const OPC_FEUILLES = /* FEUILLES */ {
  "controler": ["Paramètres", "Listes", "Opérations", "Jalons", "Dépendances", "Financements", "Relogement", "Insertion", "Avenants", "Actions", "Participants", "Alertes", "Historique", "Historique jalons"],
  "actualiser": ["Paramètres", "Listes", "Opérations", "Jalons", "Dépendances", "Financements", "Relogement", "Insertion", "Avenants", "Actions", "Participants", "Alertes", "Historique", "Historique jalons"],
  "diaporama": ["Paramètres", "Listes", "Opérations", "Jalons", "Dépendances", "Financements", "Relogement", "Insertion", "Avenants", "Actions", "Participants", "Alertes", "Historique", "Historique jalons"]
} /* FIN FEUILLES */;

// The Diaporama menu: function name in the manifest -> kind and theme of POST /opc/deck/{kind}.
const OPC_DIAPORAMAS = {
  "point-mensuel": { kind: "point-mensuel", theme: null },
  "comite-suivi": { kind: "comite-suivi", theme: null },
  "copil": { kind: "copil", theme: null },
  "revue-projet": { kind: "revue-projet", theme: null },
  "reunion-restreinte-technique": { kind: "reunion-restreinte", theme: "technique" },
  "reunion-restreinte-financiere": { kind: "reunion-restreinte", theme: "financiere" },
  "reunion-restreinte-sociale": { kind: "reunion-restreinte", theme: "sociale" },
};

// The Documents menu: function name in the manifest (opc-doc-…) -> kind and instance of POST /opc/document/{kind}
// (routes.DOCUMENT_MENU); the documents read the same sheets as the decks.
const OPC_DOCUMENTS = {
  "rapport": { kind: "rapport", instance: null },
  "convocation-point-mensuel": { kind: "convocation", instance: "point-mensuel" },
  "convocation-comite-suivi": { kind: "convocation", instance: "comite-suivi" },
  "convocation-copil": { kind: "convocation", instance: "copil" },
  "convocation-revue-projet": { kind: "convocation", instance: "revue-projet" },
  "compte-rendu-point-mensuel": { kind: "compte-rendu", instance: "point-mensuel" },
  "compte-rendu-comite-suivi": { kind: "compte-rendu", instance: "comite-suivi" },
  "compte-rendu-copil": { kind: "compte-rendu", instance: "copil" },
  "compte-rendu-revue-projet": { kind: "compte-rendu", instance: "revue-projet" },
  "fiches": { kind: "fiches", instance: null },
};

// Same as opc_excel.text.match_key: "  Maître d’ouvrage " and "maitre d'ouvrage" are one name.
function opcCle(nom) {
  return String(nom)
    .replace(/[\u2019\u2018\u02bc`\u00b4]/g, "'")
    .replace(/[\u00a0\u202f\u2007\t\n\r]/g, " ")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/œ/g, "oe").replace(/Œ/g, "oe").replace(/æ/g, "ae").replace(/Æ/g, "ae")
    .toLowerCase()
    .split(/\s+/).filter(Boolean).join(" ");
}

// The ExcelApi version the add-in needs (manifest.xml declares it too): the xlwings client reads the
// print areas (pageLayout) and writes through members of ExcelApi 1.9.
const OPC_EXCELAPI = "1.9";
const OPC_EXCEL_ANCIEN =
  "Cette version d'Excel est trop ancienne pour le complément OPC urbain : il lui faut l'ensemble d'API " +
  `«\u00a0ExcelApi ${OPC_EXCELAPI}\u00a0», qu'ont Excel 2021, Microsoft 365 et Excel sur le web (pas Excel 2016 ni ` +
  "2019). Rien n'a été modifié. Faites mettre Excel à jour (Fichier › Compte › Options de mise à jour › Mettre à " +
  "jour maintenant) ou demandez une version récente au service informatique ; en attendant, ouvrez le classeur " +
  "dans Excel sur le web, ou utilisez la ligne de commande (opc-excel refresh).";

// An error whose message is already a French sentence for the user.
class OpcErreur extends Error {}

function opcVerifierExcel() {
  if (!Office.context.requirements.isSetSupported("ExcelApi", OPC_EXCELAPI)) throw new OpcErreur(OPC_EXCEL_ANCIEN);
}

// The workbook as the xlwings client sends it, with the values of the sheets the call reads only.
// Tab names are matched with opcCle (a tab named "Jalons " is Jalons); xlwings' include/exclude lists
// trim names, so every sheet the call does not read is blanked here before anything leaves Excel.
async function opcDonneesClasseur(appel, auth, context) {
  const voulues = new Set(OPC_FEUILLES[appel].map(opcCle));
  const feuilles = context.workbook.worksheets.load("items/name");
  await context.sync();
  const exclues = feuilles.items.map((feuille) => feuille.name).filter((nom) => !voulues.has(opcCle(nom)));
  const entetes = { "Auth-Provider": auth.provider };
  const donnees = await xlwings.getBookData(
    { exclude: exclues.length ? exclues.join(",") : "\u0000aucune", auth: auth.token, headers: entetes },
    context,
  );
  for (const feuille of donnees.sheets) {
    if (!voulues.has(opcCle(feuille.name))) Object.assign(feuille, { values: [[]], tables: [], shapes: [], pictures: [] });
  }
  return { donnees, entetes };
}

async function opcAuthentification() {
  return typeof globalThis.getAuth === "function" ? await globalThis.getAuth() : { token: "", provider: "" };
}

// POST to the server; returns the parsed answer, or throws an OpcErreur in French.
function opcRequete(chemin, donnees, entetes) {
  const adresse = `${window.location.origin}${config.appPath}${chemin}`;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", adresse, true);
    for (const [nom, valeur] of Object.entries(entetes)) if (valeur) xhr.setRequestHeader(nom, valeur);
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.timeout = (config.requestTimeout || 300) * 1000;
    xhr.onload = () => {
      let reponse = xhr.responseText;
      try {
        reponse = JSON.parse(reponse);
      } catch (erreur) {
        // a plain French sentence already
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(reponse);
        return;
      }
      const detail = reponse && typeof reponse === "object" ? reponse.detail || reponse.error : reponse;
      reject(new OpcErreur(typeof detail === "string" && detail.trim() ? detail
        : `Le serveur OPC urbain a répondu par une erreur (${xhr.status}) : rien n'a été modifié. Réessayez ; si ` +
          "cela se reproduit, transmettez l'heure de l'essai au service informatique."));
    };
    const injoignable = () => reject(new OpcErreur(
      `Le serveur OPC urbain (${window.location.origin}) ne répond pas : rien n'a été modifié. Vérifiez que ce ` +
      "poste est bien relié au réseau de la ville, puis recommencez ; si cela persiste, prévenez le service informatique."));
    xhr.onerror = injoignable;
    xhr.onabort = injoignable;
    xhr.ontimeout = () => reject(new OpcErreur(
      "Le serveur OPC urbain n'a pas répondu à temps : rien n'a été modifié. Réessayez dans quelques minutes ; si cela " +
      "se reproduit, utilisez la ligne de commande (opc-excel refresh) et prévenez le service informatique."));
    xhr.send(JSON.stringify(donnees));
  });
}

// The sheets an answer rewrites (its summary, the last action, lists them): if Excel would refuse to
// write one of them (a protected sheet or workbook), say so before anything is written.
async function opcVerifierProtection(context, reponse, script) {
  const resume = (reponse.actions || []).find((action) => action.func === "runMacro" && action.args[0] === "opcResume");
  const ecrites = new Set((resume ? JSON.parse(resume.args[1]).feuilles : []).map(opcCle));
  const feuilles = context.workbook.worksheets.load("items/name");
  const classeur = context.workbook.protection.load("protected");
  await context.sync();
  const concernees = feuilles.items.filter((feuille) => ecrites.has(opcCle(feuille.name)));
  for (const feuille of concernees) feuille.protection.load("protected");
  await context.sync();
  const protegees = concernees.filter((feuille) => feuille.protection.protected).map((feuille) => `«\u00a0${feuille.name}\u00a0»`);
  const bouton = `«\u00a0${OPC_LIBELLES_RUBAN[script] || script}\u00a0»`;
  if (protegees.length) {
    const une = protegees.length === 1;
    throw new OpcErreur(
      `${une ? "La feuille" : "Les feuilles"} ${protegees.join(", ")} ${une ? "est protégée" : "sont protégées"} : ` +
      `Excel refuse qu'on ${une ? "la" : "les"} réécrive. Rien n'a été modifié. Ôtez la protection (onglet Révision › ` +
      `Ôter la protection de la feuille), relancez ${bouton}, puis protégez à nouveau si besoin.`);
  }
  const ajouts = (reponse.actions || []).some((action) => action.func === "addSheet");
  if (ajouts && classeur.protected) {
    throw new OpcErreur(
      "La structure du classeur est protégée : Excel refuse d'y ajouter les feuilles de résultats. Rien n'a été " +
      `modifié. Ôtez la protection (onglet Révision › Protéger le classeur), relancez ${bouton}, puis protégez à nouveau si besoin.`);
  }
}

// What a failure says to the user: our own sentences as they are, anything else in French.
function opcMessage(erreur, ecriture, script) {
  if (erreur instanceof OpcErreur) return erreur.message;
  console.error(erreur, erreur && erreur.cause);  // Excel's own (English) message and code, for the IT
  const bouton = `«\u00a0${OPC_LIBELLES_RUBAN[script] || script}\u00a0»`;
  if (ecriture) {
    return `Excel a refusé une modification en cours d'écriture : le classeur n'est mis à jour qu'en partie. ` +
      `Relancez ${bouton} ; si l'erreur revient, enregistrez le classeur sous un autre nom, rouvrez-le et prévenez ` +
      "le service informatique en donnant l'heure de l'essai.";
  }
  return `Excel n'a pas pu lire le classeur : rien n'a été modifié. Recommencez ; si l'erreur revient, ` +
    "fermez puis rouvrez le volet OPC urbain et prévenez le service informatique en donnant l'heure de l'essai.";
}

const OPC_LIBELLES_RUBAN = {
  controler: "Contrôler", actualiser: "Actualiser les alertes", diaporama: "Diaporama", documents: "Documents",
};
let opcAppelEnCours = null;

// One command at a time: a second press while one runs is told to wait, and nothing is sent.
async function opcUnSeulAppel(appel, travail) {
  if (opcAppelEnCours) {
    globalThis.opcVolet?.avertir(`«\u00a0${OPC_LIBELLES_RUBAN[opcAppelEnCours]}\u00a0» est déjà en cours : attendez qu'il se ` +
      `termine (le résumé s'affiche ici), puis relancez «\u00a0${OPC_LIBELLES_RUBAN[appel]}\u00a0» si besoin.`);
    return;
  }
  opcAppelEnCours = appel;
  globalThis.opcVolet?.debut(appel);
  try {
    await travail();
  } finally {
    opcAppelEnCours = null;
    globalThis.opcVolet?.fin();
  }
}

// Runs a script (controler, actualiser): its actions rewrite the output sheets, then its last
// action, opcResume, shows the summary in the task pane.
async function opcLancerScript(script) {
  await opcUnSeulAppel(script, async () => {
    let ecriture = false;
    try {
      opcVerifierExcel();
      const auth = await opcAuthentification();
      await Excel.run(async (context) => {
        const { donnees, entetes } = await opcDonneesClasseur(script, auth, context);
        const reponse = await opcRequete(`/xlwings/custom-scripts-call/${script}`, donnees, entetes);
        await opcVerifierProtection(context, reponse, script);
        ecriture = true;
        await xlwings.runActions(reponse, context);
      });
    } catch (erreur) {
      globalThis.opcVolet?.erreur(opcMessage(erreur, ecriture, script));
    }
  });
}

// Generates a deck: the same sheets as actualiser go to POST /opc/deck/{kind}; the answer is a
// download link, listed in the task pane (Excel can't save a file from an add-in).
async function opcGenererDiaporama(identifiant) {
  const { kind, theme } = OPC_DIAPORAMAS[identifiant];
  await opcUnSeulAppel("diaporama", async () => {
    try {
      opcVerifierExcel();
      const auth = await opcAuthentification();
      const { donnees, entetes } = await Excel.run((context) => opcDonneesClasseur("diaporama", auth, context));
      const parametres = new URLSearchParams({ lien: "1" });
      if (theme) parametres.set("theme", theme);
      globalThis.opcVolet?.ajouterDiaporama(await opcRequete(`/opc/deck/${kind}?${parametres}`, donnees, entetes));
    } catch (erreur) {
      globalThis.opcVolet?.erreur(opcMessage(erreur, false, "diaporama"));
    }
  });
  await opcAfficherVolet();
}

// Generates a Word document (rapport, convocation, compte rendu, fiches) as a deck is generated: the decks' sheets
// go to POST /opc/document/{kind}; the answer is a download link, listed in the task pane.
async function opcGenererDocument(identifiant) {
  const { kind, instance } = OPC_DOCUMENTS[identifiant];
  await opcUnSeulAppel("documents", async () => {
    try {
      opcVerifierExcel();
      const auth = await opcAuthentification();
      const { donnees, entetes } = await Excel.run((context) => opcDonneesClasseur("diaporama", auth, context));
      const parametres = new URLSearchParams({ lien: "1" });
      if (instance) parametres.set("instance", instance);
      globalThis.opcVolet?.ajouterDiaporama(await opcRequete(`/opc/document/${kind}?${parametres}`, donnees, entetes));
    } catch (erreur) {
      globalThis.opcVolet?.erreur(opcMessage(erreur, false, "documents"));
    }
  });
  await opcAfficherVolet();
}

async function opcAfficherVolet() {
  try {
    await Office.addin.showAsTaskpane();
  } catch (erreur) {
    console.warn("Volet OPC urbain non affiché :", erreur);
  }
}

// Ribbon buttons (FunctionName in manifest.xml -> function); each must call event.completed().
function opcBouton(action) {
  return async (event) => {
    try {
      await action();
    } finally {
      event.completed();
    }
  };
}

Office.actions.associate("opc-controler", opcBouton(async () => {
  await opcLancerScript("controler");
  await opcAfficherVolet();
}));
Office.actions.associate("opc-actualiser", opcBouton(async () => {
  await opcLancerScript("actualiser");
  await opcAfficherVolet();
}));
for (const identifiant of Object.keys(OPC_DIAPORAMAS)) {
  Office.actions.associate(`opc-deck-${identifiant}`, opcBouton(() => opcGenererDiaporama(identifiant)));
}
for (const identifiant of Object.keys(OPC_DOCUMENTS)) {
  Office.actions.associate(`opc-doc-${identifiant}`, opcBouton(() => opcGenererDocument(identifiant)));
}
