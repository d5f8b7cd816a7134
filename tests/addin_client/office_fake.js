// A fake office.js for the real-client test (tests/test_addin_client.py): the `Office` and `Excel`
// globals over an in-memory workbook, following the Office.js proxy model.
//
// - Objects are proxies: methods and property writes are queued, and run against the workbook at
//   `context.sync()`, in order; the first that fails rejects the sync (what ran before it stays done).
// - Reading a property that was not loaded (and synced) throws PropertyNotLoaded; `load()` takes
//   "a, b", ["a", "b"] or "items/a" paths; a collection's `items` needs a load too.
// - A member newer than the host's ExcelApi version (`window.__HOTE__.version`) fails with
//   ApiNotFound at sync; `Office.context.requirements.isSetSupported` answers from the same version.
// - Writing to a protected sheet fails with AccessDenied, as Excel does.
// The workbook comes from `window.__HOTE__` (set by the test before the page loads, exported from an
// .xlsx): {name, version, protected, sheets: [{name, visibility, protected, cells: {"r,c": [value,
// numberFormat]}, tables: [{name, ref, columns}]}], names: [{name, formula}]}. Dates are serial numbers
// with a date number format, as Excel stores them. `window.__fauxOffice` exposes it to the test.
(function () {
  "use strict";
  const hote = window.__HOTE__;
  const versionHote = hote.version || "1.9";
  const journal = { actions: {}, dialogues: [], navigateur: [], volet: 0, panneApres: null };

  function versionSupportee(version) {
    const [a, b] = versionHote.split(".").map(Number);
    const [c, d] = String(version).split(".").map(Number);
    return a > c || (a === c && b >= d);
  }

  class OfficeError extends Error {
    constructor(code, message) {
      super(message);
      this.name = "RichApi.Error";
      this.code = code;
      this.debugInfo = { code, message };
    }
  }

  // ------------------------------------------------------------------ the workbook

  function cle(r, c) {
    return `${r},${c}`;
  }

  function nouvelleFeuille(nom) {
    return { name: nom, visibility: "Visible", protected: false, cells: new Map(), formats: new Map(), merges: [],
      widths: {}, heights: {}, validations: [], tables: [], frozen: null, tabColor: "", page: {}, showGridlines: true };
  }

  const classeur = { name: hote.name, protected: Boolean(hote.protected), sheets: [], names: hote.names || [] };
  for (const donnees of hote.sheets) {
    const feuille = nouvelleFeuille(donnees.name);
    feuille.visibility = donnees.visibility || "Visible";
    feuille.protected = Boolean(donnees.protected);
    for (const [position, [valeur, format]] of Object.entries(donnees.cells)) {
      feuille.cells.set(position, { v: valeur, f: format || "General" });
    }
    feuille.tables = (donnees.tables || []).map((t) => ({ ...t }));
    classeur.sheets.push(feuille);
  }

  function colonneLettres(c) {
    let texte = "";
    for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) texte = String.fromCharCode(65 + ((n - 1) % 26)) + texte;
    return texte;
  }

  function colonneIndex(lettres) {
    let n = 0;
    for (const lettre of lettres.toUpperCase()) n = n * 26 + (lettre.charCodeAt(0) - 64);
    return n - 1;
  }

  const MAX_LIGNES = 1048576;
  const MAX_COLONNES = 16384;

  // "A1", "$A$1:$C$5", "A:C", "2:4" -> [r0, c0, r1, c1] (inclusive, zero-based)
  function zone(adresse) {
    const texte = adresse.split("!").pop().replace(/\$/g, "");
    const [debut, fin = debut] = texte.split(":");
    const point = (partie, dernier) => {
      const m = /^([A-Za-z]*)(\d*)$/.exec(partie);
      if (!m) throw new OfficeError("InvalidArgument", `The argument is invalid or missing or has an incorrect format: ${adresse}`);
      const c = m[1] ? colonneIndex(m[1]) : dernier ? MAX_COLONNES - 1 : 0;
      const r = m[2] ? Number(m[2]) - 1 : dernier ? MAX_LIGNES - 1 : 0;
      return [r, c];
    };
    const [r0, c0] = point(debut, false);
    const [r1, c1] = point(fin, true);
    return [r0, c0, r1, c1];
  }

  function nomQualifie(feuille) {
    return /^[A-Za-z0-9_]+$/.test(feuille.name) ? feuille.name : `'${feuille.name.replace(/'/g, "''")}'`;
  }

  function adresseDe(feuille, [r0, c0, r1, c1]) {
    const a = `${colonneLettres(c0)}${r0 + 1}`;
    const b = `${colonneLettres(c1)}${r1 + 1}`;
    return `${nomQualifie(feuille)}!${a === b ? a : `${a}:${b}`}`;
  }

  function cellules(z, rappel) {
    const [r0, c0, r1, c1] = z;
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) rappel(r, c);
  }

  // The cells of a zone that hold something, without scanning a whole sheet's million rows.
  function cellulesPresentes(feuille, z, carte) {
    const [r0, c0, r1, c1] = z;
    const trouvees = [];
    for (const k of carte.keys()) {
      const [r, c] = k.split(",").map(Number);
      if (r >= r0 && r <= r1 && c >= c0 && c <= c1) trouvees.push(k);
    }
    return trouvees;
  }

  function verifierProtection(feuille) {
    if (feuille.protected) {
      throw new OfficeError("AccessDenied", "The cell or chart you're trying to change is on a protected sheet. " +
        "To make a change, unprotect the sheet.");
    }
  }

  function serieDate(annee, mois, jour, h = 0, mi = 0, s = 0) {
    return (Date.UTC(annee, mois - 1, jour, h, mi, s) / 86400000) + 25569;
  }

  // What Excel stores when a value is written (a string is read as if typed).
  function valeurTapee(valeur, cellule) {
    if (valeur === null || valeur === undefined || valeur === "") return "";
    if (typeof valeur !== "string") return valeur;
    if (valeur.startsWith("'")) return valeur.slice(1);
    if ("=+-@".includes(valeur[0])) return valeur;  // a formula, kept as its text
    const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z?)?$/.exec(valeur);
    if (iso) {
      const [, a, m, j, h = 0, mi = 0, s = 0] = iso.map((x) => (x === undefined ? undefined : x));
      if (cellule.f === "General") cellule.f = "dd/mm/yyyy";
      return serieDate(Number(a), Number(m), Number(j), Number(h), Number(mi), Number(s));
    }
    const nombre = valeur.replace(",", ".").replace(/\s/g, "");
    if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(nombre)) return Number(nombre);
    const haut = valeur.trim().toUpperCase();
    if (["TRUE", "FALSE", "VRAI", "FAUX"].includes(haut)) return haut === "TRUE" || haut === "VRAI";
    return valeur;
  }

  function cellule(feuille, r, c) {
    let trouvee = feuille.cells.get(cle(r, c));
    if (!trouvee) {
      trouvee = { v: "", f: "General" };
      feuille.cells.set(cle(r, c), trouvee);
    }
    return trouvee;
  }

  function dimensions(z) {
    return [z[2] - z[0] + 1, z[3] - z[1] + 1];
  }

  function matrice(z, valeur, nom) {
    const [lignes, colonnes] = dimensions(z);
    if (!Array.isArray(valeur)) return Array.from({ length: lignes }, () => Array(colonnes).fill(valeur));
    if (valeur.length === 1 && valeur[0].length === 1) return Array.from({ length: lignes }, () => Array(colonnes).fill(valeur[0][0]));
    if (valeur.length !== lignes || valeur.some((ligne) => ligne.length !== colonnes)) {
      throw new OfficeError("InvalidArgument", `The number of rows or columns in the input array doesn't match the size or dimensions of the range (${nom}).`);
    }
    return valeur;
  }

  function formatCellule(feuille, r, c) {
    let f = feuille.formats.get(cle(r, c));
    if (!f) {
      f = {};
      feuille.formats.set(cle(r, c), f);
    }
    return f;
  }

  function effacer(feuille, z, quoi) {
    verifierProtection(feuille);
    if (quoi === "All" || quoi === "Contents") {
      for (const k of cellulesPresentes(feuille, z, feuille.cells)) {
        if (quoi === "All") feuille.cells.delete(k);
        else feuille.cells.get(k).v = "";
      }
    }
    if (quoi === "All" || quoi === "Formats") {
      for (const k of cellulesPresentes(feuille, z, feuille.formats)) feuille.formats.delete(k);
      for (const k of cellulesPresentes(feuille, z, feuille.cells)) if (feuille.cells.has(k)) feuille.cells.get(k).f = "General";
      feuille.merges = feuille.merges.filter((m) => !(m[0] >= z[0] && m[2] <= z[2] && m[1] >= z[1] && m[3] <= z[3]));
    }
  }

  // ------------------------------------------------------------------ the proxy model

  class RequestContext {
    constructor() {
      this._operations = [];
      this._nuls = [];
      this.workbook = new Workbook(this, () => classeur);
      this.application = this.workbook.application;
    }

    _file(operation) {
      this._operations.push(operation);
    }

    async sync() {
      const operations = this._operations;
      this._operations = [];
      await new Promise((resolve) => setTimeout(resolve, 0));  // Excel answers asynchronously
      for (const operation of operations) operation();
      for (const nul of this._nuls.splice(0)) nul._resoudreNul();
    }
  }

  function chemins(proprietes) {
    if (proprietes === undefined) return [];
    if (typeof proprietes === "string") return proprietes.split(",").map((p) => p.trim()).filter(Boolean);
    if (Array.isArray(proprietes)) return proprietes.flatMap(chemins);
    if (typeof proprietes === "object") return chemins(proprietes.select || Object.keys(proprietes));
    return [];
  }

  class ClientObject {
    constructor(contexte, cible, version = "1.1", nom = "member") {
      this.context = contexte;
      this._cible = cible;
      this._cache = undefined;
      this._charge = {};
      if (!versionSupportee(version)) {
        contexte._file(() => {
          throw new OfficeError("ApiNotFound", `The API you are trying to use could not be found (${nom}). It may be available in a newer version of Excel.`);
        });
      }
    }

    _h() {
      if (this._cache === undefined) this._cache = this._cible();
      return this._cache;
    }

    _lu(nom) {
      if (!(nom in this._charge)) {
        throw new OfficeError("PropertyNotLoaded", `The property '${nom}' is not available. Before reading the property's value, call the load method on the containing object and call "context.sync()" on the associated request context.`);
      }
      return this._charge[nom];
    }

    _ecrire(rappel) {
      this.context._file(() => {
        if (journal.panneApres !== null && journal.panneApres-- <= 0) {
          throw new OfficeError("GeneralException", "An internal error has occurred while processing the request.");
        }
        rappel(this._h());
      });
    }

    load(proprietes) {
      const liste = chemins(proprietes);
      this.context._file(() => this._charger(liste.length ? liste : this._proprietesParDefaut()));
      return this;
    }

    // Loading without a list loads the scalar properties this version of Excel has.
    _proprietesParDefaut() {
      const lectures = this.constructor.LECTURES || {};
      return Object.keys(lectures).filter((nom) => !lectures[nom].version || versionSupportee(lectures[nom].version));
    }

    // A navigation property: the same proxy each time it is read, as in Office.js.
    _nav(nom, fabrique) {
      this._navs = this._navs || {};
      if (!(nom in this._navs)) this._navs[nom] = fabrique();
      return this._navs[nom];
    }

    _charger(liste) {
      const lectures = this.constructor.LECTURES || {};
      for (const chemin of liste) {
        const [tete, ...reste] = chemin.split("/");
        if (reste.length) {
          this[tete]._charger([reste.join("/")]);
          continue;
        }
        const lecture = lectures[tete];
        if (!lecture) continue;
        if (lecture.version && !versionSupportee(lecture.version)) {
          throw new OfficeError("ApiNotFound", `The property '${tete}' is not supported by this version of Excel (ExcelApi ${lecture.version}).`);
        }
        this._charge[tete] = lecture.lire(this._h(), this);
      }
    }

    toJSON() {
      return { ...this._charge };
    }
  }

  // Declares loadable properties (and writable ones) on a proxy class.
  function proprietes(Classe, table) {
    Classe.LECTURES = table;
    for (const [nom, def] of Object.entries(table)) {
      Object.defineProperty(Classe.prototype, nom, {
        get() {
          return this._lu(nom);
        },
        set(valeur) {
          if (!def.ecrire) throw new OfficeError("InvalidOperation", `${nom} is read-only`);
          if (def.version && !versionSupportee(def.version)) {
            this.context._file(() => { throw new OfficeError("ApiNotFound", `${nom} needs ExcelApi ${def.version}.`); });
            return;
          }
          this._ecrire((h) => def.ecrire(h, valeur, this));
          this._charge[nom] = valeur;
        },
        configurable: true,
      });
    }
  }

  class Collection extends ClientObject {
    constructor(contexte, cible, Element, version, nom) {
      super(contexte, cible, version, nom);
      this._Element = Element;
      this._elements = null;
    }

    get items() {
      if (this._elements === null) {
        throw new OfficeError("PropertyNotLoaded", "The property 'items' is not available. Before reading the property's value, call the load method on the containing object and call \"context.sync()\" on the associated request context.");
      }
      return this._elements;
    }

    _charger(liste) {
      const propres = liste.map((chemin) => (chemin.startsWith("items/") ? chemin.slice(6) : chemin)).filter((c) => c !== "items");
      this._elements = this._h().map((objet) => {
        const element = new this._Element(this.context, () => objet);
        element._charger(propres.length ? propres : element._proprietesParDefaut());
        return element;
      });
    }

    getCount() {
      const resultat = { value: undefined };
      this.context._file(() => { resultat.value = this._h().length; });
      return resultat;
    }
  }

  // A proxy that may turn out to be a null object (the *OrNullObject methods).
  function nullable(objet) {
    objet._estNul = undefined;
    objet._resoudreNul = () => {
      try {
        objet._estNul = objet._h() === null;
      } catch (erreur) {
        objet._estNul = true;
      }
    };
    Object.defineProperty(objet, "isNullObject", {
      get() {
        if (objet._estNul === undefined) throw new OfficeError("PropertyNotLoaded", "isNullObject is not available before context.sync().");
        return objet._estNul;
      },
    });
    objet.context._nuls.push(objet);
    const charger = objet._charger.bind(objet);
    objet._charger = (liste) => {
      if (objet._h() !== null) charger(liste);
    };
    return objet;
  }

  // ------------------------------------------------------------------ workbook, sheets

  class Application extends ClientObject {
    suspendScreenUpdatingUntilNextSync() {}
    calculate() {}
  }
  proprietes(Application, { calculationMode: { version: "1.8", lire: () => "Automatic", ecrire: () => {} } });

  class WorkbookProtection extends ClientObject {}
  proprietes(WorkbookProtection, { protected: { lire: () => classeur.protected } });

  class Workbook extends ClientObject {
    constructor(contexte, cible) {
      super(contexte, cible);
      this.worksheets = new WorksheetCollection(contexte, () => classeur.sheets);
      this.names = new NamedItemCollection(contexte, () => classeur.names.map((n) => ({ ...n, portee: null })));
      this.application = new Application(contexte, () => classeur);
    }

    get protection() {
      return this._nav("protection", () => new WorkbookProtection(this.context, () => classeur, "1.7", "Workbook.protection"));
    }

    getSelectedRange() {
      return new Range(this.context, () => ({ feuille: classeur.sheets[0], z: [0, 0, 0, 0] }));
    }
  }
  proprietes(Workbook, { name: { lire: () => classeur.name } });

  class WorksheetCollection extends Collection {
    constructor(contexte, cible) {
      super(contexte, cible, Worksheet);
    }

    getItem(nom) {
      return new Worksheet(this.context, () => {
        const feuille = classeur.sheets.find((f) => f.name.toLowerCase() === String(nom).toLowerCase());
        if (!feuille) throw new OfficeError("ItemNotFound", `The requested resource doesn't exist (worksheet '${nom}').`);
        return feuille;
      });
    }

    getItemOrNullObject(nom) {
      const feuille = new Worksheet(this.context, () => classeur.sheets.find((f) => f.name.toLowerCase() === String(nom).toLowerCase()) || null, "1.4", "getItemOrNullObject");
      return nullable(feuille);
    }

    getActiveWorksheet() {
      return new Worksheet(this.context, () => classeur.sheets.find((f) => f.visibility === "Visible"));
    }

    add(nom) {
      let cree = null;
      this.context._file(() => {
        if (classeur.protected) throw new OfficeError("AccessDenied", "The workbook is protected: sheets can't be added.");
        let libelle = nom;
        if (!libelle) for (let n = 1; !libelle || classeur.sheets.some((f) => f.name === libelle); n++) libelle = `Sheet${n}`;
        if (classeur.sheets.some((f) => f.name.toLowerCase() === libelle.toLowerCase())) {
          throw new OfficeError("ItemAlreadyExists", `The resource with the name or ID '${libelle}' already exists.`);
        }
        cree = nouvelleFeuille(libelle);
        classeur.sheets.push(cree);
      });
      return new Worksheet(this.context, () => cree);
    }
  }

  class WorksheetProtection extends ClientObject {}
  proprietes(WorksheetProtection, { protected: { lire: (f) => f.protected } });

  class FreezePanes extends ClientObject {
    freezeAt(plage) {
      this._ecrire((f) => { f.frozen = plage._h().z.slice(); });
    }

    unfreeze() {
      this._ecrire((f) => { f.frozen = null; });
    }
  }

  class PageLayout extends ClientObject {
    getPrintAreaOrNullObject() {
      return nullable(new RangeAreas(this.context, () => null, "1.9", "getPrintAreaOrNullObject"));
    }

    setPrintTitleRows(lignes) {
      this._ecrire((f) => { f.page.titleRows = lignes; });
    }
  }
  for (const nom of ["orientation", "paperSize", "zoom", "centerHorizontally", "leftMargin", "rightMargin", "topMargin", "bottomMargin"]) {
    proprietes.ajout = proprietes.ajout || {};
    proprietes.ajout[nom] = { version: "1.9", lire: (f) => f.page[nom], ecrire: (f, v) => { f.page[nom] = v; } };
  }
  proprietes(PageLayout, proprietes.ajout);

  class AutoFilter extends ClientObject {
    apply(plage) {
      this._ecrire((f) => { f.autoFilter = plage._h().z.slice(); });
    }

    remove() {
      this._ecrire((f) => { f.autoFilter = null; });
    }
  }

  class Worksheet extends ClientObject {
    constructor(contexte, cible, version, nom) {
      super(contexte, cible, version, nom);
      this.tables = new TableCollection(contexte, () => this._h().tables.map((t) => ({ feuille: this._h(), t })));
      this.charts = new Collection(contexte, () => [], ClientObject);
      this.freezePanes = new FreezePanes(contexte, () => this._h(), "1.7", "freezePanes");
    }

    get names() {
      return this._nav("names", () => new NamedItemCollection(this.context, () => [], "1.4", "Worksheet.names"));
    }

    get pivotTables() {
      return this._nav("pivotTables", () => new Collection(this.context, () => [], ClientObject, "1.8", "pivotTables"));
    }

    get shapes() {
      return this._nav("shapes", () => new Collection(this.context, () => [], ClientObject, "1.9", "shapes"));
    }

    get notes() {
      return this._nav("notes", () => new Collection(this.context, () => [], ClientObject, "1.18", "notes"));
    }

    get pageLayout() {
      return this._nav("pageLayout", () => new PageLayout(this.context, () => this._h(), "1.9", "Worksheet.pageLayout"));
    }

    get protection() {
      return this._nav("protection", () => new WorksheetProtection(this.context, () => this._h(), "1.2", "Worksheet.protection"));
    }

    get autoFilter() {
      return this._nav("autoFilter", () => new AutoFilter(this.context, () => this._h(), "1.9", "Worksheet.autoFilter"));
    }

    getRange(adresse) {
      return new Range(this.context, () => ({ feuille: this._h(), z: adresse ? zone(adresse) : [0, 0, MAX_LIGNES - 1, MAX_COLONNES - 1] }));
    }

    getRanges(adresse) {
      return new RangeAreas(this.context, () => ({ feuille: this._h(), z: adresse ? zone(adresse) : [0, 0, MAX_LIGNES - 1, MAX_COLONNES - 1] }), "1.9", "getRanges");
    }

    getRangeByIndexes(r, c, lignes, colonnes) {
      return new Range(this.context, () => ({ feuille: this._h(), z: [r, c, r + lignes - 1, c + colonnes - 1] }), "1.7", "getRangeByIndexes");
    }

    getCell(r, c) {
      return new Range(this.context, () => ({ feuille: this._h(), z: [r, c, r, c] }));
    }

    getUsedRangeOrNullObject(valeursSeules) {
      return nullable(new Range(this.context, () => {
        const feuille = this._h();
        let z = null;
        for (const [k, cel] of feuille.cells) {
          if (valeursSeules && (cel.v === "" || cel.v === null)) continue;
          const [r, c] = k.split(",").map(Number);
          z = z ? [Math.min(z[0], r), Math.min(z[1], c), Math.max(z[2], r), Math.max(z[3], c)] : [r, c, r, c];
        }
        return z ? { feuille, z } : null;
      }, "1.4", "getUsedRangeOrNullObject"));
    }

    activate() {}

    delete() {
      this._ecrire((f) => { classeur.sheets.splice(classeur.sheets.indexOf(f), 1); });
    }
  }
  proprietes(Worksheet, {
    name: { lire: (f) => f.name, ecrire: (f, v) => { f.name = v; } },
    visibility: { lire: (f) => f.visibility, ecrire: (f, v) => { f.visibility = v; } },
    position: {
      lire: (f) => classeur.sheets.indexOf(f),
      ecrire: (f, v) => {
        classeur.sheets.splice(classeur.sheets.indexOf(f), 1);
        classeur.sheets.splice(Math.min(v, classeur.sheets.length), 0, f);
      },
    },
    showGridlines: { version: "1.8", lire: (f) => f.showGridlines, ecrire: (f, v) => { f.showGridlines = v; } },
    tabColor: { version: "1.7", lire: (f) => f.tabColor, ecrire: (f, v) => { f.tabColor = v; } },
  });

  // ------------------------------------------------------------------ names and tables

  class NamedItem extends ClientObject {
    getRangeOrNullObject() {
      return nullable(new Range(this.context, () => {
        const m = /^=?(?:'((?:[^']|'')+)'|([^!]+))!(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$/.exec(this._h().formula);
        if (!m) return null;
        const nom = (m[1] || m[2]).replace(/''/g, "'");
        const feuille = classeur.sheets.find((f) => f.name === nom);
        return feuille ? { feuille, z: zone(m[3]) } : null;
      }, "1.4", "getRangeOrNullObject"));
    }
  }
  proprietes(NamedItem, {
    name: { lire: (n) => n.name },
    type: { lire: (n) => (/!\$?[A-Z]+\$?\d+/.test(n.formula) ? "Range" : "String") },
    formula: { version: "1.7", lire: (n) => n.formula },
  });

  class NamedItemCollection extends Collection {
    constructor(contexte, cible, version, nom) {
      super(contexte, cible, NamedItem, version, nom);
    }
  }

  class TableColumn extends ClientObject {}
  proprietes(TableColumn, { name: { lire: (c) => c } });

  class Table extends ClientObject {
    constructor(contexte, cible) {
      super(contexte, cible);
      this.columns = new Collection(contexte, () => this._h().t.columns, TableColumn);
    }

    _plage(decalageHaut, decalageBas) {
      return new Range(this.context, () => {
        const { feuille, t } = this._h();
        const z = zone(t.ref);
        return { feuille, z: [decalageHaut === null ? z[0] : z[0] + decalageHaut, z[1], decalageBas === null ? z[2] : z[0] + decalageBas, z[3]] };
      });
    }

    getRange() {
      return this._plage(null, null);
    }

    getHeaderRowRange() {
      return this._plage(0, 0);
    }

    getDataBodyRange() {
      return new Range(this.context, () => {
        const { feuille, t } = this._h();
        const z = zone(t.ref);
        return { feuille, z: [z[0] + 1, z[1], z[2], z[3]] };
      });
    }
  }
  const fixe = (valeur) => ({ lire: () => valeur });
  proprietes(Table, {
    name: { lire: (x) => x.t.name },
    showHeaders: fixe(true),
    showTotals: fixe(false),
    style: fixe("TableStyleMedium2"),
    showFilterButton: { version: "1.3", lire: () => true },
    highlightFirstColumn: { version: "1.3", lire: () => false },
    highlightLastColumn: { version: "1.3", lire: () => false },
    showBandedRows: { version: "1.3", lire: () => true },
    showBandedColumns: { version: "1.3", lire: () => false },
  });

  class TableCollection extends Collection {
    constructor(contexte, cible) {
      super(contexte, cible, Table);
    }
  }

  // ------------------------------------------------------------------ ranges and formats

  // A format object (font, fill, border, alignment…): each property written is kept per cell.
  class FormatBag extends ClientObject {
    constructor(contexte, cible, prefixe, version = "1.1", nom) {
      super(contexte, cible, version, nom);
      this._prefixe = prefixe;
      return new Proxy(this, {
        get(objet, nom, recepteur) {
          if (typeof nom !== "string" || nom in objet || nom.startsWith("_")) return Reflect.get(objet, nom, recepteur);
          return objet._lu(nom);
        },
        set(objet, nom, valeur) {
          if (typeof nom !== "string" || nom.startsWith("_") || nom === "context" || nom in objet) {
            return Reflect.set(objet, nom, valeur, objet);
          }
          objet._ecrire(({ feuille, z }) => {
            verifierProtection(feuille);
            cellules(z, (r, c) => { formatCellule(feuille, r, c)[`${objet._prefixe}${nom}`] = valeur; });
          });
          return true;
        },
      });
    }

    _charger(liste) {
      const { feuille, z } = this._h();
      for (const nom of liste) {
        const f = feuille.formats.get(cle(z[0], z[1])) || {};
        this._charge[nom] = f[`${this._prefixe}${nom}`] ?? null;
      }
    }

    clear() {
      this._ecrire(({ feuille, z }) => {
        verifierProtection(feuille);
        cellules(z, (r, c) => { delete formatCellule(feuille, r, c)[`${this._prefixe}color`]; });
      });
    }
  }

  class Borders extends ClientObject {
    getItem(cote) {
      return new FormatBag(this.context, () => this._h(), `border.${cote}.`);
    }
  }

  class RangeFormat extends FormatBag {
    constructor(contexte, cible) {
      super(contexte, cible, "");
      const self = this;
      self._font = new FormatBag(contexte, cible, "font.");
      self._fill = new FormatBag(contexte, cible, "fill.");
      self._borders = new Borders(contexte, cible);
    }

    get font() {
      return this._font;
    }

    get fill() {
      return this._fill;
    }

    get borders() {
      return this._borders;
    }

    autofitColumns() {}

    autofitRows() {}
  }

  class DataValidation extends ClientObject {
    clear() {
      this._ecrire(({ feuille, z }) => {
        verifierProtection(feuille);
        feuille.validations = feuille.validations.filter((v) => !(v.z[0] >= z[0] && v.z[2] <= z[2] && v.z[1] >= z[1] && v.z[3] <= z[3]));
      });
    }
  }
  proprietes(DataValidation, {
    type: { lire: ({ feuille, z }) => (feuille.validations.find((v) => v.z[0] <= z[0] && v.z[1] <= z[1] && v.z[2] >= z[2] && v.z[3] >= z[3]) ? "List" : "None") },
    rule: { lire: () => null, ecrire: ({ feuille, z }, v) => { verifierProtection(feuille); feuille.validations.push({ z: z.slice(), rule: v }); } },
    ignoreBlanks: { lire: () => true, ecrire: () => {} },
    errorAlert: { lire: () => null, ecrire: ({ feuille, z }, v) => { feuille.validations.filter((x) => x.z.join() === z.join()).forEach((x) => { x.errorAlert = v; }); } },
  });

  class Range extends ClientObject {
    get format() {
      if (!this._format) this._format = new RangeFormat(this.context, () => this._h());
      return this._format;
    }

    get dataValidation() {
      return this._nav("dataValidation", () => new DataValidation(this.context, () => this._h(), "1.8", "Range.dataValidation"));
    }

    get worksheet() {
      return this._nav("worksheet", () => new Worksheet(this.context, () => this._h().feuille));
    }

    merge(enLignes) {
      this._ecrire(({ feuille, z }) => {
        verifierProtection(feuille);
        if (enLignes) for (let r = z[0]; r <= z[2]; r++) feuille.merges.push([r, z[1], r, z[3]]);
        else feuille.merges.push(z.slice());
      });
      if (!versionSupportee("1.2")) this.context._file(() => { throw new OfficeError("ApiNotFound", "Range.merge needs ExcelApi 1.2."); });
    }

    unmerge() {
      this._ecrire(({ feuille, z }) => {
        verifierProtection(feuille);
        feuille.merges = feuille.merges.filter((m) => m[2] < z[0] || m[0] > z[2] || m[3] < z[1] || m[1] > z[3]);
      });
    }

    clear(quoi = "All") {
      this._ecrire(({ feuille, z }) => effacer(feuille, z, quoi));
    }

    getSurroundingRegion() {
      return new Range(this.context, () => this._h(), "1.7", "getSurroundingRegion");
    }

    select() {}
  }
  proprietes(Range, {
    address: { lire: ({ feuille, z }) => adresseDe(feuille, z) },
    rowCount: { lire: ({ z }) => dimensions(z)[0] },
    columnCount: { lire: ({ z }) => dimensions(z)[1] },
    values: {
      lire: ({ feuille, z }) => {
        const [lignes, colonnes] = dimensions(z);
        return Array.from({ length: lignes }, (_, i) => Array.from({ length: colonnes }, (_, j) => {
          const cel = feuille.cells.get(cle(z[0] + i, z[1] + j));
          return cel ? cel.v : "";
        }));
      },
      ecrire: ({ feuille, z }, valeurs) => {
        verifierProtection(feuille);
        const grille = matrice(z, valeurs, "values");
        cellules(z, (r, c) => {
          const cel = cellule(feuille, r, c);
          cel.v = valeurTapee(grille[r - z[0]][c - z[1]], cel);
        });
      },
    },
    numberFormat: {
      lire: ({ feuille, z }) => {
        const [lignes, colonnes] = dimensions(z);
        return Array.from({ length: lignes }, (_, i) => Array.from({ length: colonnes }, (_, j) => {
          const cel = feuille.cells.get(cle(z[0] + i, z[1] + j));
          return cel ? cel.f : "General";
        }));
      },
      ecrire: ({ feuille, z }, formats) => {
        verifierProtection(feuille);
        const grille = matrice(z, formats, "numberFormat");
        cellules(z, (r, c) => { cellule(feuille, r, c).f = grille[r - z[0]][c - z[1]]; });
      },
    },
    hyperlink: {
      version: "1.7",
      lire: ({ feuille, z }) => (feuille.formats.get(cle(z[0], z[1])) || {}).hyperlink || null,
      ecrire: ({ feuille, z }, v) => { verifierProtection(feuille); formatCellule(feuille, z[0], z[1]).hyperlink = v; },
    },
  });

  class RangeAreas extends ClientObject {
    constructor(contexte, cible, version, nom) {
      super(contexte, cible, version, nom);
      this.areas = new Collection(contexte, () => [this._h()], Range);
    }

    clear(quoi = "All") {
      this._ecrire(({ feuille, z }) => effacer(feuille, z, quoi));
    }
  }

  // Row heights and column widths are kept per row and column.
  const lireFormat = RangeFormat.prototype;
  Object.defineProperty(lireFormat, "rowHeight", {
    set(v) { this._ecrire(({ feuille, z }) => { verifierProtection(feuille); for (let r = z[0]; r <= z[2]; r++) feuille.heights[r] = v; }); },
    get() { return this._lu("rowHeight"); },
  });
  Object.defineProperty(lireFormat, "columnWidth", {
    set(v) { this._ecrire(({ feuille, z }) => { verifierProtection(feuille); for (let c = z[1]; c <= Math.min(z[3], 200); c++) feuille.widths[c] = v; }); },
    get() { return this._lu("columnWidth"); },
  });

  // ------------------------------------------------------------------ the globals

  async function run(lot, peutEtreLot) {
    const travail = typeof lot === "function" ? lot : peutEtreLot;
    const contexte = new RequestContext();
    const resultat = await travail(contexte);
    await contexte.sync();
    return resultat;
  }

  const pret = Promise.resolve({ host: "Excel", platform: "OfficeOnline" });
  window.Office = {
    onReady(rappel) {
      if (rappel) pret.then(rappel);
      return pret;
    },
    initialize: null,
    HostType: { Excel: "Excel" },
    PlatformType: { OfficeOnline: "OfficeOnline", PC: "PC" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" },
    context: {
      platform: "OfficeOnline",
      host: "Excel",
      displayLanguage: "fr-FR",
      diagnostics: { version: "16.0.fake", platform: "OfficeOnline" },
      requirements: {
        isSetSupported(nom, version = "1.1") {
          const n = String(nom).toLowerCase();
          if (n === "excelapi") return versionSupportee(version);
          if (n === "sharedruntime" || n === "dialogapi" || n === "ribbonapi") return true;
          return false;
        },
      },
      ui: {
        displayDialogAsync(adresse, options, rappel) {
          journal.dialogues.push(adresse);
          rappel?.({ status: "succeeded", value: { addEventHandler() {}, close() {} } });
        },
        openBrowserWindow(adresse) {
          journal.navigateur.push(adresse);
        },
        messageParent() {},
      },
    },
    actions: {
      associate(nom, fonction) {
        journal.actions[nom] = fonction;
      },
    },
    addin: {
      async showAsTaskpane() {
        journal.volet += 1;
      },
      async hide() {},
    },
  };
  window.OfficeExtension = { Error: OfficeError, ErrorCodes: { propertyNotLoaded: "PropertyNotLoaded", apiNotFound: "ApiNotFound" } };
  window.Excel = {
    run,
    RequestContext,
    ShapeType: { image: "Image" },
    ClearApplyTo: { all: "All", contents: "Contents", formats: "Formats" },
    CalculationType: { full: "Full" },
    SaveBehavior: { save: "Save" },
    DeleteShiftDirection: { up: "Up", left: "Left" },
    InsertShiftDirection: { down: "Down", right: "Right" },
    GroupOption: { byRows: "ByRows", byColumns: "ByColumns" },
  };

  // What the test reads back: the workbook as plain data, and what the add-in asked of Office.
  window.__fauxOffice = {
    journal,
    classeur() {
      return classeur.sheets.map((f) => ({
        name: f.name, visibility: f.visibility, protected: f.protected,
        cells: Object.fromEntries([...f.cells].filter(([, c]) => c.v !== "" || c.f !== "General").map(([k, c]) => [k, [c.v, c.f]])),
        formats: Object.fromEntries([...f.formats].filter(([, x]) => Object.keys(x).length)),
        merges: f.merges, widths: f.widths, heights: f.heights, frozen: f.frozen, tabColor: f.tabColor,
        validations: f.validations.length,
      }));
    },
    // Excel fails on the n-th write from now on (n = 0: the next one).
    tomberEnPanneApres(n) {
      journal.panneApres = n;
    },
    proteger(nom) {
      classeur.sheets.find((f) => f.name === nom).protected = true;
    },
    // A ribbon button pressed: resolves when the function calls event.completed().
    appuyer(nom) {
      return new Promise((resolve) => journal.actions[nom]({ completed: resolve }));
    },
  };
})();
