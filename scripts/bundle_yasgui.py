"""Bundle YASGUI (the SPARQL query editor and result viewer the endpoint's query page uses) from npm.

    python scripts/bundle_yasgui.py                 # the version in src/evkg/serve/static/yasgui/VERSION
    python scripts/bundle_yasgui.py --version 4.6.2

Fetches the npm package ``@zazuko/yasgui`` with the npm client (``npm pack``: the registry, never a
CDN), and copies its built ``yasgui.min.js`` and ``yasgui.min.css`` into
``src/evkg/serve/static/yasgui/`` with its ``package.json``, a ``VERSION`` file and ``README.md``
(version, licence as the package declares it, SHA-256 of each file). The page loads nothing from
another host: the files ship inside the wheel.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@zazuko/yasgui"
TARGET = Path(__file__).resolve().parents[1] / "src" / "evkg" / "serve" / "static" / "yasgui"
FILES = ("build/yasgui.min.js", "build/yasgui.min.css")


def bundle(version: str, target: Path = TARGET) -> dict[str, str]:
    """Fetch ``@zazuko/yasgui@version`` with ``npm pack`` and copy its built files into ``target``."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("bundle_yasgui: npm is not installed (Debian package npm)")
    with tempfile.TemporaryDirectory(prefix="evkg-yasgui-") as tmp:
        done = subprocess.run(
            [npm, "pack", f"{PACKAGE}@{version}", "--silent"], cwd=tmp, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"bundle_yasgui: npm pack failed: {done.stderr.strip()[-500:]}")
        archive = Path(tmp) / done.stdout.strip().splitlines()[-1]
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        root = Path(tmp) / "package"
        meta = json.loads((root / "package.json").read_text(encoding="utf-8"))
        if meta.get("version") != version or meta.get("license") != "MIT":
            raise SystemExit(f"bundle_yasgui: unexpected package: version {meta.get('version')}, {meta.get('license')}")
        target.mkdir(parents=True, exist_ok=True)
        sums = {}
        for name in FILES:
            data = (root / name).read_bytes()
            (target / Path(name).name).write_bytes(data)
            sums[Path(name).name] = hashlib.sha256(data).hexdigest()
        keep = {k: meta[k] for k in ("name", "version", "license", "author", "contributors", "homepage", "repository")}
        (target / "package.json").write_text(json.dumps(keep, indent=2) + "\n", encoding="utf-8")
    (target / "VERSION").write_text(version + "\n", encoding="utf-8")
    lines = [
        "# YASGUI, bundled",
        "",
        f"`{PACKAGE}` {version} from the npm registry (`npm pack`), by `scripts/bundle_yasgui.py`: its built",
        "`yasgui.min.js` and `yasgui.min.css`, unchanged. The query page of `evkg serve` (`/sparql` in a",
        "browser) loads them from here; nothing is loaded from another host.",
        "",
        f"- Licence: **{meta['license']}**, as the package declares it (`package.json`, kept here); the npm package",
        "  ships no licence file of its own. Authors as the package names them: "
        + f"{meta.get('author', '')}; contributors: "
        + ", ".join(c.get("name", "") for c in meta.get("contributors", []))
        + ".",
        f"- Source: {meta.get('homepage', '')}",
        "- SHA-256:",
        *[f"  - `{name}`: `{digest}`" for name, digest in sums.items()],
        "",
        "The MIT licence: Permission is hereby granted, free of charge, to any person obtaining a copy of this",
        'software and associated documentation files (the "Software"), to deal in the Software without',
        "restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute,",
        "sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished",
        "to do so, subject to the following conditions: The above copyright notice and this permission notice",
        'shall be included in all copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS',
        'IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF',
        "MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR",
        "COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT,",
        "TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS",
        "IN THE SOFTWARE.",
        "",
    ]
    (target / "README.md").write_text("\n".join(lines), encoding="utf-8")
    return sums


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    current = (TARGET / "VERSION").read_text(encoding="utf-8").strip() if (TARGET / "VERSION").is_file() else None
    parser.add_argument("--version", default=current, help=f"version of {PACKAGE} (default: the bundled one)")
    args = parser.parse_args(argv)
    if not args.version:
        parser.error("--version is required (nothing is bundled yet)")
    for name, digest in bundle(args.version).items():
        print(f"{name}: {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
