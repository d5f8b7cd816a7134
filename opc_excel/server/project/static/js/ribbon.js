// OPC urbain: the ribbon's buttons, and the calls the task pane shares with them.
// Loaded by taskpane.html, which is also the ribbon's function file (one shared runtime).

// The sheets each server call reads, and so the only sheets sent: nothing else leaves Excel.
// Names as in the workbook contract; the workbook's own tab names are matched ignoring case,
// accents, spaces and the kind of apostrophe. tests/test_server.py reads this block.
const OPC_FEUILLES = /* FEUILLES */ {
  "controler": ["Paramètres", "Listes", "Opérations", "Jalons", "Dépendances", "Financements", "Relogement", "Insertion", "Avenants", "Actions"],
  "actualiser": ["Paramètres", "Listes", "Opérations", "Jalons", "Dépendances", "Financements", "Relogement", "Insertion", "Avenants", "Actions", "Alertes", "Historique", "Historique jalons"],
  "diaporama": ["Paramètres", "Listes", "Opérations", "Jalons", "Dépendances", "Financements", "Relogement", "Insertion", "Avenants", "Actions", "Alertes", "Historique", "Historique jalons"]
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

// The workbook's tab names to send for a call, joined as xlwings' `include` wants them.
async function opcFeuillesEnvoyees(appel) {
  const voulues = new Set(OPC_FEUILLES[appel].map(opcCle));
  const noms = await Excel.run(async (context) => {
    const feuilles = context.workbook.worksheets.load("items/name");
    await context.sync();
    return feuilles.items.map((feuille) => feuille.name);
  });
  const envoyees = noms.filter((nom) => voulues.has(opcCle(nom)));
  // An empty `include` would send every sheet: name one that can't exist instead.
  return envoyees.length ? envoyees.join(",") : "\u0000aucune";
}

async function opcAuthentification() {
  return typeof globalThis.getAuth === "function" ? await globalThis.getAuth() : { token: "", provider: "" };
}

// Runs a script (controler, actualiser): its actions rewrite the output sheets, then its last
// action, opcResume, shows the summary in the task pane.
async function opcLancerScript(script) {
  const auth = await opcAuthentification();
  globalThis.opcVolet?.debut(script);
  try {
    await xlwings.runPython({
      scriptName: script,
      include: await opcFeuillesEnvoyees(script),
      auth: auth.token,
      headers: { "Auth-Provider": auth.provider },
      errorDisplayMode: "alert",
    });
  } finally {
    globalThis.opcVolet?.fin();
  }
}

// Generates a deck: the same sheets as actualiser go to POST /opc/deck/{kind}; the answer is a
// download link, listed in the task pane (Excel can't save a file from an add-in).
async function opcGenererDiaporama(identifiant) {
  const { kind, theme } = OPC_DIAPORAMAS[identifiant];
  const auth = await opcAuthentification();
  const headers = { "Auth-Provider": auth.provider };
  globalThis.opcVolet?.debut("diaporama");
  try {
    const payload = await xlwings.getBookData({
      include: await opcFeuillesEnvoyees("diaporama"),
      auth: auth.token,
      headers: headers,
    });
    const parametres = new URLSearchParams({ lien: "1" });
    if (theme) parametres.set("theme", theme);
    const reponse = await fetch(
      `${window.location.origin}${config.appPath}/opc/deck/${kind}?${parametres}`,
      { method: "POST", headers: headers, body: JSON.stringify(payload) },
    );
    if (!reponse.ok) {
      let message = await reponse.text();
      try {
        message = JSON.parse(message).detail || message;
      } catch (erreur) {
        // a plain French sentence already
      }
      throw new Error(message);
    }
    globalThis.opcVolet?.ajouterDiaporama(await reponse.json());
  } catch (erreur) {
    globalThis.opcVolet?.erreur(erreur.message || String(erreur));
  } finally {
    globalThis.opcVolet?.fin();
    await opcAfficherVolet();
  }
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
