"""Every message a person reads is translated into each language the product speaks besides
English (README, Languages): each catalogue (the project's in locale/, each app's in
<app>/locale/) translates every message, holds exactly the messages `makemessages` finds in
the templates and code, and is compiled as it reads."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

ROOT = Path(settings.BASE_DIR)
# Catalogue names (zh_Hans, ru) of the languages besides the one the messages are written in.
CATALOGUES = [to_locale(code) for code, _name in settings.LANGUAGES if code != "en"]
# Not the product's: what git, the tools and the build keep beside it.
NOT_SOURCE = {".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", "staticfiles"}
NOT_SOURCE |= {"media", ".ruff_cache"}


def locale_dirs(root: Path = ROOT) -> list[Path]:
    found = []
    for folder, subfolders, _files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name not in NOT_SOURCE)
        if "locale" in subfolders:
            found.append(Path(folder) / "locale")
            subfolders.remove("locale")
    return found


def catalogue(locale_dir: Path, name: str) -> Path:
    return locale_dir / name / "LC_MESSAGES" / "django.po"


def catalogues(root: Path = ROOT) -> list[Path]:
    return [catalogue(folder, name) for folder in locale_dirs(root) for name in CATALOGUES]


def key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgid, entry.msgctxt or "", entry.msgid_plural)


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_every_app_with_messages_has_both_catalogues():
    assert catalogue(ROOT / "locale", CATALOGUES[0]) in catalogues()
    missing = [shown(path) for path in catalogues() if not path.exists()]
    assert not missing, f"Catalogues to write (README, Languages): {missing}"


def test_every_message_is_translated_in_every_catalogue():
    untranslated = []
    for path in catalogues():
        entries = polib.pofile(str(path))
        if entries.metadata_is_fuzzy:  # msgfmt would leave out its header: the plural rule
            untranslated.append(f"{shown(path)}: the header")
        for entry in entries:
            if entry.obsolete:
                continue
            translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            if "fuzzy" in entry.flags or not all(translations):
                untranslated.append(f"{shown(path)}: {entry.msgid!r}")
    assert not untranslated, "Untranslated or fuzzy:\n" + "\n".join(untranslated)


def _source_copy(into: Path) -> Path:
    def skipped(folder: str, names: list[str]) -> set[str]:
        return {name for name in names if name in NOT_SOURCE or name.endswith((".mo", ".pyc"))}

    copy = into / "source"
    shutil.copytree(ROOT, copy, ignore=skipped, symlinks=True)
    return copy


def test_makemessages_would_change_no_catalogue(tmp_path):
    """Run over a copy of the project, `makemessages` finds the messages each catalogue holds:
    none missing, none left over (what it writes in the header and the comments aside)."""
    copy = _source_copy(tmp_path)
    languages = [arg for name in CATALOGUES for arg in ("-l", name)]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", *languages, "--no-obsolete", "-v", "0"],
        cwd=copy,
        env={**os.environ, "DEBUG": "true", "ENV_FILE": os.devnull},
        check=True,
        capture_output=True,
    )
    changes = []
    for path in catalogues(copy):
        written = {key(entry) for entry in polib.pofile(str(path)) if not entry.obsolete}
        kept_path = ROOT / path.relative_to(copy)
        kept = (
            {key(entry) for entry in polib.pofile(str(kept_path)) if not entry.obsolete}
            if kept_path.exists()
            else set()
        )
        changes += [f"{shown(kept_path)}: missing {msg[0]!r}" for msg in sorted(written - kept)]
        changes += [f"{shown(kept_path)}: left over {msg[0]!r}" for msg in sorted(kept - written)]
    assert not changes, "Run makemessages (README, Languages):\n" + "\n".join(changes)


@pytest.mark.parametrize("path", catalogues(), ids=shown)
def test_compiled_catalogue_holds_what_its_po_says(path):
    def translations(entries: polib._BaseFile) -> dict:
        held = {}
        for entry in entries:
            if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
                continue
            plural = tuple(sorted(entry.msgstr_plural.items()))
            if entry.msgstr or any(text for _n, text in plural):
                held[key(entry)] = (entry.msgstr, plural)
        return held

    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"Run compilemessages: {shown(compiled)} is missing"
    assert translations(polib.mofile(str(compiled))) == translations(polib.pofile(str(path))), (
        f"Run compilemessages: {shown(compiled)} is not its .po compiled"
    )
