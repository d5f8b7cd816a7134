"""A document as PDF, converted by LibreOffice when it is installed (``soffice --headless --convert-to pdf``).

LibreOffice runs in a temporary folder with a profile of its own, so that a LibreOffice the user has open
neither blocks nor is disturbed by the conversion; what comes back is the PDF's bytes, for the caller to
write like any other file (whole or not at all).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from opc_excel.errors import OpcError

CONVERSION_SECONDS = 240


class PdfUnavailableError(OpcError):
    """The PDF could not be made: LibreOffice is missing, or its conversion failed."""


NO_LIBREOFFICE = ("LibreOffice n'est pas installé sur ce poste : le PDF n'a pas été produit. Le document Word est "
                  "écrit ; enregistrez-le en PDF depuis Word (Fichier > Exporter), ou installez LibreOffice "
                  "(https://fr.libreoffice.org) et relancez avec --pdf.")


NO_WRITER = ("LibreOffice est installé sans son traitement de texte (Writer) : le PDF n'a pas été produit. Le "
             "document Word est écrit ; enregistrez-le en PDF depuis Word (Fichier > Exporter), ou installez "
             "LibreOffice Writer et relancez avec --pdf.")


def soffice() -> str | None:
    """Return LibreOffice's command (``soffice`` or ``libreoffice``), None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def has_writer(command: str) -> bool:
    """Return True when the LibreOffice of ``command`` has Writer, which converts a .docx (Impress alone does not)."""
    program = Path(os.path.realpath(command)).parent
    return any((program / name).exists() for name in ("swriter", "swriter.exe", "swriter.bin"))


def to_pdf(docx: bytes, name: str = "document.docx") -> bytes:
    """Return the PDF of the .docx ``docx``; raise PdfUnavailableError (French) when LibreOffice can't make it."""
    command = soffice()
    if command is None:
        raise PdfUnavailableError(NO_LIBREOFFICE)
    if not has_writer(command):
        raise PdfUnavailableError(NO_WRITER)
    with tempfile.TemporaryDirectory(prefix="opc_excel_pdf_") as folder:
        source = Path(folder) / name
        source.write_bytes(docx)
        try:
            subprocess.run([command, "--headless", f"-env:UserInstallation={Path(folder, 'profil').as_uri()}",
                            "--convert-to", "pdf", "--outdir", folder, str(source)],
                           check=True, capture_output=True, timeout=CONVERSION_SECONDS)
        except (subprocess.SubprocessError, OSError) as error:
            raise PdfUnavailableError(
                "LibreOffice n'a pas pu convertir le document en PDF (conversion interrompue ou en échec) : le "
                "document Word est écrit ; enregistrez-le en PDF depuis Word, ou relancez.") from error
        target = source.with_suffix(".pdf")
        if not target.is_file():
            raise PdfUnavailableError("LibreOffice n'a pas produit de PDF : le document Word est écrit ; "
                                      "enregistrez-le en PDF depuis Word, ou relancez.")
        return target.read_bytes()
